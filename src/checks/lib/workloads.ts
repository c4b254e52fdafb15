// Who owns a pod, which namespaces the mesh injects, which namespaces belong to the platform.
// Checks about workloads group their results by owner ("deployment review/review"), because that
// is what a person fixes, and a ten-replica Deployment must not produce ten findings.

import type { K8sObject } from '../../domain/k8s-object.ts';
import { lookupObject } from './lookup.ts';
import { annotationsOf, controllerOf, labelsOf } from './objects.ts';

/** Namespaces that hold the platform, not mesh workloads (istioctl skips kube-system/kube-public). */
export const SYSTEM_NAMESPACES: ReadonlySet<string> = new Set(['kube-system', 'kube-public', 'kube-node-lease', 'istio-system']);

export function isSystemNamespace(namespace: string | undefined): boolean {
  return namespace !== undefined && SYSTEM_NAMESPACES.has(namespace);
}

/** The workload a person would name for a pod: its Deployment, else its controller, else itself. */
export interface WorkloadRef {
  kind: string;
  namespace: string;
  name: string;
  /** The owning object when the snapshot holds it (Deployment or ReplicaSet, ...). */
  object?: K8sObject;
}

export function describeWorkload(w: WorkloadRef): string {
  return `${w.kind.toLowerCase()} ${w.namespace}/${w.name}`;
}

export function workloadKey(w: WorkloadRef): string {
  return `${w.kind}/${w.namespace}/${w.name}`;
}

/**
 * Pod -> ReplicaSet -> Deployment through controller ownerReferences. Without the ReplicaSet in
 * the snapshot the pod is attributed to the ReplicaSet: guessing the Deployment from the name
 * would be wrong for ReplicaSets created by hand or by other controllers.
 */
export function workloadOf(pod: K8sObject, replicasets: K8sObject[], deployments: K8sObject[] = []): WorkloadRef {
  const namespace = pod.metadata.namespace ?? '';
  const owner = controllerOf(pod);
  if (!owner) return { kind: 'Pod', namespace, name: pod.metadata.name, object: pod };
  if (owner.kind !== 'ReplicaSet') return { kind: owner.kind, namespace, name: owner.name };
  const rs = lookupObject(replicasets, namespace, owner.name);
  const rsOwner = rs ? controllerOf(rs) : undefined;
  if (rsOwner?.kind === 'Deployment') {
    const deployment = lookupObject(deployments, namespace, rsOwner.name);
    return { kind: 'Deployment', namespace, name: rsOwner.name, ...(deployment ? { object: deployment } : {}) };
  }
  return { kind: 'ReplicaSet', namespace, name: owner.name, ...(rs ? { object: rs } : {}) };
}

/** Groups pods by their workload, keeping first-seen order so output is stable. */
export function groupByWorkload(
  pods: K8sObject[],
  replicasets: K8sObject[],
  deployments: K8sObject[] = [],
): { workload: WorkloadRef; pods: K8sObject[] }[] {
  const groups = new Map<string, { workload: WorkloadRef; pods: K8sObject[] }>();
  for (const pod of pods) {
    const workload = workloadOf(pod, replicasets, deployments);
    const key = workloadKey(workload);
    const group = groups.get(key) ?? { workload, pods: [] };
    group.pods.push(pod);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/**
 * Whether the sidecar injector targets a namespace, following the webhook's namespace selectors:
 * `istio-injection=enabled`, or `istio.io/rev=<rev>` without an `istio-injection` label (the
 * revisioned webhooks require the legacy label to be absent, so `istio-injection=disabled` wins).
 */
export function injectionRevision(namespace: K8sObject): string | undefined {
  const labels = labelsOf(namespace);
  const legacy = labels['istio-injection'];
  if (legacy !== undefined) return legacy === 'enabled' ? 'default' : undefined;
  return labels['istio.io/rev'];
}

/** Pod-level opt-out: `sidecar.istio.io/inject: "false"` as label (preferred) or annotation. */
export function injectionDisabledOnPod(pod: K8sObject): boolean {
  const value = labelsOf(pod)['sidecar.istio.io/inject'] ?? annotationsOf(pod)['sidecar.istio.io/inject'];
  return value !== undefined && value.toLowerCase() === 'false';
}

export function isHostNetwork(pod: K8sObject): boolean {
  return pod.spec?.hostNetwork === true;
}

/** Pods that finished (Job pods, evicted pods) are history, not running workloads. */
export function isFinished(pod: K8sObject): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

export function isTerminating(obj: K8sObject): boolean {
  return typeof obj.metadata.deletionTimestamp === 'string';
}

/** Parses an RFC3339 timestamp field; undefined when absent or unparsable. */
export function parseTime(value: unknown): Date | undefined {
  if (typeof value !== 'string') return undefined;
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : new Date(t);
}

/** "a, b, c and 4 more": lists in summaries stay one line. */
export function listSome(items: string[], max = 3): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

export function plural(n: number, word: string, pluralWord = `${word}s`): string {
  return `${n} ${n === 1 ? word : pluralWord}`;
}
