import { describe, expect, it } from 'vitest';
import { check } from '../../src/checks/eastwest-gateway.ts';
import { cl, type ClusterInput, evidenceText, istioGateway, pod, registry, run, statuses, svc } from './mesh-fixtures.ts';

const EW = { app: 'istio-eastwestgateway', istio: 'eastwestgateway', 'topology.istio.io/network': 'network1' };
const MULTI = registry(cl('cluster1', 'primary', { network: 'network1' }), cl('cluster2', 'primary', { network: 'network2' }));

function eastWest(o: { lbIp?: string; ready?: boolean; ports?: number[]; gateway?: boolean; istiodGateway?: boolean } = {}): ClusterInput {
  return {
    objects: [
      svc('istio-eastwestgateway', {
        type: 'LoadBalancer',
        labels: EW,
        selector: { istio: 'eastwestgateway' },
        lbIp: 'lbIp' in o ? o.lbIp : '34.1.2.3',
        ports: (o.ports ?? [15021, 15443, 15012, 15017]).map((port) => ({ port })),
      }),
      pod('istio-eastwestgateway-6c9f-x2', { labels: EW, ready: o.ready ?? true }),
      ...(o.gateway === false ? [] : [istioGateway('cross-network-gateway', { istio: 'eastwestgateway' }, [{ port: 15443, mode: 'AUTO_PASSTHROUGH' }])]),
      ...(o.istiodGateway ? [istioGateway('istiod-gateway', { istio: 'eastwestgateway' }, [{ port: 15012, mode: 'PASSTHROUGH' }, { port: 15017, mode: 'PASSTHROUGH' }])] : []),
    ],
  };
}

describe('eastwest-gateway', () => {
  it('fails with EXTERNAL-IP <pending> in a multi-network mesh (seed 002)', () => {
    const results = run(check, { registry: MULTI, cluster: 'cluster2', clusters: { cluster2: eastWest({ lbIp: undefined }) } });
    expect(statuses(results)).toEqual(['fail']);
    expect(results[0]!.summary).toBe(
      'East-west gateway istio-system/istio-eastwestgateway has no external address (EXTERNAL-IP <pending>): other networks cannot reach services in network2',
    );
    expect(evidenceText(results)).toContain('cluster2 Service istio-system istio-eastwestgateway status.loadBalancer.ingress []');
  });

  it('fails when there is no east-west gateway at all', () => {
    const results = run(check, { registry: MULTI, cluster: 'cluster1', clusters: { cluster1: { objects: [] } } });
    expect(statuses(results)).toEqual(['fail']);
    expect(results[0]!.summary).toBe('No east-west gateway in cluster1 (no Service labelled istio=eastwestgateway): other networks cannot reach services in network1');
  });

  it('fails without the 15443 AUTO_PASSTHROUGH Gateway, and with one in the wrong TLS mode', () => {
    const none = run(check, { registry: MULTI, cluster: 'cluster1', clusters: { cluster1: eastWest({ gateway: false }) } });
    expect(statuses(none)).toEqual(['fail']);
    expect(none[0]!.summary).toContain('has no Gateway (networking.istio.io) with a 15443 server in tls.mode AUTO_PASSTHROUGH selecting it');
    const wrongMode = eastWest({ gateway: false });
    wrongMode.objects.push(istioGateway('cross-network-gateway', { istio: 'eastwestgateway' }, [{ port: 15443, mode: 'PASSTHROUGH' }]));
    const results = run(check, { registry: MULTI, cluster: 'cluster1', clusters: { cluster1: wrongMode } });
    expect(statuses(results)).toEqual(['fail']);
    expect(evidenceText(results)).toContain('cluster1 Gateway istio-system cross-network-gateway spec.servers 15443 PASSTHROUGH');
  });

  it('fails critical when no east-west gateway pod is Ready', () => {
    const results = run(check, { registry: MULTI, cluster: 'cluster1', clusters: { cluster1: eastWest({ ready: false }) } });
    expect(statuses(results)).toEqual(['fail']);
    expect(results[0]!.severity).toBe('critical');
    expect(results[0]!.summary).toContain('has no Ready pod (1 not Ready)');
  });

  it('passes a complete gateway', () => {
    const results = run(check, { registry: MULTI, cluster: 'cluster1', clusters: { cluster1: eastWest() } });
    expect(statuses(results)).toEqual(['pass']);
    expect(results[0]!.summary).toBe('East-west gateway istio-system/istio-eastwestgateway is Ready at 34.1.2.3 and serves 15443 AUTO_PASSTHROUGH');
  });

  it('primary-remote on one network: the primary must expose istiod on 15012/15017', () => {
    const reg = registry(cl('primary-1', 'primary', { network: 'n1' }), cl('remote-1', 'remote', { controlPlane: 'primary-1', network: 'n1' }));
    const bad = run(check, { registry: reg, cluster: 'primary-1', clusters: { 'primary-1': eastWest({ ports: [15021, 15443] }) } });
    expect(statuses(bad)).toEqual(['fail', 'fail']);
    expect(bad[0]!.summary).toBe('East-west gateway istio-system/istio-eastwestgateway does not expose ports 15012, 15017: remote remote-1 cannot reach istiod');
    expect(bad[1]!.summary).toContain('has no Gateway server for istiod ports 15012, 15017 (expose-istiod)');
    const good = run(check, { registry: reg, cluster: 'primary-1', clusters: { 'primary-1': eastWest({ istiodGateway: true }) } });
    expect(statuses(good)).toEqual(['pass']);
    expect(good[0]!.summary).toContain('istiod on 15012/15017 for remote-1');
  });

  it('skips single-network meshes without remotes, and control-plane clusters', () => {
    const single = registry(cl('c1', 'primary', { network: 'n1' }), cl('c2', 'primary', { network: 'n1' }));
    expect(statuses(run(check, { registry: single, cluster: 'c1', clusters: { c1: { objects: [] } } }))).toEqual(['skipped']);
    const hosted = registry(cl('cp', 'control-plane', { network: 'cpnet' }), cl('r1', 'remote', { controlPlane: 'cp', network: 'n1' }));
    expect(statuses(run(check, { registry: hosted, cluster: 'cp', clusters: { cp: { objects: [] } } }))).toEqual(['skipped']);
    // A control plane on its own network does not make the workload clusters multi-network.
    expect(statuses(run(check, { registry: hosted, cluster: 'r1', clusters: { r1: { objects: [] } } }))).toEqual(['skipped']);
  });

  it('accepts a network whose gateway runs in another cluster of the same network', () => {
    const reg = registry(cl('a1', 'primary', { network: 'netA' }), cl('a2', 'primary', { network: 'netA' }), cl('b1', 'primary', { network: 'netB' }));
    const results = run(check, { registry: reg, cluster: 'a2', clusters: { a2: { objects: [] }, a1: eastWest() } });
    expect(statuses(results)).toEqual(['pass']);
    expect(results[0]!.summary).toBe('No east-west gateway in a2; network netA is served by east-west gateway istio-system/istio-eastwestgateway in a1');
  });
});
