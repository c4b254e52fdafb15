// Counting API calls: per cluster and in total, over a client's life (metrics) and over one
// diagnosis (the budget that stops a runaway read from hammering an API server).

import { MeshMedicError } from '../domain/errors.ts';

/** Anything a call is charged to before it is made; throws to refuse the call. */
export interface CallCharge {
  take(cluster: string): void;
}

export class CallCounter {
  private readonly perCluster = new Map<string, number>();
  private count = 0;

  get total(): number {
    return this.count;
  }

  of(cluster: string): number {
    return this.perCluster.get(cluster) ?? 0;
  }

  byCluster(): ReadonlyMap<string, number> {
    return this.perCluster;
  }

  record(cluster: string): void {
    this.count++;
    this.perCluster.set(cluster, this.of(cluster) + 1);
  }
}

/** A CallCounter with a ceiling: one per diagnosis, shared by every cluster it reads. */
export class CallBudget extends CallCounter implements CallCharge {
  constructor(readonly limit: number) {
    super();
  }

  /** Records one call, or throws K8S_CALL_BUDGET (without recording) when the budget is spent. */
  take(cluster: string): void {
    if (this.total >= this.limit) {
      throw new MeshMedicError(
        'K8S_CALL_BUDGET',
        `API call budget of this diagnosis spent (${this.limit} calls); not calling cluster ${cluster} again`,
        { unrecoverable: true },
      );
    }
    this.record(cluster);
  }
}

/** Counts the calls of one piece of work (one snapshot) while charging them to a shared budget. */
export class CallMeter implements CallCharge {
  calls = 0;
  constructor(private readonly parent?: CallCharge) {}

  take(cluster: string): void {
    this.parent?.take(cluster);
    this.calls++;
  }
}
