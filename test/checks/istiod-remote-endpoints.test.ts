import { describe, expect, it } from 'vitest';
import { check } from '../../src/checks/istiod-remote-endpoints.ts';
import { cl, type ClusterInput, endpoints, evidenceText, pod, registry, run, slice, statuses, svc } from './mesh-fixtures.ts';

// Seed 000: hosted control plane in hosted-cp, workload cluster hosted-east.
const REG = registry(cl('hosted-cp', 'control-plane'), cl('hosted-east', 'remote', { controlPlane: 'hosted-cp' }));
const LB_IP = '10.6.0.20';
const HOSTED_POD_IP = '10.233.95.141';

function controlPlane(o: { lbIp?: string } = { lbIp: LB_IP }): ClusterInput {
  return {
    objects: [
      svc('istiod-ywistio-hosted-lb', { type: 'LoadBalancer', clusterIP: '10.96.7.7', selector: { app: 'istiod-ywistio-hosted' }, lbIp: o.lbIp, ports: [{ port: 15012 }, { port: 15017 }] }),
      pod('istiod-ywistio-hosted-7d9c', { ip: HOSTED_POD_IP, labels: { app: 'istiod-ywistio-hosted' }, containers: [{ name: 'discovery' }] }),
    ],
  };
}

function workload(ips: string[], o: { ports?: { name?: string; port: number }[]; sliceIps?: string[] } = {}): ClusterInput {
  return {
    objects: [
      svc('istiod-remote', { clusterIP: '10.233.48.75', ports: [{ name: 'tcp-istiod', port: 15012 }, { name: 'tcp-webhook', port: 15017 }] }),
      endpoints('istiod-remote', ips, { ports: o.ports }),
      slice('istiod-remote', (o.sliceIps ?? ips).map((ip) => ({ ip })), { ports: o.ports }),
    ],
  };
}

