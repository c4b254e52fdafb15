import { describe, expect, it } from 'vitest';
import { check } from '../../src/checks/cluster-access.ts';
import type { ReadFailure } from '../../src/k8s/snapshot.ts';
import type { CheckContext } from '../../src/checks/types.ts';
import { cl, NOW, pod, registry, snapshotOf, statuses } from './mesh-fixtures.ts';

const REG = registry(cl('cluster1', 'primary'));
const ctx: CheckContext = { cluster: REG.clusters[0]!, registry: REG, peers: new Map(), apiServers: new Map(), now: NOW };

function runWith(failures: ReadFailure[], objects = [pod('x')]) {
  const snapshot = snapshotOf('cluster1', { objects, failures });
  // The engine lists only the kinds other checks declared: a few here.
  for (const kind of Object.keys(snapshot.data.objects)) {
    if (!['pods', 'services', 'namespaces'].includes(kind)) delete snapshot.data.objects[kind as keyof typeof snapshot.data.objects];
  }
  for (const f of failures) delete snapshot.data.objects[f.kind as keyof typeof snapshot.data.objects];
  delete snapshot.data.secrets;
  return check.run(snapshot, ctx);
}

describe('cluster-access', () => {
  it('fails critically when the API server cannot be reached at all', () => {
    const message = 'cannot reach https://10.0.0.1:6443: connect ECONNREFUSED 10.0.0.1:6443';
    const failures: ReadFailure[] = ['pods', 'services', 'namespaces'].map((kind) => ({ kind: kind as ReadFailure['kind'], code: 'K8S_UNREACHABLE', message }));
    const results = runWith(failures);
    expect(statuses(results)).toEqual(['fail']);
    expect(results[0]!.summary).toBe(`Cannot read cluster1: ${message}`);
  });

  it('fails when the credentials are rejected', () => {
    const results = runWith([{ kind: 'pods', code: 'K8S_UNAUTHORIZED', httpStatus: 401, message: 'https://10.0.0.1:6443 rejected the token (401 Unauthorized)' }]);
    expect(statuses(results)).toEqual(['fail']);
    expect(results[0]!.summary).toContain("rejected mesh-medic's credentials (401)");
  });

  it('warns with the missing permissions when some kinds are forbidden', () => {
    const results = runWith([
      { kind: 'services', code: 'K8S_FORBIDDEN', httpStatus: 403, message: 'forbidden: needs list on services (cluster-wide)' },
      {
        kind: 'pods/log',
        log: { namespace: 'istio-system', pod: 'istio-ingressgateway-1', container: 'istio-proxy', previous: false },
        code: 'K8S_FORBIDDEN',
        httpStatus: 403,
        message: 'forbidden: needs get on pods/log in istio-system',
      },
    ]);
    expect(statuses(results)).toEqual(['warn']);
    expect(results[0]!.summary).toBe(
      'mesh-medic lacks permission to read services, pods/log istio-system/istio-ingressgateway-1 in cluster1: forbidden: needs list on services (cluster-wide); forbidden: needs get on pods/log in istio-system',
    );
    expect(results[0]!.evidence?.[0]).toEqual({ cluster: 'cluster1', kind: 'APIResource', name: 'services', field: 'HTTP 403', value: 'forbidden: needs list on services (cluster-wide)' });
  });

  it('warns on a read that timed out while others succeeded', () => {
    const results = runWith([{ kind: 'services', code: 'K8S_TIMEOUT', message: 'no answer from https://10.0.0.1:6443 within 10s (list services)' }]);
    expect(statuses(results)).toEqual(['warn']);
    expect(results[0]!.summary).toContain('1 read of cluster1 timed out or could not connect (services)');
  });

  it('passes with what was read', () => {
    const results = runWith([]);
    expect(statuses(results)).toEqual(['pass']);
    expect(results[0]!.summary).toBe('Read 3 kinds (1 object) and 0 container logs from cluster1 without errors');
  });

  it('skips when the diagnosis read nothing', () => {
    const snapshot = snapshotOf('cluster1', { objects: [] });
    for (const kind of Object.keys(snapshot.data.objects)) delete snapshot.data.objects[kind as keyof typeof snapshot.data.objects];
    delete snapshot.data.secrets;
    expect(statuses(check.run(snapshot, ctx))).toEqual(['skipped']);
  });
});
