// A Deployment whose pod template changed rolls out at once: a ReplicaSet `<deploy>-<hash>`, new
// Running/Ready pods from the new template on the nodes the old pods used, old pods deleted, old
// ReplicaSets scaled to 0, Deployment status updated. Enough to verify a fix ("the new pods carry
// the label"), with no waiting: the rollout is complete when the write that caused it returns.

import { randomBytes } from 'node:crypto';
import type { K8sObject, OwnerReference } from '../../../domain/k8s-object.ts';
import { deepEqual, isObject, stringRecord } from '../json.ts';
import { matchesLabels, requirementsOfSelector } from '../label-selector.ts';
import { rfc3339 } from '../store.ts';
import { type Change, type ControllerWriter, type IpPool, randomSuffix, templateHash } from './support.ts';

const REVISION = 'deployment.kubernetes.io/revision';

function ownedBy(obj: K8sObject, owner: K8sObject): boolean {
  return (obj.metadata.ownerReferences ?? []).some(
    (r) => r.kind === owner.kind && (r.uid === owner.metadata.uid || (r.name === owner.metadata.name && !r.uid)),
  );
}

function hasController(obj: K8sObject): boolean {
  return (obj.metadata.ownerReferences ?? []).some((r) => r.controller === true);
}

function controllerRef(owner: K8sObject): OwnerReference {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name,
    uid: owner.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

function replicasOf(d: K8sObject): number {
  return typeof d.spec?.replicas === 'number' ? d.spec.replicas : 1;
}

/** Where the old pods ran, so the new ones land on the same nodes (round robin). */
function placements(oldPods: K8sObject[], nodes: K8sObject[]): { nodeName?: string; hostIP?: string }[] {
  const fromPods = oldPods
    .filter((p) => typeof p.spec?.nodeName === 'string')
    .map((p) => ({ nodeName: p.spec.nodeName as string, ...(p.status?.hostIP ? { hostIP: p.status.hostIP as string } : {}) }));
  if (fromPods.length > 0) return fromPods;
  const node = nodes[0];
  if (!node) return [{}];
  const addrs = Array.isArray(node.status?.addresses) ? (node.status.addresses as { type?: string; address?: string }[]) : [];
  const ip = addrs.find((a) => a.type === 'InternalIP')?.address;
  return [{ nodeName: node.metadata.name, ...(ip ? { hostIP: ip } : {}) }];
}

function runningStatus(template: Record<string, unknown>, podIP: string, hostIP: string | undefined, now: string): Record<string, unknown> {
  const spec = isObject(template.spec) ? template.spec : {};
  const containers = Array.isArray(spec.containers) ? (spec.containers as Record<string, unknown>[]) : [];
  const inits = Array.isArray(spec.initContainers) ? (spec.initContainers as Record<string, unknown>[]) : [];
  const cond = (type: string) => ({ type, status: 'True', lastProbeTime: null, lastTransitionTime: now });
  const containerID = () => `containerd://${randomBytes(32).toString('hex')}`;
  return {
    phase: 'Running',
    conditions: ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map(cond),
    ...(hostIP ? { hostIP, hostIPs: [{ ip: hostIP }] } : {}),
    podIP,
    podIPs: [{ ip: podIP }],
    startTime: now,
    ...(inits.length > 0
      ? {
          initContainerStatuses: inits.map((c) => ({
            name: c.name,
            image: c.image,
            imageID: '',
            containerID: containerID(),
            ready: true,
            restartCount: 0,
            started: false,
            state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: now, finishedAt: now, containerID: containerID() } },
            lastState: {},
          })),
        }
      : {}),
    containerStatuses: containers.map((c) => ({
      name: c.name,
      image: c.image,
      imageID: '',
      containerID: containerID(),
      ready: true,
      restartCount: 0,
      started: true,
      state: { running: { startedAt: now } },
      lastState: {},
    })),
    qosClass: 'BestEffort',
  };
}

export interface DeploymentContext {
  writer: ControllerWriter;
  ips: IpPool;
  now: () => Date;
}

function templateChanged(change: Change): boolean {
  const { before, after } = change;
  return !!before && !!after && !deepEqual(before.spec?.template, after.spec?.template);
}

function newReplicaSet(d: K8sObject, name: string, hash: string, revision: number, now: string): K8sObject {
  const template = isObject(d.spec?.template) ? d.spec.template : {};
  const tmeta = isObject(template.metadata) ? template.metadata : {};
  const labels = { ...stringRecord(tmeta.labels), 'pod-template-hash': hash };
  const selector = isObject(d.spec?.selector) ? d.spec.selector : {};
  const replicas = replicasOf(d);
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name,
      namespace: d.metadata.namespace,
      labels,
      annotations: {
        'deployment.kubernetes.io/desired-replicas': String(replicas),
        'deployment.kubernetes.io/max-replicas': String(replicas + 1),
        [REVISION]: String(revision),
      },
      ownerReferences: [controllerRef(d)],
      creationTimestamp: now,
      generation: 1,
    },
    spec: {
      replicas,
      selector: { ...selector, matchLabels: { ...stringRecord(selector.matchLabels), 'pod-template-hash': hash } },
      template: { ...template, metadata: { ...tmeta, labels } },
    },
    status: { replicas, fullyLabeledReplicas: replicas, readyReplicas: replicas, availableReplicas: replicas, observedGeneration: 1 },
  };
}