describe('istiod-remote-endpoints', () => {
  it('fails when istiod-remote holds the hosted istiod Pod IP instead of the hosted-lb LoadBalancer IP (seed 000)', () => {
    const results = run(check, { registry: REG, cluster: 'hosted-east', clusters: { 'hosted-cp': controlPlane(), 'hosted-east': workload([HOSTED_POD_IP]) } });
    expect(statuses(results)).toEqual(['fail']);
    const r = results[0]!;
    expect(r.summary).toContain('istio-system/istiod-remote');
    expect(r.summary).toContain(`${HOSTED_POD_IP}, the Pod IP of istio-system/istiod-ywistio-hosted-7d9c in hosted-cp`);
    expect(r.summary).toContain(`not at the LoadBalancer IP ${LB_IP} of istiod-ywistio-hosted-lb in hosted-cp`);
    const evidence = evidenceText(results);
    expect(evidence).toContain(`hosted-east Endpoints istio-system istiod-remote subsets[].addresses[].ip ${HOSTED_POD_IP} is the Pod IP of istio-system/istiod-ywistio-hosted-7d9c in hosted-cp, not the LoadBalancer IP ${LB_IP}`);
    expect(evidence).toContain(`hosted-cp Service istio-system istiod-ywistio-hosted-lb status.loadBalancer.ingress[0] ${LB_IP}`);
    expect(evidence).toContain('EndpointSlice istio-system istiod-remote-x7k2p');
  });

  it('proposes point-istiod-remote on the Endpoints object with both istiod ports and an honest reason', () => {
    const [r] = run(check, { registry: REG, cluster: 'hosted-east', clusters: { 'hosted-cp': controlPlane(), 'hosted-east': workload([HOSTED_POD_IP]) } });
    expect(r?.remediation).toEqual({
      id: 'point-istiod-remote',
      target: { cluster: 'hosted-east', apiVersion: 'v1', kind: 'Endpoints', namespace: 'istio-system', name: 'istiod-remote', resourceVersion: '5150' },
      patchType: 'merge',
      patch: {
        subsets: [
          {
            addresses: [{ ip: LB_IP }],
            ports: [
              { name: 'tcp-istiod', port: 15012, protocol: 'TCP' },
              { name: 'tcp-webhook', port: 15017, protocol: 'TCP' },
            ],
          },
        ],
      },
      reason: expect.stringMatching(/may reconcile them back.*durable fix is the mesh's control-plane address/),
    });
  });

  it('passes, naming the address and what it is, when the endpoints hold the LoadBalancer IP', () => {
    const results = run(check, { registry: REG, cluster: 'hosted-east', clusters: { 'hosted-cp': controlPlane(), 'hosted-east': workload([LB_IP]) } });
    expect(statuses(results)).toEqual(['pass']);
    expect(results[0]!.summary).toBe(
      `istio-system/istiod-remote endpoints point at ${LB_IP}, the LoadBalancer IP ${LB_IP} of istiod-ywistio-hosted-lb in hosted-cp, on ports 15012 and 15017`,
    );
  });

  it('fails when the right address lacks the webhook port 15017', () => {
    const results = run(check, {
      registry: REG,
      cluster: 'hosted-east',
      clusters: { 'hosted-cp': controlPlane(), 'hosted-east': workload([LB_IP], { ports: [{ name: 'tcp-istiod', port: 15012 }] }) },
    });
    expect(statuses(results)).toEqual(['fail']);
    expect(results[0]!.summary).toContain('lack port 15017');
    expect(results[0]!.summary).not.toContain('point at');
    expect(evidenceText(results)).toContain('15012 (tcp-istiod); missing 15017');
  });

  it('fails on a stale EndpointSlice even when the Endpoints object is right, without patching the Endpoints', () => {
    const results = run(check, {
      registry: REG,
      cluster: 'hosted-east',
      clusters: { 'hosted-cp': controlPlane(), 'hosted-east': workload([LB_IP], { sliceIps: [HOSTED_POD_IP] }) },
    });
    expect(statuses(results)).toEqual(['fail']);
    expect(results[0]!.summary).toContain('istio-system/istiod-remote EndpointSlice in hosted-east point at 10.233.95.141');
    expect(results[0]!.remediation).toBeNull();
  });

  it('co-located control plane (seed 001 case 2): the LoadBalancer IP is wrong, the hosted pod IP is right', () => {
    const reg = registry(cl('fupan', 'remote', { controlPlane: 'fupan' }));
    const own = (ips: string[]): ClusterInput => ({
      objects: [...controlPlane({ lbIp: '10.6.113.200' }).objects, ...workload(ips).objects],
    });
    const bad = run(check, { registry: reg, cluster: 'fupan', clusters: { fupan: own(['10.6.113.200']) } });
    expect(statuses(bad)).toEqual(['fail']);
    expect(bad[0]!.summary).toContain('10.6.113.200, the LoadBalancer IP of Service istio-system/istiod-ywistio-hosted-lb in fupan');
    expect(bad[0]!.summary).toContain(`not at the Pod IP ${HOSTED_POD_IP} of the hosted istiod pod istio-system/istiod-ywistio-hosted-7d9c`);
    expect(bad[0]!.remediation?.patch).toEqual({ subsets: [expect.objectContaining({ addresses: [{ ip: HOSTED_POD_IP }] })] });
    const good = run(check, { registry: reg, cluster: 'fupan', clusters: { fupan: own([HOSTED_POD_IP]) } });
    expect(statuses(good)).toEqual(['pass']);
  });

  it('primary-remote: expects the external address of the primary east-west gateway', () => {
    const reg = registry(cl('primary-1', 'primary'), cl('remote-1', 'remote', { controlPlane: 'primary-1' }));
    const primary: ClusterInput = {
      objects: [svc('istio-eastwestgateway', { type: 'LoadBalancer', labels: { istio: 'eastwestgateway' }, lbIp: '35.1.2.3', ports: [{ port: 15443 }, { port: 15012 }, { port: 15017 }] })],
    };
    expect(statuses(run(check, { registry: reg, cluster: 'remote-1', clusters: { 'primary-1': primary, 'remote-1': workload(['35.1.2.3']) } }))).toEqual(['pass']);
    const wrong = run(check, { registry: reg, cluster: 'remote-1', clusters: { 'primary-1': primary, 'remote-1': workload(['10.9.9.9']) } });
    expect(statuses(wrong)).toEqual(['fail']);
    expect(wrong[0]!.summary).toContain('10.9.9.9 belongs to no Pod, Service or node of remote-1 or primary-1');
    expect(wrong[0]!.summary).toContain('the external address 35.1.2.3 of east-west gateway istio-system/istio-eastwestgateway in primary-1');
  });

  it('is an error, not a pass, when the control-plane cluster cannot be read', () => {
    const unreadable: ClusterInput = {
      objects: [],
      failures: [{ kind: 'services', code: 'K8S_UNREACHABLE', message: 'cannot reach https://10.6.0.1:6443: connection refused' }],
    };
    const results = run(check, { registry: REG, cluster: 'hosted-east', clusters: { 'hosted-cp': unreadable, 'hosted-east': workload([HOSTED_POD_IP]) } });
    expect(statuses(results)).toEqual(['error']);
    expect(results[0]!.summary).toContain('reading cluster hosted-cp failed: cannot reach https://10.6.0.1:6443: connection refused');
    const missing = run(check, { registry: REG, cluster: 'hosted-east', clusters: { 'hosted-east': workload([HOSTED_POD_IP]) } });
    expect(statuses(missing)).toEqual(['error']);
    expect(missing[0]!.summary).toContain('cluster hosted-cp was not read');
  });

  it('is an error when the hosted-lb has no LoadBalancer address yet, pointing at loadbalancer-pending', () => {
    const results = run(check, { registry: REG, cluster: 'hosted-east', clusters: { 'hosted-cp': controlPlane({}), 'hosted-east': workload([HOSTED_POD_IP]) } });
    expect(statuses(results)).toEqual(['error']);
    expect(results[0]!.summary).toContain('istio-system/istiod-ywistio-hosted-lb in hosted-cp has no LoadBalancer address yet (see loadbalancer-pending on hosted-cp)');
  });

  it('checks an ExternalName istiod-remote against the expected address', () => {
    const ext = (name: string): ClusterInput => ({ objects: [svc('istiod-remote', { type: 'ExternalName', externalName: name })] });
    expect(statuses(run(check, { registry: REG, cluster: 'hosted-east', clusters: { 'hosted-cp': controlPlane(), 'hosted-east': ext(LB_IP) } }))).toEqual(['pass']);
    const bad = run(check, { registry: REG, cluster: 'hosted-east', clusters: { 'hosted-cp': controlPlane(), 'hosted-east': ext('istiod.example.com') } });
    expect(statuses(bad)).toEqual(['fail']);
    expect(bad[0]!.summary).toContain('ExternalName for istiod.example.com');
  });

  it('skips when there are no endpoint addresses (remote-discovery-service owns that) and on non-remote clusters', () => {
    const empty = run(check, { registry: REG, cluster: 'hosted-east', clusters: { 'hosted-cp': controlPlane(), 'hosted-east': workload([]) } });
    expect(statuses(empty)).toEqual(['skipped']);
    expect(empty[0]!.summary).toContain('remote-discovery-service');
    const cp = run(check, { registry: REG, cluster: 'hosted-cp', clusters: { 'hosted-cp': controlPlane() } });
    expect(statuses(cp)).toEqual(['skipped']);
  });
});
