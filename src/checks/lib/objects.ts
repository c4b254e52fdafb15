// Small readers over Kubernetes objects that many checks share. Every reader tolerates missing
// fields: scenario files and real clusters both omit things.

import type { Evidence } from '../../domain/finding.ts';
import type { K8sObject } from '../../domain/k8s-object.ts';
import { lookupByName, lookupObject } from './lookup.ts';

export function labelsOf(obj: K8sObject): Record<string, string> {
  return obj.metadata.labels ?? {};
}

export function annotationsOf(obj: K8sObject): Record<string, string> {
  return obj.metadata.annotations ?? {};
}

/** Equality-based selector match (Service selectors, DestinationRule subset labels). */
export function matchesLabels(labels: Record<string, string>, selector: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

export function inNamespace(objects: K8sObject[], namespace: string): K8sObject[] {
  return objects.filter((o) => o.metadata.namespace === namespace);
}

/** The first object named `name` in `namespace` (in any namespace when it is undefined). Indexed. */
export function findObject(objects: K8sObject[], namespace: string | undefined, name: string): K8sObject | undefined {
  return namespace === undefined ? lookupByName(objects, name) : lookupObject(objects, namespace, name);
}

export interface ContainerStatus {
  name: string;
  ready?: boolean;
  restartCount?: number;
  image?: string;
  started?: boolean;
  state?: ContainerState;
  lastState?: ContainerState;
}

export interface ContainerState {
  waiting?: { reason?: string; message?: string };
  running?: { startedAt?: string };
  terminated?: { exitCode?: number; reason?: string; message?: string; startedAt?: string; finishedAt?: string };
}

export function containerStatuses(pod: K8sObject): ContainerStatus[] {
  const list = pod.status?.containerStatuses;
  return Array.isArray(list) ? list : [];
}

export function initContainerStatuses(pod: K8sObject): ContainerStatus[] {
  const list = pod.status?.initContainerStatuses;
  return Array.isArray(list) ? list : [];
}

export function podCondition(pod: K8sObject, type: string): { status?: string; reason?: string; message?: string } | undefined {
  const conditions = pod.status?.conditions;
  return Array.isArray(conditions) ? conditions.find((c: { type?: string }) => c.type === type) : undefined;
}

export function isPodReady(pod: K8sObject): boolean {
  return pod.status?.phase === 'Running' && podCondition(pod, 'Ready')?.status === 'True';
}

/** Container names from the pod spec (not the status), e.g. to see whether a sidecar is there. */
export function containerNames(pod: K8sObject): string[] {
  const containers = pod.spec?.containers;
  return Array.isArray(containers) ? containers.map((c: { name: string }) => c.name) : [];
}

export function hasSidecar(pod: K8sObject): boolean {
  return containerNames(pod).includes('istio-proxy') || initContainerNames(pod).includes('istio-proxy');
}

export function initContainerNames(pod: K8sObject): string[] {
  const containers = pod.spec?.initContainers;
  return Array.isArray(containers) ? containers.map((c: { name: string }) => c.name) : [];
}

/** The controller owner reference (ReplicaSet for a Deployment's pod, DaemonSet, ...). */
export function controllerOf(obj: K8sObject): { kind: string; name: string } | undefined {
  const ref = obj.metadata.ownerReferences?.find((r) => r.controller) ?? obj.metadata.ownerReferences?.[0];
  return ref ? { kind: ref.kind, name: ref.name } : undefined;
}

/** Evidence naming one object, optionally one field and its value. */
export function evidenceOf(cluster: string, obj: K8sObject, field?: string, value?: string): Evidence {
  const e: Evidence = { cluster, kind: obj.kind, name: obj.metadata.name };
  if (obj.metadata.namespace) e.namespace = obj.metadata.namespace;
  if (field !== undefined) e.field = field;
  if (value !== undefined) e.value = value;
  return e;
}

/** Evidence quoting one log line of a pod's container. */
export function logEvidence(cluster: string, namespace: string, pod: string, container: string, line: string): Evidence {
  return { cluster, kind: 'Pod', namespace, name: pod, field: `log[${container}]`, log: line };
}
