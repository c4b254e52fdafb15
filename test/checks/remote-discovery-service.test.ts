import { describe, expect, it } from 'vitest';
import { check } from '../../src/checks/remote-discovery-service.ts';
import { cl, endpoints, evidenceText, registry, run, slice, statuses, svc } from './mesh-fixtures.ts';

const REG = registry(cl('cluster1', 'primary'), cl('cluster2', 'remote', { controlPlane: 'cluster1' }));
const SERVICE = svc('istiod-remote', { clusterIP: '10.8.0.15', ports: [{ name: 'tcp-istiod', port: 15012 }, { name: 'tcp-webhook', port: 15017 }] });

describe('remote-discovery-service', () => {
  it('fails when the remote cluster has no istiod-remote Service (seed 002)', () => {
    const results = run(check, { registry: REG, cluster: 'cluster2', clusters: { cluster2: { objects: [] } } });
    expect(statuses(results)).toEqual(['fail']);
    expect(results[0]!.summary).toBe('Remote cluster cluster2 has no Service istio-system/istiod-remote: its proxies and injector have no address for the control plane cluster1');
    expect(evidenceText(results)).toContain('cluster2 Service istio-system istiod-remote metadata.name not found');
  });

  it('fails when the Service has no Endpoints or EndpointSlices', () => {
    const results = run(check, { registry: REG, cluster: 'cluster2', clusters: { cluster2: { objects: [SERVICE] } } });
    expect(statuses(results)).toEqual(['fail']);
    expect(results[0]!.summary).toContain('has no Endpoints or EndpointSlices');
  });

  it('fails when the Endpoints exist but hold no address', () => {
    const results = run(check, { registry: REG, cluster: 'cluster2', clusters: { cluster2: { objects: [SERVICE, endpoints('istiod-remote', [])] } } });
    expect(statuses(results)).toEqual(['fail']);
    expect(results[0]!.summary).toContain('has no endpoint addresses');
    expect(evidenceText(results)).toContain('Endpoints istio-system istiod-remote subsets no addresses');
  });

  it('passes when an address is there (EndpointSlice alone is enough) and for an ExternalName Service', () => {
    const results = run(check, { registry: REG, cluster: 'cluster2', clusters: { cluster2: { objects: [SERVICE, slice('istiod-remote', [{ ip: '34.1.1.1' }])] } } });
    expect(statuses(results)).toEqual(['pass']);
    expect(results[0]!.summary).toBe('istio-system/istiod-remote exists with endpoint address 34.1.1.1');
    const ext = run(check, {
      registry: REG,
      cluster: 'cluster2',
      clusters: { cluster2: { objects: [svc('istiod-remote', { type: 'ExternalName', externalName: 'istiod.mesh.example.com' })] } },
    });
    expect(ext[0]!.summary).toBe('istio-system/istiod-remote is an ExternalName Service for istiod.mesh.example.com');
  });

  it('skips primaries', () => {
    expect(statuses(run(check, { registry: REG, cluster: 'cluster1', clusters: { cluster1: { objects: [] } } }))).toEqual(['skipped']);
  });
});
