// Metrics around a worker's checks and snapshot sources, added by wrapping rather than by
// threading a metrics object through the engine: the engine stays the same for the CLI, the
// tests and the workers, and only the worker (which has a /metrics endpoint) pays for counting.

import type { Check } from '../checks/types.ts';
import type { SnapshotSource } from '../k8s/snapshot-source.ts';
import type { Metrics } from '../server/metrics.ts';

type CheckMetrics = Pick<Metrics, 'checkDuration'>;
type SourceMetrics = Pick<Metrics, 'k8sApiCalls' | 'k8sApiErrors'>;

/** The same checks, each timing its `run` into the check-duration histogram (also when it throws). */
export function timedChecks(checks: readonly Check[], metrics: CheckMetrics): Check[] {
  return checks.map((check) => ({
    ...check,
    run: (snapshot, ctx) => {
      const end = metrics.checkDuration.startTimer({ check: check.id });
      try {
        return check.run(snapshot, ctx);
      } finally {
        end();
      }
    },
  }));
}

/**
 * The same source, counting each loaded snapshot's API calls and failed reads per cluster. A
 * snapshot records both (a failed read never throws out of load), so counting after the fact
 * sees every call the diagnosis made. Sources are plain objects: spreading keeps their extras.
 */
export function countedSource<S extends SnapshotSource>(source: S, metrics: SourceMetrics): S {
  return {
    ...source,
    load: async (cluster, req) => {
      const snapshot = await source.load(cluster, req);
      if (snapshot.data.apiCalls > 0) metrics.k8sApiCalls.inc({ cluster: cluster.name }, snapshot.data.apiCalls);
      for (const failure of snapshot.data.failures) metrics.k8sApiErrors.inc({ cluster: cluster.name, code: failure.code });
      return snapshot;
    },
  };
}
