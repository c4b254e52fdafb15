import { describe, expect, it } from 'vitest';
import { check } from '../../src/checks/gateway-readiness.ts';
import { ago, cl, deployment, event, evidenceText, pod, registry, run, statuses } from './mesh-fixtures.ts';

const REG = registry(cl('futest-2', 'remote', { controlPlane: 'futest-2' }));
const LABELS = { app: 'istio-ingressgateway', istio: 'ingressgateway' };
const GW = 'istio-ingressgateway-b8b597c59-7gnwr';
const PROBE = 'Readiness probe failed: Get "http://10.244.0.17:15021/healthz/ready": dial tcp 10.244.0.17:15021: connect: connection refused';

describe('gateway-readiness', () => {
  it('fails for a Running but never Ready ingress gateway with failing 15021 probes (seed 001)', () => {
    const results = run(check, {
      registry: REG,
      cluster: 'futest-2',
      clusters: {
        'futest-2': {
          objects: [
            pod(GW, { labels: LABELS, ready: false, ip: '10.244.0.17', started: ago(1) }),
            event('gw.17a', { kind: 'Pod', name: GW }, { reason: 'Unhealthy', message: PROBE, count: 22 }),
          ],
        },
      },
    });
    expect(statuses(results)).toEqual(['fail']);
    const r = results[0]!;
    expect(r.severity).toBe('critical');
    expect(r.summary).toContain('Gateway istio-system/istio-ingressgateway has no Ready pod (1/1 not Ready)');
    expect(r.summary).toContain(`${GW}: Running but not Ready; ${PROBE} (x22)`);
    expect(r.summary).toContain('traffic into the mesh through it fails');
    expect(evidenceText(results)).toContain(`futest-2 Event istio-system gw.17a message ${PROBE} (x22)`);
    expect(evidenceText(results)).toContain(`futest-2 Pod istio-system ${GW} status.conditions[Ready] False`);
  });

  it('fails for a crash-looping gateway and names the restarts', () => {
    const crashing = pod(GW, {
      labels: LABELS,
      ready: false,
      containerStatuses: [
        { name: 'istio-proxy', ready: false, restartCount: 7, state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s restarting failed container' } }, lastState: { terminated: { exitCode: 255, reason: 'Error' } } },
      ],
    });
    const results = run(check, { registry: REG, cluster: 'futest-2', clusters: { 'futest-2': { objects: [crashing] } } });
    expect(statuses(results)).toEqual(['fail']);
    expect(results[0]!.summary).toContain('CrashLoopBackOff (istio-proxy), 7 restarts (istio-proxy)');
    expect(evidenceText(results)).toContain('restartCount 7; last exit 255 Error');
  });

  it('reports one not-Ready replica of three as high, not critical', () => {
    const objects = [
      pod('istio-ingressgateway-a', { labels: LABELS }),
      pod('istio-ingressgateway-b', { labels: LABELS }),
      pod('istio-ingressgateway-c', { labels: LABELS, ready: false }),
    ];
    const results = run(check, { registry: REG, cluster: 'futest-2', clusters: { 'futest-2': { objects } } });
    expect(statuses(results)).toEqual(['fail']);
    expect(results[0]!.severity).toBe('high');
    expect(results[0]!.summary).toContain('Gateway istio-system/istio-ingressgateway: 1 of 3 pods not Ready');
  });

  it('does not fail a gateway pod that started seconds ago with no failure yet', () => {
    const results = run(check, { registry: REG, cluster: 'futest-2', clusters: { 'futest-2': { objects: [pod(GW, { labels: LABELS, ready: false, started: ago(0.5) })] } } });
    expect(statuses(results)).toEqual(['pass']);
    expect(results[0]!.summary).toBe(`0 of 1 gateway pods Ready (istio-system/istio-ingressgateway); ${GW} started under 2 minutes ago and shows no failure yet`);
  });

  it('ignores evicted pods and passes when every gateway pod is Ready', () => {
    const objects = [
      pod('istio-eastwestgateway-1', { labels: { app: 'istio-eastwestgateway', istio: 'eastwestgateway' } }),
      pod(GW, { labels: LABELS }),
      pod('istio-ingressgateway-evicted', { labels: LABELS, ready: false, phase: 'Failed' }),
    ];
    const results = run(check, { registry: REG, cluster: 'futest-2', clusters: { 'futest-2': { objects } } });
    expect(statuses(results)).toEqual(['pass']);
    expect(results[0]!.summary).toBe('All 2 gateway pods are Ready (istio-system/istio-eastwestgateway, istio-system/istio-ingressgateway)');
  });

  it('fails a gateway Deployment that has no pods at all, quoting its failure condition', () => {
    const d = deployment('istio-ingressgateway', {
      labels: LABELS,
      conditions: [{ type: 'ReplicaFailure', status: 'True', message: 'pods "istio-ingressgateway-x" is forbidden: exceeded quota: compute' }],
    });
    const results = run(check, { registry: REG, cluster: 'futest-2', clusters: { 'futest-2': { objects: [d] } } });
    expect(statuses(results)).toEqual(['fail']);
    expect(results[0]!.summary).toContain('Gateway Deployment istio-system/istio-ingressgateway wants 1 replica(s) but has no pods: pods "istio-ingressgateway-x" is forbidden: exceeded quota');
  });

  it('skips clusters without gateways', () => {
    const results = run(check, { registry: REG, cluster: 'futest-2', clusters: { 'futest-2': { objects: [pod('app-1', { labels: { app: 'app' } })] } } });
    expect(statuses(results)).toEqual(['skipped']);
  });
});