function scaledToZero(rs: K8sObject): K8sObject {
  return {
    ...rs,
    metadata: { ...rs.metadata, generation: (rs.metadata.generation ?? 1) + (rs.spec?.replicas === 0 ? 0 : 1) },
    spec: { ...rs.spec, replicas: 0 },
    status: { replicas: 0, observedGeneration: (rs.metadata.generation ?? 1) + 1 },
  };
}

function newPod(rs: K8sObject, place: { nodeName?: string; hostIP?: string }, podIP: string, now: string): K8sObject {
  const template = rs.spec.template as Record<string, unknown>;
  const tmeta = isObject(template.metadata) ? template.metadata : {};
  const spec = isObject(template.spec) ? template.spec : {};
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...tmeta,
      name: `${rs.metadata.name}-${randomSuffix()}`,
      generateName: `${rs.metadata.name}-`,
      namespace: rs.metadata.namespace,
      labels: stringRecord(tmeta.labels),
      ownerReferences: [controllerRef(rs)],
      creationTimestamp: now,
    },
    spec: { ...spec, ...(place.nodeName ? { nodeName: place.nodeName } : {}) },
    status: runningStatus(template, podIP, place.hostIP, now),
  };
}

/** Rolls a Deployment whose pod template changed; the writes are recorded in ctx.writer. */
export function rolloutIfTemplateChanged(ctx: DeploymentContext, change: Change): void {
  if (!templateChanged(change) || !change.after) return;
  const d = change.after;
  const ns = d.metadata.namespace ?? 'default';
  const { writer } = ctx;
  const rsType = writer.type('replicasets.apps');
  const podType = writer.type('pods');
  const now = rfc3339(ctx.now());
  const hash = templateHash(d.spec?.template);
  const rsName = `${d.metadata.name}-${hash}`;

  const ownedRs = writer.store.inNamespace(rsType, ns).filter((rs) => ownedBy(rs, d));
  const oldRs = ownedRs.filter((rs) => rs.metadata.name !== rsName);
  const selector = requirementsOfSelector(d.spec?.selector);
  const oldPods = writer.store
    .inNamespace(podType, ns)
    .filter((p) => oldRs.some((rs) => ownedBy(p, rs)) || (!hasController(p) && selector.length > 0 && matchesLabels(selector, p.metadata.labels)));

  const revision = 1 + Math.max(0, ...ownedRs.map((rs) => Number(rs.metadata.annotations?.[REVISION] ?? 0) || 0));
  const existing = ownedRs.find((rs) => rs.metadata.name === rsName);
  const rs = writer.put(
    rsType,
    existing
      ? { ...existing, metadata: { ...existing.metadata, annotations: { ...existing.metadata.annotations, [REVISION]: String(revision) } }, spec: { ...existing.spec, replicas: replicasOf(d) } }
      : newReplicaSet(d, rsName, hash, revision, now),
  );
  for (const old of oldRs) if (old.spec?.replicas !== 0) writer.put(rsType, scaledToZero(old));
  for (const p of oldPods) writer.remove(podType, p);
  // Pods of the target ReplicaSet that are still there (a rollback to it) are replaced too.
  for (const p of writer.store.inNamespace(podType, ns).filter((p) => ownedBy(p, rs))) writer.remove(podType, p);

  const places = placements(oldPods, writer.store.list('nodes'));
  const replicas = replicasOf(d);
  for (let i = 0; i < replicas; i++) {
    writer.put(podType, newPod(rs, places[i % places.length] ?? {}, ctx.ips.allocate(), now));
  }
  writer.put(writer.type('deployments.apps'), withRolledStatus(d, rsName, revision, replicas, now));
}

function withRolledStatus(d: K8sObject, rsName: string, revision: number, replicas: number, now: string): K8sObject {
  const condition = (type: string, reason: string, message: string) => ({
    type,
    status: 'True',
    lastUpdateTime: now,
    lastTransitionTime: now,
    reason,
    message,
  });
  return {
    ...d,
    metadata: { ...d.metadata, annotations: { ...d.metadata.annotations, [REVISION]: String(revision) } },
    status: {
      observedGeneration: d.metadata.generation ?? 1,
      replicas,
      updatedReplicas: replicas,
      readyReplicas: replicas,
      availableReplicas: replicas,
      conditions: [
        condition('Available', 'MinimumReplicasAvailable', 'Deployment has minimum availability.'),
        condition('Progressing', 'NewReplicaSetAvailable', `ReplicaSet "${rsName}" has successfully progressed.`),
      ],
    },
  };
}
