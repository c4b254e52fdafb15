// A worker's short-lived memory of peer reads. When many clusters of one mesh are diagnosed at
// once (an alert storm, a mesh-wide incident), every diagnosis reads the same peers: 25 clusters
// would read each other 600 times. Within the TTL the first, scoped read of a peer (istio-system
// pods and Services, cacerts, root ConfigMaps) is shared; the diagnosed cluster itself and any
// wider read a check asks for are always fresh. Failed reads are not kept: the next diagnosis
// tries again. Entries are stamped with wall-clock time so that changes recorded by other worker
// processes (a fix applied elsewhere, queue/cluster-changes.ts) can drop them: forgetChangedSince().

import type { RegisteredCluster } from '../domain/cluster.ts';
import type { KindScopes, Snapshot, SnapshotKind } from '../k8s/snapshot.ts';

interface Entry {
  cluster: string;
  at: number;
  snapshot: Promise<Snapshot>;
}

export class PeerSnapshotCache {
  private readonly entries = new Map<string, Entry>();

  /** `ttlMs` 0 disables the cache (every call loads). */
  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** The cached read of `peer` for these kinds and scopes, or `load()`'s (shared with concurrent callers). */
  async get(peer: RegisteredCluster, kinds: readonly SnapshotKind[], scopes: KindScopes, load: () => Promise<Snapshot>): Promise<Snapshot> {
    if (this.ttlMs <= 0) return load();
    this.prune();
    const key = cacheKey(peer, kinds, scopes);
    const hit = this.entries.get(key);
    if (hit) return hit.snapshot;
    const entry: Entry = { cluster: peer.name, at: this.now(), snapshot: load() };
    this.entries.set(key, entry);
    const snapshot = await entry.snapshot.catch((err: unknown) => {
      this.forget(key, entry);
      throw err;
    });
    if (snapshot.data.failures.length > 0) this.forget(key, entry);
    return snapshot;
  }

  /** Drops reads made before the cluster last changed (time in the same clock as `now`). */
  forgetChangedSince(changes: ReadonlyMap<string, number>): void {
    for (const [key, e] of this.entries) {
      const changed = changes.get(e.cluster);
      if (changed !== undefined && e.at <= changed) this.entries.delete(key);
    }
  }

  /** Drops every read of one cluster (a fix was applied to it: the next diagnosis must see the change). */
  forgetCluster(name: string): void {
    for (const [key, e] of this.entries) if (e.cluster === name) this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }

  private prune(): void {
    const now = this.now();
    for (const [key, e] of this.entries) if (now - e.at >= this.ttlMs) this.entries.delete(key);
  }

  private forget(key: string, entry: Entry): void {
    if (this.entries.get(key) === entry) this.entries.delete(key);
  }
}

/** A registry may change between diagnoses: the same name with another kubeconfig is another cluster. */
function cacheKey(peer: RegisteredCluster, kinds: readonly SnapshotKind[], scopes: KindScopes): string {
  return JSON.stringify([peer.name, peer.kubeconfig, peer.context ?? '', [...kinds].sort(), scopes]);
}
