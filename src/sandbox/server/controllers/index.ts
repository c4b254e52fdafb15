// The sandbox's controllers run synchronously after each API write (never at load, so scenario
// data stays exactly as written): Deployment rollouts first, then the endpoint controllers over the
// API write plus everything the rollout changed.

import type { ObjectStore } from '../store.ts';
import { rolloutIfTemplateChanged } from './deployment.ts';
import { syncEndpoints } from './endpoints.ts';
import { type Change, ControllerWriter, IpPool } from './support.ts';

export type { Change } from './support.ts';

export class Controllers {
  private readonly ips: IpPool;

  constructor(private readonly store: ObjectStore) {
    this.ips = new IpPool(() => store.list('pods'));
  }

  /** Reacts to one API write; returns the changes the controllers made. */
  afterWrite(change: Change): Change[] {
    const writer = new ControllerWriter(this.store);
    if (change.type.key === 'deployments.apps') {
      rolloutIfTemplateChanged({ writer, ips: this.ips, now: () => this.store.now() }, change);
    }
    syncEndpoints(writer, [change, ...writer.changes]);
    return writer.changes;
  }
}
