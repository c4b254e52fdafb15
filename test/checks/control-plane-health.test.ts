import { describe, expect, it } from 'vitest';
import { check } from '../../src/checks/control-plane-health.ts';
import { ago, cl, type ClusterInput, deployment, evidenceText, injectorWebhook, pod, registry, run, slice, statuses, svc } from './mesh-fixtures.ts';

const SOLO = registry(cl('cluster1', 'primary'));
const ISTIOD_LABELS = { app: 'istiod', istio: 'pilot' };

function primary(o: { ready?: boolean; pods?: number; endpoints?: boolean; webhook?: boolean; crash?: boolean } = {}): ClusterInput {
  const ready = o.ready ?? true;
  const pods = Array.from({ length: o.pods ?? 1 }, (_, i) =>
    pod(`istiod-5f4d9c7b8-${i}`, {
      labels: ISTIOD_LABELS,
      ip: `10.244.0.${10 + i}`,
      ready,
      containers: [{ name: 'discovery' }],
      ...(o.crash
        ? { containerStatuses: [{ name: 'discovery', ready: false, restartCount: 4, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, reason: 'Error' } } }] }
        : {}),
    }),
  );
  return {
    objects: [
      deployment('istiod', { labels: ISTIOD_LABELS }),
      ...pods,
      svc('istiod', { selector: { app: 'istiod' }, ports: [{ port: 15012 }, { port: 443 }] }),
      ...(o.endpoints === false ? [] : [slice('istiod', pods.map((p) => ({ ip: p.status.podIP, ready })))]),
      ...(o.webhook === false ? [] : [injectorWebhook('istio-sidecar-injector', { namespace: 'istio-system', name: 'istiod' })]),
    ],
  };
}

describe('control-plane-health', () => {
  it('passes a healthy istiod and injector, saying what it verified', () => {
    const results = run(check, { registry: SOLO, cluster: 'cluster1', clusters: { cluster1: primary() } });
    expect(statuses(results)).toEqual(['pass']);
    expect(results[0]!.summary).toBe('istiod istio-system/istiod 1/1 Ready; injector istio-sidecar-injector -> istio-system/istiod (1 ready)');
  });

  it('fails when istiod has no Ready pod, and the injector Service has no ready endpoints', () => {
    const results = run(check, { registry: SOLO, cluster: 'cluster1', clusters: { cluster1: primary({ ready: false, crash: true }) } });
    expect(statuses(results)).toEqual(['fail', 'fail']);
    expect(results[0]!.summary).toContain('istiod istio-system/istiod in cluster1 has no Ready pod (1 pod; istiod-5f4d9c7b8-0: Running but not Ready, CrashLoopBackOff (discovery), 4 restarts (discovery))');
    expect(results[1]!.summary).toBe(
      'Sidecar injector istio-sidecar-injector in cluster1 calls Service istio-system/istiod, which has no ready endpoints: pod creation in injected namespaces is rejected',
    );
    expect(evidenceText(results)).toContain('webhooks[rev.namespace.sidecar-injector.istio.io].clientConfig.service istio-system/istiod (failurePolicy Fail)');
  });

  it('fails when there is no istiod at all on a primary', () => {
    const results = run(check, { registry: SOLO, cluster: 'cluster1', clusters: { cluster1: { objects: [] } } });
    expect(statuses(results)).toEqual(['fail']);
    expect(results[0]!.summary).toBe('cluster1 has no istiod Deployment: no control plane serves its proxies');
  });

  it('warns when one of two istiod replicas is crash-looping', () => {
    const c = primary({ pods: 2 });
    const broken = c.objects.find((o) => o.metadata.name === 'istiod-5f4d9c7b8-1')!;
    broken.status.conditions = [{ type: 'Ready', status: 'False' }];
    broken.status.containerStatuses = [{ name: 'discovery', ready: false, restartCount: 9, state: { waiting: { reason: 'CrashLoopBackOff' } } }];
    const results = run(check, { registry: SOLO, cluster: 'cluster1', clusters: { cluster1: c } });
    expect(statuses(results)).toEqual(['warn']);
    expect(results[0]!.summary).toContain('istiod istio-system/istiod in cluster1: 1/2 pods Ready; istiod-5f4d9c7b8-1');
  });

  it('does not warn about a replica that is just rolling out', () => {
    const c = primary({ pods: 2 });
    const fresh = c.objects.find((o) => o.metadata.name === 'istiod-5f4d9c7b8-1')!;
    fresh.status.conditions = [{ type: 'Ready', status: 'False' }];
    fresh.status.startTime = ago(1);
    fresh.metadata.creationTimestamp = ago(1);
    expect(statuses(run(check, { registry: SOLO, cluster: 'cluster1', clusters: { cluster1: c } }))).toEqual(['pass']);
  });

  it('control-plane cluster: checks the hosted istiod and its LoadBalancer Service', () => {
    const reg = registry(cl('hosted-cp', 'control-plane'), cl('hosted-east', 'remote', { controlPlane: 'hosted-cp' }));
    const labels = { app: 'istiod-ywistio-hosted' };
    const cp = (ready: boolean): ClusterInput => ({
      objects: [
        deployment('istiod-ywistio-hosted', { labels }),
        pod('istiod-ywistio-hosted-7d9c', { labels, ip: '10.233.95.141', ready }),
        svc('istiod-ywistio-hosted-lb', { type: 'LoadBalancer', selector: labels, lbIp: '10.6.0.20' }),
        slice('istiod-ywistio-hosted-lb', [{ ip: '10.233.95.141', ready }]),
      ],
    });
    const ok = run(check, { registry: reg, cluster: 'hosted-cp', clusters: { 'hosted-cp': cp(true) } });
    expect(statuses(ok)).toEqual(['pass']);
    expect(ok[0]!.summary).toContain('istiod istio-system/istiod-ywistio-hosted 1/1 Ready; istiod-ywistio-hosted-lb has 1 ready endpoint');
    const down = run(check, { registry: reg, cluster: 'hosted-cp', clusters: { 'hosted-cp': cp(false) } });
    expect(statuses(down)).toEqual(['fail', 'fail']);
    expect(down[1]!.summary).toContain('Service istio-system/istiod-ywistio-hosted-lb in hosted-cp has no ready endpoints');
    const none = run(check, { registry: reg, cluster: 'hosted-cp', clusters: { 'hosted-cp': { objects: [] } } });
    expect(none[0]!.summary).toContain('hosted-cp has no hosted istiod Deployment (istiod-ywistio-hosted*) for mesh ywistio');
  });

  it('skips pure remotes', () => {
    const reg = registry(cl('cp', 'control-plane'), cl('r1', 'remote', { controlPlane: 'cp' }));
    expect(statuses(run(check, { registry: reg, cluster: 'r1', clusters: { r1: { objects: [] } } }))).toEqual(['skipped']);
  });
});
