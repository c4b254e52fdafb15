import { describe, expect, it } from 'vitest';
import { check } from '../../src/checks/loadbalancer-pending.ts';
import { ago, cl, crd, event, evidenceText, node, ns, pod, registry, run, statuses, svc } from './mesh-fixtures.ts';

const REG = registry(cl('futest-2', 'remote', { controlPlane: 'futest-2' }));
const PENDING_EW = svc('istio-eastwestgateway', { type: 'LoadBalancer', labels: { istio: 'eastwestgateway' }, ports: [{ port: 15443 }] });
const PENDING_GW = svc('istio-ingressgateway', { type: 'LoadBalancer', labels: { istio: 'ingressgateway' } });

describe('loadbalancer-pending', () => {
  it('fails each pending LoadBalancer and says no implementation exists on a bare-metal cluster (seed 001)', () => {
    const objects = [PENDING_EW, PENDING_GW, node('dce88'), ns('istio-system'), ns('kube-system')];
    const results = run(check, { registry: REG, cluster: 'futest-2', clusters: { 'futest-2': { objects } } });
    expect(statuses(results)).toEqual(['fail', 'fail']);
    expect(results[0]!.summary).toBe(
      'LoadBalancer Service istio-system/istio-eastwestgateway has no external address: no LoadBalancer implementation found: no MetalLB, kube-vip, OpenELB, PureLB, Cilium LB IPAM or k3s ServiceLB, nodes have no cloud providerID',
    );
    expect(results[1]!.summary).toContain('istio-system/istio-ingressgateway');
    expect(evidenceText(results)).toContain('futest-2 Service istio-system istio-eastwestgateway status.loadBalancer.ingress [] (EXTERNAL-IP <pending>)');
    expect(evidenceText(results)).toContain('futest-2 Node dce88 spec.providerID (none)');
  });

  it('names kind nodes as not being a cloud provider', () => {
    const results = run(check, { registry: REG, cluster: 'futest-2', clusters: { 'futest-2': { objects: [PENDING_GW, node('kind-control-plane', { providerID: 'kind://docker/kind/kind-control-plane' })] } } });
    expect(results[0]!.summary).toContain('node providerIDs are kind:// (no cloud controller)');
  });

  it('says MetalLB is installed and quotes its allocation failure when it is out of addresses', () => {
    const objects = [
      PENDING_GW,
      ns('metallb-system'),
      crd('ipaddresspools.metallb.io'),
      pod('controller-7d4c8764f4-abcde', { namespace: 'metallb-system', labels: { app: 'metallb', component: 'controller' }, containers: [{ name: 'controller' }] }),
      event('gw.1', { kind: 'Service', name: 'istio-ingressgateway' }, { reason: 'AllocationFailed', message: 'Failed to allocate IP for "istio-system/istio-ingressgateway": no available IPs' }),
    ];
    const results = run(check, { registry: REG, cluster: 'futest-2', clusters: { 'futest-2': { objects } } });
    expect(statuses(results)).toEqual(['fail']);
    expect(results[0]!.summary).toContain('LoadBalancer implementation present: MetalLB (1 pod in metallb-system, 1 Ready)');
    expect(results[0]!.summary).toContain('last event: Failed to allocate IP for "istio-system/istio-ingressgateway": no available IPs');
  });

  it('passes when every LoadBalancer has an address or externalIPs set by hand, naming the cloud provider', () => {
    const objects = [
      svc('istio-ingressgateway', { type: 'LoadBalancer', lbHostname: 'a1b2.elb.amazonaws.com' }),
      svc('istio-eastwestgateway', { type: 'LoadBalancer', externalIPs: ['192.0.2.10'] }),
      node('ip-10-0-1-1', { providerID: 'aws:///us-east-1a/i-0abc' }),
    ];
    const results = run(check, { registry: REG, cluster: 'futest-2', clusters: { 'futest-2': { objects } } });
    expect(statuses(results)).toEqual(['pass']);
    expect(results[0]!.summary).toBe('All 2 LoadBalancer Services have an address (1 through spec.externalIPs); LoadBalancer implementation present: cloud provider aws');
  });

  it('does not fail a LoadBalancer created a minute ago, and skips clusters without LoadBalancers', () => {
    const young = svc('istio-ingressgateway', { type: 'LoadBalancer', created: ago(1) });
    expect(statuses(run(check, { registry: REG, cluster: 'futest-2', clusters: { 'futest-2': { objects: [young, node('n1')] } } }))).toEqual(['pass']);
    expect(statuses(run(check, { registry: REG, cluster: 'futest-2', clusters: { 'futest-2': { objects: [svc('x')] } } }))).toEqual(['skipped']);
  });

  it('ranks pending application LoadBalancers below mesh ones', () => {
    const app = svc('shop', { namespace: 'shop', type: 'LoadBalancer' });
    const results = run(check, { registry: REG, cluster: 'futest-2', clusters: { 'futest-2': { objects: [app, PENDING_GW] } } });
    expect(results.map((r) => r.severity)).toEqual(['medium', 'high']);
  });
});
