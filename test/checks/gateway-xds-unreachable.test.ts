import { describe, expect, it } from 'vitest';
import { check } from '../../src/checks/gateway-xds-unreachable.ts';
import { cl, type ClusterInput, endpoints, evidenceText, logTime, pod, registry, run, statuses, svc } from './mesh-fixtures.ts';

const REG = registry(cl('hosted-cp', 'control-plane'), cl('hosted-east', 'remote', { controlPlane: 'hosted-cp' }));
const GW = 'istio-ingressgateway-b8b597c59-7gnwr';
const GW_LABELS = { app: 'istio-ingressgateway', istio: 'ingressgateway' };

function dialLine(minutesAgo: number, reason = 'i/o timeout', address = '10.233.48.75:15012'): string {
  return (
    `${logTime(minutesAgo)}     warning envoy config    StreamAggregatedResources gRPC config stream to xds-grpc closed since 40s ago: 14, ` +
    `connection error: desc = "transport: Error while dialing dial tcp ${address}: ${reason}"`
  );
}

function workload(lines: string[]): ClusterInput {
  return {
    objects: [
      pod(GW, { labels: GW_LABELS, ip: '10.244.0.17', ready: false }),
      svc('istiod-remote', { clusterIP: '10.233.48.75' }),
      endpoints('istiod-remote', ['10.233.95.141']),
    ],
    logs: [{ namespace: 'istio-system', pod: GW, container: 'istio-proxy', text: `${lines.join('\n')}\n` }],
  };
}

const CP: ClusterInput = { objects: [pod('istiod-ywistio-hosted-7d9c', { ip: '10.233.95.141', labels: { app: 'istiod-ywistio-hosted' } })] };

describe('gateway-xds-unreachable', () => {
  it('fails on repeated xDS dial timeouts and says the address is istiod-remote whose endpoint is a Pod IP of another cluster (seed 000)', () => {
    const lines = [
      `${logTime(3)}     info    xdsproxy        Initializing with upstream address "istiod-remote.istio-system.svc:15012" and cluster "yw55"`,
      dialLine(2.5),
      dialLine(2),
      dialLine(1.5),
    ];
    const results = run(check, { registry: REG, cluster: 'hosted-east', clusters: { 'hosted-east': workload(lines), 'hosted-cp': CP } });
    expect(statuses(results)).toEqual(['fail']);
    const s = results[0]!.summary;
    expect(s).toContain(`Gateway istio-system/${GW} cannot reach istiod: 3 xDS connection failures to 10.233.48.75:15012 (i/o timeout) between 11:57:30Z and 11:58:30Z`);
    expect(s).toContain('10.233.48.75 is the ClusterIP of Service istio-system/istiod-remote in hosted-east');
    expect(s).toContain('whose endpoint is 10.233.95.141 (the Pod IP of istio-system/istiod-ywistio-hosted-7d9c in hosted-cp)');
    const evidence = evidenceText(results);
    expect(evidence).toContain(`hosted-east Pod istio-system ${GW} log[istio-proxy]`);
    expect(evidence).toContain('dial tcp 10.233.48.75:15012: i/o timeout');
    expect(evidence).toContain('hosted-east Service istio-system istiod-remote ClusterIP 10.233.48.75 -> endpoints 10.233.95.141');
  });

  it('groups by address and reason: connection refused to another address is its own finding', () => {
    const lines = [dialLine(4), dialLine(3), dialLine(2, 'connect: connection refused', '10.96.0.99:15012'), dialLine(1, 'connect: connection refused', '10.96.0.99:15012')];
    const results = run(check, { registry: REG, cluster: 'hosted-east', clusters: { 'hosted-east': workload(lines), 'hosted-cp': CP } });
    expect(statuses(results)).toEqual(['fail', 'fail']);
    expect(results[1]!.summary).toContain('to 10.96.0.99:15012 (connect: connection refused)');
    expect(results[1]!.summary).toContain('10.96.0.99 belongs to no Pod, Service or node of hosted-east or hosted-cp');
  });

  it('ignores failures older than 15 minutes (a resolved blip) and a single isolated error', () => {
    const old = run(check, { registry: REG, cluster: 'hosted-east', clusters: { 'hosted-east': workload([dialLine(40), dialLine(39), dialLine(38)]), 'hosted-cp': CP } });
    expect(statuses(old)).toEqual(['pass']);
    const single = run(check, { registry: REG, cluster: 'hosted-east', clusters: { 'hosted-east': workload([dialLine(1)]), 'hosted-cp': CP } });
    expect(statuses(single)).toEqual(['pass']);
    expect(single[0]!.summary).toContain('1 isolated xDS error, not repeated');
  });

  it('does not count periodic stream closes without a connection error', () => {
    const lines = [
      `${logTime(2)}     warning envoy config    StreamAggregatedResources gRPC config stream to xds-grpc closed since 1800s ago: 0, `,
      `${logTime(1)}     warning envoy config    StreamAggregatedResources gRPC config stream to xds-grpc closed since 1800s ago: 13, `,
    ];
    const results = run(check, { registry: REG, cluster: 'hosted-east', clusters: { 'hosted-east': workload(lines), 'hosted-cp': CP } });
    expect(statuses(results)).toEqual(['pass']);
    expect(results[0]!.summary).toBe('Recent istio-proxy logs of 1 gateway pod show no failing xDS connection to istiod');
  });

  it('reports DNS failures by host name', () => {
    const dns = (m: number) =>
      `${logTime(m)}\twarn\txdsproxy\tupstream [3] terminated with unexpected error rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial tcp: lookup istiod.istio-system.svc on 10.96.0.10:53: no such host"`;
    const results = run(check, { registry: REG, cluster: 'hosted-east', clusters: { 'hosted-east': workload([dns(2), dns(1)]), 'hosted-cp': CP } });
    expect(statuses(results)).toEqual(['fail']);
    expect(results[0]!.summary).toContain('2 xDS connection failures to istiod.istio-system.svc (DNS lookup failed: no such host)');
  });

  it('skips a cluster without gateways, and errors when the gateway logs could not be read', () => {
    expect(statuses(run(check, { registry: REG, cluster: 'hosted-east', clusters: { 'hosted-east': { objects: [] } } }))).toEqual(['skipped']);
    const unreadable: ClusterInput = {
      objects: [pod(GW, { labels: GW_LABELS })],
      failures: [
        {
          kind: 'pods/log',
          log: { namespace: 'istio-system', pod: GW, container: 'istio-proxy', previous: false },
          code: 'K8S_FORBIDDEN',
          message: 'forbidden: needs get on pods/log in istio-system',
        },
      ],
    };
    const results = run(check, { registry: REG, cluster: 'hosted-east', clusters: { 'hosted-east': unreadable } });
    expect(statuses(results)).toEqual(['error']);
    expect(results[0]!.summary).toContain('needs get on pods/log');
  });
});
