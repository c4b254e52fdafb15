// A worker's peer-read cache: many diagnoses of one mesh at once read each peer once per TTL;
// the diagnosed cluster, wider reads, failed reads and clusters a fix just changed are read anew.

import { describe, expect, it } from 'vitest';
import type { RegisteredCluster } from '../../src/domain/cluster.ts';
import { diagnose } from '../../src/engine/diagnose.ts';
import { PeerSnapshotCache } from '../../src/engine/peer-cache.ts';
import { offlineSnapshotSource, type SnapshotRequest, type SnapshotSource } from '../../src/k8s/snapshot-source.ts';
import { Snapshot } from '../../src/k8s/snapshot.ts';
import { fakeCheck, pod, registryOf, spec } from './fixtures.ts';

const specs = [
  spec('east', { objects: [pod('default', 'east-app'), pod('istio-system', 'istiod-east')] }),
  spec('west', { objects: [pod('default', 'west-app'), pod('istio-system', 'istiod-west')] }),
];
const registry = registryOf(specs);

/** Loads of each cluster, `name` for a full read, `name (scoped)` for a peer's first read. */
function countingSource(inner: SnapshotSource): SnapshotSource & { loads: string[] } {
  const loads: string[] = [];
  return {
    ...inner,
    loads,
    load(cluster: RegisteredCluster, req: SnapshotRequest) {
      loads.push(req.scopes ? `${cluster.name} (scoped)` : cluster.name);
      return inner.load(cluster, req);
    },
  };
}

/** Names the peer's istiod pods (its first read suffices), or every pod of it (a wider read). */
function peerPods(wide: boolean) {
  return fakeCheck(
    wide ? 'peer-all-pods' : 'peer-istiod',
    (_s, ctx) => {
      const west = ctx.peers.get('west')!;
      const pods = wide ? west.list('pods') : west.listIn('pods', 'istio-system');
      return [{ status: 'pass', summary: pods.map((p) => p.metadata.name).sort().join(', ') }];
    },
    { reads: ['pods'], peerReads: ['pods'] },
  );
}

async function diagnoseEast(source: SnapshotSource, cache: PeerSnapshotCache, wide = false) {
  return diagnose({ registry, cluster: 'east', source, checks: [peerPods(wide)], peerCache: cache });
}

describe('PeerSnapshotCache', () => {
  it("shares a peer's first read between diagnoses within the TTL; the diagnosed cluster is read every time", async () => {
    const source = countingSource(offlineSnapshotSource(specs));
    const cache = new PeerSnapshotCache(15_000);
    const [a, b] = await Promise.all([diagnoseEast(source, cache), diagnoseEast(source, cache)]);
    await diagnoseEast(source, cache);
    expect(a.findings[0]?.summary).toBe('istiod-west');
    expect(b.findings[0]?.summary).toBe('istiod-west');
    expect(source.loads.sort()).toEqual(['east', 'east', 'east', 'west (scoped)']);
  });

  it('reads a peer again once the TTL has passed', async () => {
    let now = 0;
    const source = countingSource(offlineSnapshotSource(specs));
    const cache = new PeerSnapshotCache(15_000, () => now);
    await diagnoseEast(source, cache);
    now = 14_999;
    await diagnoseEast(source, cache);
    now = 15_000;
    await diagnoseEast(source, cache);
    expect(source.loads.filter((l) => l.startsWith('west'))).toEqual(['west (scoped)', 'west (scoped)']);
  });

  it('never keeps a wider read: a check asking for all of a peer gets a fresh full read', async () => {
    const source = countingSource(offlineSnapshotSource(specs));
    const cache = new PeerSnapshotCache(15_000);
    const first = await diagnoseEast(source, cache, true);
    const second = await diagnoseEast(source, cache, true);
    expect(first.findings[0]?.summary).toBe('istiod-west, west-app');
    expect(second.findings[0]?.summary).toBe('istiod-west, west-app');
    expect(source.loads.filter((l) => l.startsWith('west'))).toEqual(['west (scoped)', 'west', 'west']);
  });

  it('does not keep a read that failed, and forgets a cluster a fix was applied to', async () => {
    const inner = offlineSnapshotSource(specs);
    let failWest = true;
    const flaky = countingSource({
      ...inner,
      async load(cluster, req) {
        if (cluster.name === 'west' && failWest) {
          return new Snapshot({ cluster: 'west', takenAt: '', objects: {}, logs: [], failures: [{ kind: 'pods', code: 'K8S_UNREACHABLE', message: 'down' }], apiCalls: 0 });
        }
        return inner.load(cluster, req);
      },
    });
    const cache = new PeerSnapshotCache(15_000);
    const failed = await diagnoseEast(flaky, cache);
    expect(failed.findings[0]?.status).toBe('error');
    failWest = false;
    expect((await diagnoseEast(flaky, cache)).findings[0]?.summary).toBe('istiod-west');
    await diagnoseEast(flaky, cache);
    cache.forgetCluster('west');
    await diagnoseEast(flaky, cache);
    expect(flaky.loads.filter((l) => l.startsWith('west'))).toEqual(['west (scoped)', 'west (scoped)', 'west (scoped)']);
  });

  it('drops reads made before a cluster last changed (a fix applied by another worker)', async () => {
    let now = 1_000;
    const source = countingSource(offlineSnapshotSource(specs));
    const cache = new PeerSnapshotCache(15_000, () => now);
    await diagnoseEast(source, cache);
    now = 2_000;
    cache.forgetChangedSince(new Map([['west', 500], ['east', 1_500]]));
    await diagnoseEast(source, cache);
    cache.forgetChangedSince(new Map([['west', 1_500]]));
    await diagnoseEast(source, cache);
    expect(source.loads.filter((l) => l.startsWith('west'))).toEqual(['west (scoped)', 'west (scoped)']);
  });

  it('reads every time with a TTL of 0', async () => {
    const source = countingSource(offlineSnapshotSource(specs));
    const cache = new PeerSnapshotCache(0);
    await diagnoseEast(source, cache);
    await diagnoseEast(source, cache);
    expect(source.loads.filter((l) => l.startsWith('west'))).toHaveLength(2);
    expect(cache.size).toBe(0);
  });
});
