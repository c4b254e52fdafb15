// The other clusters a cross-cluster check compares against: every other cluster of the same
// mesh, plus the cluster's control plane (normally of the same mesh too; named explicitly so a
// misregistered one is still read).

import type { RegisteredCluster, Registry } from '../domain/cluster.ts';
import type { CallCharge } from '../k8s/call-budget.ts';
import type { Snapshot, SnapshotKind } from '../k8s/snapshot.ts';
import { failedSnapshot, type SnapshotSource } from '../k8s/snapshot-source.ts';

export function peersOf(registry: Registry, cluster: RegisteredCluster): RegisteredCluster[] {
  return registry.clusters.filter(
    (c) => c.name !== cluster.name && (c.mesh === cluster.mesh || c.name === cluster.controlPlane),
  );
}

/** Loads every peer once, in parallel, without logs. A peer that cannot be loaded is still
 *  present: as a snapshot whose failures say why, so checks report it rather than skip it. */
export async function loadPeers(
  source: SnapshotSource,
  peers: readonly RegisteredCluster[],
  kinds: readonly SnapshotKind[],
  budget: CallCharge,
): Promise<Map<string, Snapshot>> {
  const loaded = await Promise.all(
    peers.map(async (peer) => {
      try {
        return await source.load(peer, { kinds, logs: false, budget });
      } catch (err) {
        return failedSnapshot(peer.name, { kinds }, err);
      }
    }),
  );
  return new Map(loaded.map((s) => [s.cluster, s]));
}
