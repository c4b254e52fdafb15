// READY, STATUS and RESTARTS of a pod exactly as `kubectl get pods` shows them (the real server's
// printPod): Init:Error, Init:1/2, CrashLoopBackOff, Completed, Terminating, ...

import type { K8sObject } from '../../domain/k8s-object.ts';
import { age } from './human.ts';
import { isObject } from './json.ts';

interface ContainerState {
  waiting?: { reason?: string };
  running?: { startedAt?: string };
  terminated?: { reason?: string; exitCode?: number; signal?: number; finishedAt?: string };
}

interface ContainerStatus {
  name?: string;
  ready?: boolean;
  started?: boolean;
  restartCount?: number;
  state?: ContainerState;
  lastState?: ContainerState;
}

interface ContainerSpec {
  name?: string;
  restartPolicy?: string;
}

export interface PodColumns {
  ready: string;
  status: string;
  restarts: string;
}

function arr<T>(v: unknown): T[] {
  return Array.isArray(v) ? (v.filter(isObject) as T[]) : [];
}

/** Latest lastState.terminated.finishedAt seen so far (ms), for `3 (5m ago)`. */
function laterRestart(current: number, c: ContainerStatus): number {
  const t = Date.parse(c.lastState?.terminated?.finishedAt ?? '');
  return Number.isNaN(t) ? current : Math.max(current, t);
}

function terminatedReason(prefix: string, t: NonNullable<ContainerState['terminated']>): string {
  if (t.reason) return `${prefix}${t.reason}`;
  if (t.signal) return `${prefix}Signal:${t.signal}`;
  return `${prefix}ExitCode:${t.exitCode ?? 0}`;
}

function conditionTrue(pod: K8sObject, type: string): boolean {
  return arr<{ type?: string; status?: string }>(pod.status?.conditions).some((c) => c.type === type && c.status === 'True');
}

interface InitResult {
  reason?: string;
  initializing: boolean;
  restarts: number;
  lastRestart: number;
  sidecarRestarts: number;
  sidecarLastRestart: number;
  sidecarReady: number;
}

/** The init-container pass of printPod: the first unfinished init container decides the reason. */
function initPass(pod: K8sObject, initSpecs: ContainerSpec[]): InitResult {
  const sidecar = (name: string | undefined) => initSpecs.some((s) => s.name === name && s.restartPolicy === 'Always');
  const r: InitResult = { initializing: false, restarts: 0, lastRestart: 0, sidecarRestarts: 0, sidecarLastRestart: 0, sidecarReady: 0 };
  const statuses = arr<ContainerStatus>(pod.status?.initContainerStatuses);
  for (const [i, c] of statuses.entries()) {
    r.restarts += c.restartCount ?? 0;
    r.lastRestart = laterRestart(r.lastRestart, c);
    if (sidecar(c.name)) {
      r.sidecarRestarts += c.restartCount ?? 0;
      r.sidecarLastRestart = laterRestart(r.sidecarLastRestart, c);
    }
    const term = c.state?.terminated;
    if (term && (term.exitCode ?? 0) === 0) continue;
    if (sidecar(c.name) && c.started === true) {
      if (c.ready) r.sidecarReady++;
      continue;
    }
    r.initializing = true;
    const waiting = c.state?.waiting?.reason;
    if (term) r.reason = terminatedReason('Init:', term);
    else if (waiting && waiting !== 'PodInitializing') r.reason = `Init:${waiting}`;
    else r.reason = `Init:${i}/${initSpecs.length}`;
    break;
  }
  return r;
}

export function podColumns(pod: K8sObject, now: Date): PodColumns {
  const spec = isObject(pod.spec) ? pod.spec : {};
  const initSpecs = arr<ContainerSpec>(spec.initContainers);
  const total = arr<ContainerSpec>(spec.containers).length + initSpecs.filter((s) => s.restartPolicy === 'Always').length;
  const phase = typeof pod.status?.phase === 'string' ? pod.status.phase : '';
  let reason: string = typeof pod.status?.reason === 'string' && pod.status.reason ? pod.status.reason : phase;
  const gated = arr<{ type?: string; reason?: string }>(pod.status?.conditions).some(
    (c) => c.type === 'PodScheduled' && c.reason === 'SchedulingGated',
  );
  if (gated) reason = 'SchedulingGated';

  const init = initPass(pod, initSpecs);
  if (init.reason) reason = init.reason;
  let ready = init.sidecarReady;
  let restarts = init.restarts;
  let lastRestart = init.lastRestart;
  if (!init.initializing || conditionTrue(pod, 'Initialized')) {
    restarts = init.sidecarRestarts;
    lastRestart = init.sidecarLastRestart;
    let hasRunning = false;
    const statuses = arr<ContainerStatus>(pod.status?.containerStatuses);
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i] as ContainerStatus;
      restarts += c.restartCount ?? 0;
      lastRestart = laterRestart(lastRestart, c);
      const term = c.state?.terminated;
      if (c.state?.waiting?.reason) reason = c.state.waiting.reason;
      else if (term) reason = terminatedReason('', term);
      else if (c.ready && c.state?.running) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) reason = conditionTrue(pod, 'Ready') ? 'Running' : 'NotReady';
  }
  if (pod.metadata.deletionTimestamp && pod.status?.reason === 'NodeLost') reason = 'Unknown';
  else if (pod.metadata.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';

  let restartsCell = String(restarts);
  if (restarts !== 0 && lastRestart > 0) restartsCell = `${restarts} (${age(new Date(lastRestart).toISOString(), now)} ago)`;
  return { ready: `${ready}/${total}`, status: reason, restarts: restartsCell };
}
