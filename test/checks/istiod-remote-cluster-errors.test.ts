import { describe, expect, it } from 'vitest';
import { check } from '../../src/checks/istiod-remote-cluster-errors.ts';
import { cl, type ClusterInput, evidenceText, logTime, pod, registry, run, statuses } from './mesh-fixtures.ts';

const REG = registry(cl('cluster1', 'primary'), cl('cluster2', 'primary'));
const ISTIOD = 'istiod-5f4d9c7b8-x2m4q';

function istiod(lines: string[], name = ISTIOD): ClusterInput {
  return {
    objects: [pod(name, { labels: { app: 'istiod', istio: 'pilot' }, containers: [{ name: 'discovery' }] })],
    logs: [{ namespace: 'istio-system', pod: name, container: 'discovery', text: `${lines.join('\n')}\n` }],
  };
}

const OLD_FAILURE = (m: number) =>
  `${logTime(m)}\terror\tFailed to add remote cluster from secret=istio-remote-secret-cluster2 for cluster_id=cluster2: Get "https://10.0.0.2:6443/api?timeout=32s": dial tcp 10.0.0.2:6443: i/o timeout`;

describe('istiod-remote-cluster-errors', () => {
  it('fails on "Failed to add remote cluster from secret" and quotes the error (seed 002)', () => {
    const results = run(check, { registry: REG, cluster: 'cluster1', clusters: { cluster1: istiod([`${logTime(5)}\tinfo\tAdding cluster_id=cluster2 from secret=istio-remote-secret-cluster2`, OLD_FAILURE(5)]) } });
    expect(statuses(results)).toEqual(['fail']);
    expect(results[0]!.summary).toBe(
      `istiod (istio-system/${ISTIOD}) failed to add remote cluster cluster2 from secret istio-remote-secret-cluster2: ` +
        'Get "https://10.0.0.2:6443/api?timeout=32s": dial tcp 10.0.0.2:6443: i/o timeout (1 time, at 11:55:00Z); it will not retry until the secret changes',
    );
    expect(evidenceText(results)).toContain(`cluster1 Pod istio-system ${ISTIOD} log[discovery]`);
  });

  it('keeps an old failure current (istiod does not retry) but forgets one followed by success', () => {
    expect(statuses(run(check, { registry: REG, cluster: 'cluster1', clusters: { cluster1: istiod([OLD_FAILURE(300)]) } }))).toEqual(['fail']);
    const resolved = [OLD_FAILURE(30), `${logTime(10)}\tinfo\tfinished callback for cluster and starting to sync\tcluster=cluster2 secret=istio-system/istio-remote-secret-cluster2`];
    const results = run(check, { registry: REG, cluster: 'cluster1', clusters: { cluster1: istiod(resolved) } });
    expect(statuses(results)).toEqual(['pass']);
    expect(results[0]!.summary).toBe('discovery logs of 1 istiod pod in cluster1 show no unresolved remote-cluster errors');
  });

  it('understands the labelled and krt log formats of newer istiod', () => {
    const lines = [
      `${logTime(3)}\terror\tAdding cluster: create remote cluster failed: invalid kubeconfig: no server found\tcluster=cluster3 secret=istio-system/istio-remote-secret-c3`,
      `${logTime(2)}\terror\tFailed to create client for cluster cluster4 from secret istio-system/istio-remote-secret-c4: Unauthorized`,
    ];
    const results = run(check, { registry: REG, cluster: 'cluster1', clusters: { cluster1: istiod(lines) } });
    expect(statuses(results)).toEqual(['fail', 'fail']);
    expect(results[0]!.summary).toContain('failed to add remote cluster cluster3 from secret istio-system/istio-remote-secret-c3: invalid kubeconfig: no server found');
    expect(results[1]!.summary).toContain('failed to add remote cluster cluster4 from secret istio-system/istio-remote-secret-c4: Unauthorized');
  });

  it('merges the same failure logged by two istiod replicas into one finding', () => {
    const two: ClusterInput = {
      objects: [...istiod([]).objects, ...istiod([], 'istiod-5f4d9c7b8-b7k2l').objects],
      logs: [...(istiod([OLD_FAILURE(4)]).logs ?? []), ...(istiod([OLD_FAILURE(3)], 'istiod-5f4d9c7b8-b7k2l').logs ?? [])],
    };
    const results = run(check, { registry: REG, cluster: 'cluster1', clusters: { cluster1: two } });
    expect(statuses(results)).toEqual(['fail']);
    expect(results[0]!.summary).toContain(`istiod (istio-system/${ISTIOD}, istio-system/istiod-5f4d9c7b8-b7k2l)`);
    expect(results[0]!.summary).toContain('(2 times, between 11:56:00Z and 11:57:00Z)');
  });

  it('warns when a cluster key is already registered by another secret', () => {
    const line = `${logTime(1)}\twarn\tcluster has already been registered\tcluster=cluster2 secret=istio-system/old-secret`;
    const results = run(check, { registry: REG, cluster: 'cluster1', clusters: { cluster1: istiod([line]) } });
    expect(statuses(results)).toEqual(['warn']);
    expect(results[0]!.summary).toContain('ignored remote cluster cluster2 from secret istio-system/old-secret');
  });

  it('skips clusters without istiod', () => {
    expect(statuses(run(check, { registry: REG, cluster: 'cluster1', clusters: { cluster1: { objects: [] } } }))).toEqual(['skipped']);
  });
});
