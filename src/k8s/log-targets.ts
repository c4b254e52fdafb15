// Which container logs a diagnosis reads. Logs are the expensive part of a snapshot (one API call
// each), so the set is fixed and bounded here rather than chosen by individual checks.

import type { K8sObject } from '../domain/k8s-object.ts';
import type { PodLogKey } from './snapshot.ts';

export const LOG_TAIL_LINES = 300;
/** At most this many logs of each category, so a crash-looping fleet cannot make a diagnosis slow. */
export const MAX_LOGS_PER_CATEGORY = 20;

const GATEWAY_ISTIO_LABELS = new Set(['ingressgateway', 'eastwestgateway', 'egressgateway']);
const ISTIO_INIT_CONTAINERS = new Set(['istio-init', 'istio-validation']);
const PROXY_CONTAINER = 'istio-proxy';

export type LogCategory = 'gateway' | 'istiod' | 'restarting-app' | 'failing-init';

export interface LogTarget extends PodLogKey {
  category: LogCategory;
}

export function isGatewayPod(pod: K8sObject): boolean {
  const labels = pod.metadata.labels ?? {};
  const istio = labels.istio ?? '';
  return GATEWAY_ISTIO_LABELS.has(istio) || /^istio-(ingress|eastwest|egress)gateway/.test(labels.app ?? '');
}

export function isIstiodPod(pod: K8sObject): boolean {
  const labels = pod.metadata.labels ?? {};
  return labels.app === 'istiod' || labels.istio === 'pilot';
}

interface ContainerStatus {
  name: string;
  restartCount?: number;
  state?: { waiting?: { reason?: string }; terminated?: { exitCode?: number } };
  lastState?: { terminated?: { exitCode?: number } };
}

function statuses(pod: K8sObject, field: 'containerStatuses' | 'initContainerStatuses'): ContainerStatus[] {
  const list = pod.status?.[field];
  return Array.isArray(list) ? (list as ContainerStatus[]) : [];
}

function isFailingInit(s: ContainerStatus): boolean {
  const terminated = s.state?.terminated ?? s.lastState?.terminated;
  return (terminated?.exitCode ?? 0) !== 0 || s.state?.waiting?.reason === 'CrashLoopBackOff';
}

/** The logs a diagnosis of this pod list reads, in a stable order. */
export function selectLogTargets(pods: K8sObject[]): LogTarget[] {
  const byCategory: Record<LogCategory, LogTarget[]> = {
    gateway: [],
    istiod: [],
    'restarting-app': [],
    'failing-init': [],
  };
  for (const pod of pods) {
    const base = { namespace: pod.metadata.namespace ?? '', pod: pod.metadata.name };
    if (isGatewayPod(pod)) {
      byCategory.gateway.push({ ...base, container: PROXY_CONTAINER, previous: false, category: 'gateway' });
    }
    if (isIstiodPod(pod)) {
      byCategory.istiod.push({ ...base, container: 'discovery', previous: false, category: 'istiod' });
    }
    for (const s of statuses(pod, 'containerStatuses')) {
      if (s.name !== PROXY_CONTAINER && (s.restartCount ?? 0) > 0 && s.lastState?.terminated) {
        byCategory['restarting-app'].push({ ...base, container: s.name, previous: true, category: 'restarting-app' });
      }
    }
    for (const s of statuses(pod, 'initContainerStatuses')) {
      if (ISTIO_INIT_CONTAINERS.has(s.name) && isFailingInit(s)) {
        byCategory['failing-init'].push({ ...base, container: s.name, previous: false, category: 'failing-init' });
      }
    }
  }
  return Object.values(byCategory).flatMap((list) => list.slice(0, MAX_LOGS_PER_CATEGORY));
}
