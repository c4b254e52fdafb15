import { describe, expect, it } from 'vitest';
import { check } from '../../src/checks/istio-init-failures.ts';
import type { K8sObject } from '../../src/domain/k8s-object.ts';
import { ago, deployment, istioInit, pod, runCheck, statuses } from './workload-fixtures.ts';

const NS = 'shop';
const web = deployment('web', { namespace: NS });

function crashingInit(name: string, caps?: string[]): K8sObject {
  return pod(name, {
    namespace: NS,
    labels: { app: 'web' },
    replicaSet: web.rsName,
    phase: 'Pending',
    ready: false,
    initContainers: [istioInit(caps)],
    initContainerStatuses: [
      {
        name: 'istio-init',
        ready: false,
        restartCount: 4,
        state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 1m20s restarting failed container' } },
        lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt: ago(2), finishedAt: ago(2) } },
      },
    ],
    containerStatuses: [
      { name: 'app', ready: false, restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } },
      { name: 'istio-proxy', ready: false, restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } },
    ],
  });
}

function cni(ready: number, desired = 3): K8sObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'istio-cni-node', namespace: 'kube-system' },
    spec: {},
    status: { desiredNumberScheduled: desired, numberReady: ready, numberAvailable: ready },
  };
}

const PERMISSION_LOG = [
  '2024-05-01T11:58:00Z info Running iptables-restore with the following input:',
  '2024-05-01T11:58:00Z error iptables-restore v1.8.7 (legacy): iptables-restore: unable to initialize table \'nat\'',
  '2024-05-01T11:58:00Z error Failed to execute: iptables-restore --noflush, exit status 4: Operation not permitted',
].join('\n');

describe('istio-init-failures', () => {
  it('fails per workload on a crash-looping istio-init, quotes its log and names the missing capability', () => {
    const objects = [web.deployment, web.replicaSet, crashingInit('web-1', ['NET_RAW']), crashingInit('web-2', ['NET_RAW'])];
    const results = runCheck(check, objects, { logs: [{ namespace: NS, pod: 'web-1', container: 'istio-init', text: PERMISSION_LOG }] });
    expect(statuses(results)).toEqual(['fail']);
    expect(results[0]?.summary).toBe(
      'istio-init fails in 2 pods of deployment shop/web (exit 1, CrashLoopBackOff): `2024-05-01T11:58:00Z error Failed to execute: iptables-restore --noflush, exit status 4: Operation not permitted`; its securityContext lacks NET_ADMIN and istio-cni is not installed, so iptables cannot be changed (a policy may strip the capabilities the injector adds)',
    );
    expect(results[0]?.evidence).toContainEqual({
      cluster: 'test-east',
      kind: 'Pod',
      namespace: NS,
      name: 'web-1',
      field: 'log[istio-init]',
      log: '2024-05-01T11:58:00Z error Failed to execute: iptables-restore --noflush, exit status 4: Operation not permitted',
    });
    expect(results[0]?.evidence).toContainEqual(expect.objectContaining({ name: 'web-1', field: 'status.initContainerStatuses[istio-init]', value: 'CrashLoopBackOff; exitCode 1; restarts 4' }));
  });

  it('explains missing kernel modules when iptables cannot initialize its tables (seed 003)', () => {
    const log = "2024-05-01T11:58:00Z error iptables v1.8.4 (legacy): can't initialize iptables table `nat': Table does not exist (do you need to insmod?)";
    const results = runCheck(check, [web.deployment, web.replicaSet, crashingInit('web-1')], { logs: [{ namespace: NS, pod: 'web-1', container: 'istio-init', text: log }] });
    expect(results[0]?.summary).toContain('the node lacks iptables kernel modules');
  });

  it('fails when the istio-cni-node DaemonSet is not fully ready', () => {
    const results = runCheck(check, [cni(2), pod('web-ok', { namespace: NS })]);
    expect(statuses(results)).toEqual(['fail']);
    expect(results[0]?.summary).toContain('DaemonSet kube-system/istio-cni-node has 2/3 pods ready');
  });

  it('fails on pods whose sandbox the istio-cni plugin refused', () => {
    const stuck = pod('web-3', { namespace: NS, phase: 'Pending', ready: false, replicaSet: web.rsName });
    const event: K8sObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'web-3.17a', namespace: NS },
      involvedObject: { kind: 'Pod', name: 'web-3', namespace: NS },
      reason: 'FailedCreatePodSandBox',
      message: 'Failed to create pod sandbox: plugin type="istio-cni" name="istio-cni" failed (add): failed to find plugin',
    };
    const results = runCheck(check, [cni(3), web.deployment, web.replicaSet, stuck, event]);
    expect(statuses(results)).toEqual(['fail']);
    expect(results[0]?.summary).toContain('The istio-cni plugin fails to set up the network of 1 pod of deployment shop/web');
  });

  it('passes when init containers completed and istio-cni is ready', () => {
    const done = pod('web-1', {
      namespace: NS,
      initContainers: [{ name: 'istio-validation' }],
      initContainerStatuses: [{ name: 'istio-validation', ready: true, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }],
    });
    const results = runCheck(check, [cni(3), done]);
    expect(results).toEqual([
      { status: 'pass', summary: 'No failing istio-init/istio-validation container among 1 meshed pod; DaemonSet kube-system/istio-cni-node ready 3/3', evidence: [] },
    ]);
  });

  it('does not blame a restart that recovered (init terminated 1 earlier, now completed)', () => {
    const recovered = pod('web-1', {
      namespace: NS,
      initContainerStatuses: [
        { name: 'istio-init', ready: true, restartCount: 1, state: { terminated: { exitCode: 0, reason: 'Completed' } }, lastState: { terminated: { exitCode: 1 } } },
      ],
    });
    expect(statuses(runCheck(check, [recovered]))).toEqual(['pass']);
  });

  it('skips clusters without sidecar init containers or istio-cni', () => {
    expect(runCheck(check, [pod('plain', { sidecar: false })])).toEqual([
      { status: 'skipped', summary: 'No pod has an istio-init or istio-validation container and istio-cni is not installed' },
    ]);
  });
});
