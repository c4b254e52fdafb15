// Istio gateway workloads (ingress, east-west, egress) and what is wrong with a pod, in words,
// from its status and its events. Shared by the gateway and control-plane checks.

import type { Evidence } from '../../domain/finding.ts';
import type { K8sObject } from '../../domain/k8s-object.ts';
import { isGatewayPod } from '../../k8s/log-targets.ts';
import { eventCount, eventsOf } from './events.ts';
import { containerStatuses, evidenceOf, isPodReady, podCondition } from './objects.ts';

export type GatewayClass = 'ingress' | 'eastwest' | 'egress';

export const EASTWEST_SELECTOR = { istio: 'eastwestgateway' } as const;

/** Which kind of gateway a pod (or a pod template's labels) is. */
export function gatewayClassOfLabels(labels: Record<string, string>): GatewayClass | undefined {
  const istio = labels.istio ?? '';
  const app = labels.app ?? '';
  for (const c of ['ingress', 'eastwest', 'egress'] as const) {
    if (istio === `${c}gateway` || app.startsWith(`istio-${c}gateway`)) return c;
  }
  return undefined;
}

export function gatewayPods(pods: K8sObject[]): K8sObject[] {
  return pods.filter((p) => isGatewayPod(p) && !isFinished(p));
}

/** Pods that ended (evicted, completed) linger in listings but serve nothing: not a gateway replica. */
export function isFinished(pod: K8sObject): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed' || pod.metadata.deletionTimestamp !== undefined;
}

export function isEastWestService(svc: K8sObject): boolean {
  return svc.metadata.labels?.istio === 'eastwestgateway';
}

/** Readiness probe failures reported by the kubelet for this pod (`reason: Unhealthy`). */
export function readinessFailures(events: K8sObject[], pod: K8sObject): K8sObject[] {
  return eventsOf(events, 'Pod', pod).filter(
    (e) => e.reason === 'Unhealthy' && typeof e.message === 'string' && e.message.startsWith('Readiness probe failed'),
  );
}

export interface PodDiagnosis {
  ready: boolean;
  /** Short phrases: "not Ready", "CrashLoopBackOff (istio-proxy)", "5 restarts". */
  problems: string[];
  evidence: Evidence[];
}

/** What the pod's status and events say is wrong with it (nothing for a Ready pod at rest). */
export function diagnosePod(cluster: string, pod: K8sObject, events: K8sObject[]): PodDiagnosis {
  const ready = isPodReady(pod);
  const problems: string[] = [];
  const evidence: Evidence[] = [];
  if (!ready) {
    const cond = podCondition(pod, 'Ready');
    const phase = String(pod.status?.phase ?? 'Unknown');
    problems.push(phase === 'Running' ? 'Running but not Ready' : `${phase}, not Ready`);
    evidence.push(evidenceOf(cluster, pod, 'status.conditions[Ready]', `${cond?.status ?? 'missing'}${cond?.reason ? ` (${cond.reason})` : ''}`));
  }
  for (const s of containerStatuses(pod)) {
    const waiting = s.state?.waiting?.reason;
    if (waiting) {
      problems.push(`${waiting} (${s.name})`);
      const msg = s.state?.waiting?.message;
      evidence.push(evidenceOf(cluster, pod, `status.containerStatuses[${s.name}].state.waiting`, msg ? `${waiting}: ${msg}` : waiting));
    }
    if ((s.restartCount ?? 0) > 0 && !ready) {
      problems.push(`${s.restartCount} restarts (${s.name})`);
      const last = s.lastState?.terminated;
      evidence.push(
        evidenceOf(cluster, pod, `status.containerStatuses[${s.name}].restartCount`, `${s.restartCount}${last ? `; last exit ${last.exitCode ?? '?'} ${last.reason ?? ''}`.trimEnd() : ''}`),
      );
    }
  }
  if (!ready) {
    for (const e of readinessFailures(events, pod).slice(-2)) {
      evidence.push({ ...evidenceOf(cluster, e, 'message', `${e.message} (x${eventCount(e)})`) });
    }
  }
  return { ready, problems, evidence };
}
