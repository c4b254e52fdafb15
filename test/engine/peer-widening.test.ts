// A check that asks a peer for more than its first, scoped read: the engine reads that kind in full
// and runs the check again. When that wider read fails, only that check says so, naming the peer
// and what failed; the others keep their verdicts.

import { describe, expect, it } from 'vitest';
import { diagnose } from '../../src/engine/diagnose.ts';
import { offlineSnapshotSource, type SnapshotSource } from '../../src/k8s/snapshot-source.ts';
import { Snapshot } from '../../src/k8s/snapshot.ts';
import { fakeCheck, pod, registryOf, service, spec } from './fixtures.ts';

const specs = [
  spec('east', { objects: [pod('default', 'east-app')] }),
  spec('west', { objects: [pod('default', 'west-app'), pod('istio-system', 'istiod-west'), service('default', 'web')] }),
];
const registry = registryOf(specs);

/** West answers its scoped reads, but refuses to list all of its pods (RBAC narrowed to istio-system). */
function narrowRbacSource(): SnapshotSource {
  const inner = offlineSnapshotSource(specs);
  return {
    ...inner,
    async load(cluster, req) {
      if (cluster.name !== 'west' || req.scopes) return inner.load(cluster, req);
      const message = 'pods is forbidden: User "mesh-medic" cannot list resource "pods" in API group "" at the cluster scope';
      return new Snapshot({ cluster: 'west', takenAt: '', objects: {}, logs: [], apiCalls: 1, failures: [{ kind: 'pods', code: 'K8S_FORBIDDEN', httpStatus: 403, message }] });
    },
  };
}

const istiodOfWest = fakeCheck(
  'istiod-of-west',
  (_s, ctx) => [{ status: 'pass', summary: ctx.peers.get('west')!.listIn('pods', 'istio-system').map((p) => p.metadata.name).join(', ') }],
  { reads: [], peerReads: ['pods'] },
);
const allPodsOfWest = fakeCheck(
  'all-pods-of-west',
  (_s, ctx) => [{ status: 'pass', summary: `${ctx.peers.get('west')!.list('pods').length} pods` }],
  { reads: [], peerReads: ['pods'] },
);

describe('widening a peer read', () => {
  it("reports the failed wider read on the check that asked for it, naming the peer; the others keep theirs", async () => {
    const report = await diagnose({ registry, cluster: 'east', source: narrowRbacSource(), checks: [istiodOfWest, allPodsOfWest] });
    const byCheck = new Map(report.findings.map((f) => [f.check, f]));
    expect(byCheck.get('istiod-of-west')).toMatchObject({ status: 'pass', summary: 'istiod-west' });
    expect(byCheck.get('all-pods-of-west')?.status).toBe('error');
    expect(byCheck.get('all-pods-of-west')?.summary).toContain('west');
    expect(byCheck.get('all-pods-of-west')?.summary).toContain('cannot list resource "pods"');
    expect(report.findings).toHaveLength(2);
  });

  it('widens again when the wider data leads a check to ask for another kind', async () => {
    // Looks for west's pods only once it has found a Service outside istio-system there.
    const stepwise = fakeCheck(
      'stepwise',
      (_s, ctx) => {
        const west = ctx.peers.get('west')!;
        const services = west.list('services').filter((s) => s.metadata.namespace !== 'istio-system');
        if (services.length === 0) return [{ status: 'skipped', summary: 'no app Service' }];
        return [{ status: 'pass', summary: `${services.length} Service, ${west.list('pods').length} pods` }];
      },
      { reads: [], peerReads: ['pods', 'services'] },
    );
    const report = await diagnose({ registry, cluster: 'east', source: offlineSnapshotSource(specs), checks: [stepwise] });
    expect(report.findings[0]).toMatchObject({ status: 'pass', summary: '1 Service, 2 pods' });
  });

  it('runs the check on the full read when it succeeds', async () => {
    const report = await diagnose({ registry, cluster: 'east', source: offlineSnapshotSource(specs), checks: [allPodsOfWest] });
    expect(report.findings[0]).toMatchObject({ status: 'pass', summary: '2 pods' });
  });
});
