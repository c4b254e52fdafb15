import { describe, expect, it } from 'vitest';
import { check } from '../../src/checks/app-starts-before-proxy.ts';
import type { K8sObject } from '../../src/domain/k8s-object.ts';
import { ago, configMap, deployment, pod, runCheck, statuses } from './workload-fixtures.ts';

const NS = 'shop';
const PREVIOUS_LOG = [
  `${ago(30)} starting checkout service`,
  `${ago(30)} Error: connect ECONNREFUSED 10.96.0.15:5432`,
  `${ago(30)}     at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16)`,
].join('\n');

function web(annotations?: Record<string, string>) {
  return deployment('checkout', { namespace: NS, labels: { app: 'checkout', version: 'v1' }, ...(annotations ? { annotations } : {}) });
}

/** A pod whose app died 2 s after the pod started, and whose proxy started at the same time. */
function restarted(rsName: string, o: { annotations?: Record<string, string>; lifeSeconds?: number; appStartedMinutesAgo?: number; proxy?: Record<string, unknown> } = {}): K8sObject {
  const appStart = o.appStartedMinutesAgo ?? 30;
  const end = new Date(Date.parse(ago(appStart)) + (o.lifeSeconds ?? 2) * 1000).toISOString();
  return pod('checkout-58c45f8d7c-abcde', {
    namespace: NS,
    labels: { app: 'checkout', version: 'v1' },
    replicaSet: rsName,
    ...(o.annotations ? { annotations: o.annotations } : {}),
    ...(o.proxy ? { containers: [{ name: 'checkout' }, o.proxy] } : { containers: [{ name: 'checkout' }, { name: 'istio-proxy' }] }),
    containerStatuses: [
      {
        name: 'checkout',
        ready: true,
        restartCount: 1,
        state: { running: { startedAt: ago(29) } },
        lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt: ago(appStart), finishedAt: end } },
      },
      { name: 'istio-proxy', ready: true, restartCount: 0, state: { running: { startedAt: ago(30) } } },
    ],
  });
}

const logs = [{ namespace: NS, pod: 'checkout-58c45f8d7c-abcde', container: 'checkout', previous: true, text: PREVIOUS_LOG }];

describe('app-starts-before-proxy', () => {
  it('fails on a crash right after start with ECONNREFUSED and proposes hold-app-until-proxy, keeping the JSON annotation settings', () => {
    const d = web({ 'proxy.istio.io/config': '{"terminationDrainDuration":"30s"}' });
    const [r, ...rest] = runCheck(check, [d.deployment, d.replicaSet, restarted(d.rsName)], { logs });
    expect(rest).toEqual([]);
    expect(r?.status).toBe('fail');
    expect(r?.summary).toBe(
      `Container checkout of 1 pod of deployment shop/checkout crashed right after start (exit 1, 2s after start) with \`${ago(30)} Error: connect ECONNREFUSED 10.96.0.15:5432\` while istio-proxy was still starting: the app is not held until the proxy is ready; proposed fix: set holdApplicationUntilProxyStarts: true in its proxy.istio.io/config annotation`,
    );
    expect(r?.evidence).toContainEqual({
      cluster: 'test-east',
      kind: 'Pod',
      namespace: NS,
      name: 'checkout-58c45f8d7c-abcde',
      field: 'log[checkout, previous]',
      log: `${ago(30)} Error: connect ECONNREFUSED 10.96.0.15:5432`,
    });
    expect(r?.remediation).toEqual({
      id: 'hold-app-until-proxy',
      target: { cluster: 'test-east', apiVersion: 'apps/v1', kind: 'Deployment', namespace: NS, name: 'checkout', resourceVersion: '4242' },
      patchType: 'strategic',
      patch: { spec: { template: { metadata: { annotations: { 'proxy.istio.io/config': '{"terminationDrainDuration":"30s","holdApplicationUntilProxyStarts":true}' } } } } },
      reason: expect.stringContaining('keeping the other settings'),
    });
  });

  it('merges into a YAML annotation and writes a fresh one when there is none', () => {
    const yamlDeployment = web({ 'proxy.istio.io/config': 'concurrency: 2\n' });
    const [withYaml] = runCheck(check, [yamlDeployment.deployment, yamlDeployment.replicaSet, restarted(yamlDeployment.rsName)], { logs });
    expect(withYaml?.remediation?.patch).toEqual({
      spec: { template: { metadata: { annotations: { 'proxy.istio.io/config': 'concurrency: 2\nholdApplicationUntilProxyStarts: true\n' } } } },
    });
    const plain = web();
    const [fresh] = runCheck(check, [plain.deployment, plain.replicaSet, restarted(plain.rsName)], { logs });
    expect(fresh?.remediation?.patch).toEqual({
      spec: { template: { metadata: { annotations: { 'proxy.istio.io/config': 'holdApplicationUntilProxyStarts: true\n' } } } },
    });
  });

  it('passes when the pod is held by its annotation, mesh-wide, or by the injected wait hook', () => {
    const d = web();
    const annotated = restarted(d.rsName, { annotations: { 'proxy.istio.io/config': 'holdApplicationUntilProxyStarts: true' } });
    expect(statuses(runCheck(check, [d.deployment, d.replicaSet, annotated], { logs }))).toEqual(['pass']);

    const mesh = configMap('istio', 'istio-system', { mesh: 'defaultConfig:\n  holdApplicationUntilProxyStarts: true\n' });
    const [meshWide] = runCheck(check, [d.deployment, d.replicaSet, restarted(d.rsName), mesh], { logs });
    expect(meshWide?.status).toBe('pass');
    expect(meshWide?.summary).toContain('held until the proxy starts mesh-wide: ConfigMap istio-system/istio mesh.defaultConfig.holdApplicationUntilProxyStarts');

    const hooked = restarted(d.rsName, { proxy: { name: 'istio-proxy', lifecycle: { postStart: { exec: { command: ['pilot-agent', 'wait'] } } } } });
    expect(statuses(runCheck(check, [d.deployment, d.replicaSet, hooked], { logs }))).toEqual(['pass']);
  });

  it('does not blame start order for an instance that ran for long, or started long after the proxy', () => {
    const d = web();
    expect(statuses(runCheck(check, [d.deployment, d.replicaSet, restarted(d.rsName, { lifeSeconds: 3600 })], { logs }))).toEqual(['pass']);
    expect(statuses(runCheck(check, [d.deployment, d.replicaSet, restarted(d.rsName, { appStartedMinutesAgo: 5 })], { logs }))).toEqual(['pass']);
  });

  it('needs the network error in the previous log', () => {
    const d = web();
    const otherLog = [{ ...logs[0]!, text: `${ago(30)} panic: nil map` }];
    expect(statuses(runCheck(check, [d.deployment, d.replicaSet, restarted(d.rsName)], { logs: otherLog }))).toEqual(['pass']);
  });

  it('skips clusters without sidecars', () => {
    expect(runCheck(check, [pod('plain', { sidecar: false })])).toEqual([{ status: 'skipped', summary: 'No pod in this cluster runs an istio-proxy sidecar' }]);
  });
});
