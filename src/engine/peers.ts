// The other clusters a cross-cluster check compares against: every other cluster of the same
// mesh, plus the cluster's control plane (normally of the same mesh too; named explicitly so a
// misregistered one is still read).
//
// Peers are read in two steps. First, narrowly: their pods and services only in istio-system,
// where cross-cluster checks look for istiod, the hosted-lb Service and east-west gateways on a
// healthy mesh; 24 peers of 2,000 pods each would otherwise be read in full by every diagnosis.
// A check that asks a peer for more (naming which cluster owns a wrong IP, finding a subset's
// endpoints in another cluster) makes the engine read those kinds in full and run it again.

import type { RegisteredCluster, Registry } from '../domain/cluster.ts';
import type { CallCharge } from '../k8s/call-budget.ts';
import { type KindScopes, Snapshot, type SnapshotKind } from '../k8s/snapshot.ts';
import { failedSnapshot, type SnapshotSource } from '../k8s/snapshot-source.ts';
import type { PeerSnapshotCache } from './peer-cache.ts';

/** What a diagnosis first reads of each peer's pods and services. */
export const PEER_SCOPES: KindScopes = { pods: ['istio-system'], services: ['istio-system'] };

/** Kinds each peer was asked for beyond its first, scoped read. */
export type PeerDemand = Map<string, Set<SnapshotKind>>;

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
  cache?: PeerSnapshotCache,
): Promise<Map<string, Snapshot>> {
  const scopes = PEER_SCOPES;
  const read = (peer: RegisteredCluster) => source.load(peer, { kinds, logs: false, budget, scopes });
  const loaded = await Promise.all(
    peers.map(async (peer) => {
      try {
        return await (cache ? cache.get(peer, kinds, scopes, () => read(peer)) : read(peer));
      } catch (err) {
        return failedSnapshot(peer.name, { kinds }, err);
      }
    }),
  );
  return new Map(loaded.map((s) => [s.cluster, s]));
}

/** Clears what earlier checks asked of the peers (call before running a check). */
export function resetDemand(peers: ReadonlyMap<string, Snapshot>): void {
  for (const peer of peers.values()) peer.takeWidened();
}

/** What the check just run asked of the peers beyond their scoped read, added to `into`. */
export function collectDemand(peers: ReadonlyMap<string, Snapshot>, into: PeerDemand): boolean {
  let any = false;
  for (const [name, peer] of peers) {
    for (const kind of peer.takeWidened()) {
      const kinds = into.get(name) ?? new Set<SnapshotKind>();
      kinds.add(kind);
      into.set(name, kinds);
      any = true;
    }
  }
  return any;
}

/** The peers with every demanded kind read in full (each peer in one load, all in parallel). */
export async function widenPeers(
  source: SnapshotSource,
  registry: Registry,
  peers: ReadonlyMap<string, Snapshot>,
  demand: PeerDemand,
  budget: CallCharge,
): Promise<Map<string, Snapshot>> {
  const out = new Map(peers);
  await Promise.all(
    [...demand].map(async ([name, kinds]) => {
      const cluster = registry.clusters.find((c) => c.name === name);
      const before = peers.get(name);
      if (!cluster || !before) return;
      const wide = await source
        .load(cluster, { kinds: [...kinds], logs: false, budget })
        .catch((err: unknown) => failedSnapshot(name, { kinds: [...kinds] }, err));
      out.set(name, widened(before, wide, kinds));
    }),
  );
  return out;
}

/** `before` with `kinds` replaced by their full read (objects or failures). */
function widened(before: Snapshot, wide: Snapshot, kinds: ReadonlySet<SnapshotKind>): Snapshot {
  const objects = { ...before.data.objects };
  const scopes = { ...before.data.scopes };
  for (const kind of kinds) {
    delete objects[kind];
    delete scopes[kind];
    const full = wide.data.objects[kind];
    if (full) objects[kind] = full;
  }
  return new Snapshot({
    ...before.data,
    objects,
    scopes,
    failures: [...before.data.failures.filter((f) => !kinds.has(f.kind as SnapshotKind)), ...wide.data.failures],
    apiCalls: before.data.apiCalls + wide.data.apiCalls,
  });
}
