import { describe, expect, it } from 'vitest';
import { check } from '../../src/checks/network-labels.ts';
import { cl, evidenceText, ns, pod, registry, run, statuses, svc } from './mesh-fixtures.ts';

const MULTI = registry(cl('cluster1', 'primary', { network: 'network1' }), cl('cluster2', 'primary', { network: 'network2' }));
const NET = 'topology.istio.io/network';
const EW_LABELS = { istio: 'eastwestgateway', app: 'istio-eastwestgateway' };

function sidecar(name: string, network: string | undefined, namespace = 'sample'): ReturnType<typeof pod> {
  return pod(name, {
    namespace,
    labels: { app: 'helloworld' },
    containers: [{ name: 'app' }, { name: 'istio-proxy', env: network === undefined ? [] : [{ name: 'ISTIO_META_NETWORK', value: network }] }],
  });
}

describe('network-labels', () => {
  it('fails when istio-system has no network label and proposes label-istio-system-network (seed 002)', () => {
    const results = run(check, { registry: MULTI, cluster: 'cluster1', clusters: { cluster1: { objects: [ns('istio-system')] } } });
    expect(statuses(results)).toEqual(['fail']);
    expect(results[0]!.summary).toBe(
      'Namespace istio-system in cluster1 has no topology.istio.io/network label, but the cluster is registered on network network1: istiod places its pods on the wrong network',
    );
    expect(results[0]!.remediation).toEqual({
      id: 'label-istio-system-network',
      target: { cluster: 'cluster1', apiVersion: 'v1', kind: 'Namespace', name: 'istio-system', resourceVersion: '101' },
      patchType: 'merge',
      patch: { metadata: { labels: { [NET]: 'network1' } } },
      reason: expect.stringContaining('currently absent'),
    });
  });

  it('says how many proxies the missing namespace label leaves without any network (seed 002)', () => {
    const objects = [ns('istio-system'), sidecar('helloworld-v2-54df5f84b-z28p5', undefined), sidecar('sleep-557747455f-jdsd8', undefined), sidecar('placed', 'network1')];
    const results = run(check, { registry: MULTI, cluster: 'cluster1', clusters: { cluster1: { objects } } });
    expect(statuses(results)).toEqual(['fail']);
    expect(results[0]!.summary).toContain(
      '; 2 proxies (sample/helloworld-v2-54df5f84b-z28p5, sample/sleep-557747455f-jdsd8) carry no ISTIO_META_NETWORK or network label either, so nothing else tells istiod their network',
    );
    expect(evidenceText(results)).toContain('cluster1 Pod sample sleep-557747455f-jdsd8 spec.containers[istio-proxy].env[ISTIO_META_NETWORK] (absent)');
  });

  it('fails on a wrong value too, and says what it is', () => {
    const results = run(check, { registry: MULTI, cluster: 'cluster1', clusters: { cluster1: { objects: [ns('istio-system', { [NET]: 'network2' })] } } });
    expect(statuses(results)).toEqual(['fail']);
    expect(results[0]!.summary).toContain(`is labelled ${NET}=network2`);
    expect(results[0]!.remediation?.reason).toContain('currently network2');
  });

  it('fails on the east-west gateway Service label and on pods claiming another network', () => {
    const objects = [
      ns('istio-system', { [NET]: 'network1' }),
      svc('istio-eastwestgateway', { labels: { ...EW_LABELS, [NET]: 'network2' } }),
      sidecar('helloworld-v1-578dd69f69-j69pf', 'network2'),
      sidecar('sleep-dd98b5f48-djwdw', 'network1'),
      pod('istio-eastwestgateway-7f9-x', { labels: { ...EW_LABELS, [NET]: 'netX' } }),
    ];
    const results = run(check, { registry: MULTI, cluster: 'cluster1', clusters: { cluster1: { objects } } });
    expect(statuses(results)).toEqual(['fail', 'fail']);
    expect(results[0]!.summary).toContain('East-west gateway Service istio-system/istio-eastwestgateway in cluster1 is labelled topology.istio.io/network=network2, not network1');
    expect(results[1]!.summary).toBe(
      '2 pods in cluster1 claim another network than network1: sample/helloworld-v1-578dd69f69-j69pf (network2), istio-system/istio-eastwestgateway-7f9-x (netX)',
    );
    expect(evidenceText(results)).toContain('cluster1 Pod sample helloworld-v1-578dd69f69-j69pf spec.containers[istio-proxy].env[ISTIO_META_NETWORK] network2');
  });

  it('passes when everything names the registered network; unset proxy env falls back to the namespace', () => {
    const objects = [
      ns('istio-system', { [NET]: 'network1' }),
      svc('istio-eastwestgateway', { labels: { ...EW_LABELS, [NET]: 'network1' } }),
      sidecar('sleep-1', undefined),
      sidecar('sleep-2', 'network1'),
    ];
    const results = run(check, { registry: MULTI, cluster: 'cluster1', clusters: { cluster1: { objects } } });
    expect(statuses(results)).toEqual(['pass']);
    expect(results[0]!.summary).toBe('cluster1 is labelled network network1 where Istio looks for it');
  });

  it('does not alarm on a missing label while the mesh has one network', () => {
    const single = registry(cl('solo', 'primary', { network: 'network1' }));
    const results = run(check, { registry: single, cluster: 'solo', clusters: { solo: { objects: [ns('istio-system')] } } });
    expect(statuses(results)).toEqual(['pass']);
    expect(results[0]!.summary).toContain('harmless while mesh ywistio has one network');
  });

  it('skips clusters without a registered network', () => {
    const results = run(check, { registry: registry(cl('solo', 'primary')), cluster: 'solo', clusters: { solo: { objects: [ns('istio-system')] } } });
    expect(statuses(results)).toEqual(['skipped']);
  });
});
