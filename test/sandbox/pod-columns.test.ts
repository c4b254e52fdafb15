// READY / STATUS / RESTARTS / AGE as kubectl shows them, computed by the sandbox's Table printer.

import { describe, expect, it } from 'vitest';
import type { K8sObject } from '../../src/domain/k8s-object.ts';
import { humanDuration } from '../../src/sandbox/server/human.ts';
import { podColumns } from '../../src/sandbox/server/pod-columns.ts';

const NOW = new Date('2025-03-01T12:00:00Z');

function pod(spec: Record<string, unknown>, status: Record<string, unknown>, metadata: Record<string, unknown> = {}): K8sObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', ...metadata }, spec, status };
}

const two = { containers: [{ name: 'app' }, { name: 'istio-proxy' }] };
const running = (name: string, ready = true, restartCount = 0) => ({ name, ready, restartCount, state: { running: {} } });

describe('pod STATUS column', () => {
  it('is Running with every container ready', () => {
    expect(podColumns(pod(two, { phase: 'Running', containerStatuses: [running('app'), running('istio-proxy')] }), NOW)).toEqual({
      ready: '2/2',
      status: 'Running',
      restarts: '0',
    });
  });

  it('shows the waiting reason of a crash-looping container, with the last restart age', () => {
    const status = {
      phase: 'Running',
      containerStatuses: [
        running('app'),
        { name: 'istio-proxy', ready: false, restartCount: 4, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { finishedAt: '2025-03-01T11:58:00Z' } } },
      ],
    };
    expect(podColumns(pod(two, status), NOW)).toEqual({ ready: '1/2', status: 'CrashLoopBackOff', restarts: '4 (2m ago)' });
  });

  it('shows Init:Error, Init:CrashLoopBackOff and Init:N/M while initializing', () => {
    const spec = { initContainers: [{ name: 'istio-init' }, { name: 'second' }], containers: [{ name: 'app' }] };
    const initStatus = (state: Record<string, unknown>) => ({
      phase: 'Pending',
      initContainerStatuses: [{ name: 'istio-init', restartCount: 2, state }, { name: 'second', state: { waiting: { reason: 'PodInitializing' } } }],
      containerStatuses: [{ name: 'app', state: { waiting: { reason: 'PodInitializing' } } }],
    });
    expect(podColumns(pod(spec, initStatus({ terminated: { exitCode: 1, reason: 'Error' } })), NOW).status).toBe('Init:Error');
    expect(podColumns(pod(spec, initStatus({ waiting: { reason: 'CrashLoopBackOff' } })), NOW).status).toBe('Init:CrashLoopBackOff');
    expect(podColumns(pod(spec, initStatus({ terminated: { exitCode: 137 } })), NOW).status).toBe('Init:ExitCode:137');
    const second = initStatus({ terminated: { exitCode: 0, reason: 'Completed' } });
    expect(podColumns(pod(spec, second), NOW)).toEqual({ ready: '0/1', status: 'Init:1/2', restarts: '2' });
  });

  it('counts a native sidecar (restartPolicy Always) as a container', () => {
    const spec = { initContainers: [{ name: 'istio-proxy', restartPolicy: 'Always' }], containers: [{ name: 'app' }] };
    const status = {
      phase: 'Running',
      conditions: [{ type: 'Initialized', status: 'True' }],
      initContainerStatuses: [{ name: 'istio-proxy', started: true, ready: true, restartCount: 1, state: { running: {} } }],
      containerStatuses: [running('app')],
    };
    expect(podColumns(pod(spec, status), NOW)).toEqual({ ready: '2/2', status: 'Running', restarts: '1' });
  });

  it('shows Completed, Terminating and the pod reason', () => {
    const done = { phase: 'Succeeded', containerStatuses: [{ name: 'app', state: { terminated: { exitCode: 0, reason: 'Completed' } } }] };
    expect(podColumns(pod({ containers: [{ name: 'app' }] }, done), NOW).status).toBe('Completed');
    const deleting = pod(two, { phase: 'Running', containerStatuses: [running('app'), running('istio-proxy')] }, { deletionTimestamp: '2025-03-01T11:59:00Z' });
    expect(podColumns(deleting, NOW).status).toBe('Terminating');
    expect(podColumns(pod(two, { phase: 'Failed', reason: 'Evicted' }), NOW).status).toBe('Evicted');
  });
});

describe('ages', () => {
  it.each([
    [59_000, '59s'],
    [119_000, '119s'],
    [200_000, '3m20s'],
    [600_000, '10m'],
    [7_200_000, '120m'],
    [3 * 3_600_000 + 5 * 60_000, '3h5m'],
    [10 * 3_600_000, '10h'],
    [3 * 86_400_000 + 4 * 3_600_000, '3d4h'],
    [400 * 86_400_000, '400d'],
    [(2 * 365 + 30) * 86_400_000, '2y30d'],
    [-5_000, '<invalid>'],
  ])('%d ms is %s', (ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });
});
