// Small, realistic objects for the workload/log check tests: what `kubectl get -o yaml` returns,
// trimmed to the fields the checks read. Each builder takes overrides so a test states only what
// matters to it.

import type { Registry, RegisteredCluster } from '../../src/domain/cluster.ts';
import type { K8sObject } from '../../src/domain/k8s-object.ts';
import { buildSnapshot } from '../../src/k8s/build-snapshot.ts';
import type { Snapshot } from '../../src/k8s/snapshot.ts';
import type { Check, CheckContext, CheckResult } from '../../src/checks/types.ts';

export const NOW = new Date('2024-05-01T12:00:00Z');
export const CLUSTER = 'test-east';

/** An ISO time `minutes` before NOW (negative: after). */
export function ago(minutes: number): string {
  return new Date(NOW.getTime() - minutes * 60_000).toISOString();
}

export function namespace(name: string, labels: Record<string, string> = {}): K8sObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name, ...labels } } };
}

export interface PodOptions {
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  /** Owner ReplicaSet name; the pod is standalone when omitted. */
  replicaSet?: string;
  ownerKind?: string;
  sidecar?: boolean;
  ready?: boolean;
  phase?: string;
  ip?: string;
  nodeName?: string;
  created?: string;
  hostNetwork?: boolean;
  containers?: Record<string, unknown>[];
  initContainers?: Record<string, unknown>[];
  containerStatuses?: Record<string, unknown>[];
  initContainerStatuses?: Record<string, unknown>[];
}

export function pod(name: string, o: PodOptions = {}): K8sObject {
  const ns = o.namespace ?? 'default';
  const ready = o.ready ?? true;
  const sidecar = o.sidecar ?? true;
  const containers = o.containers ?? [
    { name: 'app', image: 'example/app:1.0' },
    ...(sidecar ? [{ name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.22.0' }] : []),
  ];
  const initContainers = o.initContainers ?? (sidecar ? [istioInit()] : []);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: ns,
      uid: `uid-${name}`,
      creationTimestamp: o.created ?? ago(60),
      labels: o.labels ?? {},
      ...(o.annotations ? { annotations: o.annotations } : {}),
      ...(o.replicaSet
        ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: o.ownerKind ?? 'ReplicaSet', name: o.replicaSet, uid: `uid-${o.replicaSet}`, controller: true }] }
        : {}),
    },
    spec: {
      containers,
      initContainers,
      nodeName: o.nodeName ?? 'node-1',
      ...(o.hostNetwork ? { hostNetwork: true } : {}),
    },
    status: {
      phase: o.phase ?? 'Running',
      podIP: o.ip ?? '10.0.0.1',
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
      containerStatuses:
        o.containerStatuses ??
        containers.map((c) => ({ name: c.name, ready, restartCount: 0, state: { running: { startedAt: ago(59) } } })),
      ...(o.initContainerStatuses ? { initContainerStatuses: o.initContainerStatuses } : {}),
    },
  };
}

export function istioInit(caps: string[] = ['NET_ADMIN', 'NET_RAW']): Record<string, unknown> {
  return {
    name: 'istio-init',
    image: 'docker.io/istio/proxyv2:1.22.0',
    args: ['istio-iptables', '-p', '15001'],
    securityContext: { capabilities: { add: caps, drop: ['ALL'] }, privileged: false },
  };
}

/** A Deployment and its ReplicaSet, linked by ownerReferences the way the controller links them. */
export function deployment(
  name: string,
  o: { namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>; rsHash?: string; resourceVersion?: string } = {},
): { deployment: K8sObject; replicaSet: K8sObject; rsName: string } {
  const ns = o.namespace ?? 'default';
  const rsName = `${name}-${o.rsHash ?? '58c45f8d7c'}`;
  const labels = o.labels ?? { app: name };
  const deployment: K8sObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns, uid: `uid-${name}`, resourceVersion: o.resourceVersion ?? '4242', labels: { app: name } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: labels.app ?? name } },
      template: { metadata: { labels, ...(o.annotations ? { annotations: o.annotations } : {}) }, spec: { containers: [{ name: 'app' }] } },
    },
  };
  const replicaSet: K8sObject = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: rsName,
      namespace: ns,
      uid: `uid-${rsName}`,
      labels,
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name, uid: `uid-${name}`, controller: true }],
    },
    spec: { replicas: 1, selector: { matchLabels: { app: labels.app ?? name } } },
  };
  return { deployment, replicaSet, rsName };
}

export function service(
  name: string,
  o: { namespace?: string; selector?: Record<string, string> | null; ports?: Record<string, unknown>[]; labels?: Record<string, string>; type?: string } = {},
): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: o.namespace ?? 'default', labels: o.labels ?? { app: name } },
    spec: {
      type: o.type ?? 'ClusterIP',
      clusterIP: '10.96.0.10',
      ...(o.selector === null ? {} : { selector: o.selector ?? { app: name } }),
      ports: o.ports ?? [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 }],
    },
  };
}

export function endpointSlice(serviceName: string, o: { namespace?: string; endpoints: { ip: string; ready: boolean; pod?: string }[] }): K8sObject {
  const ns = o.namespace ?? 'default';
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: `${serviceName}-abcde`, namespace: ns, labels: { 'kubernetes.io/service-name': serviceName } },
    addressType: 'IPv4',
    endpoints: o.endpoints.map((e) => ({
      addresses: [e.ip],
      conditions: { ready: e.ready },
      ...(e.pod ? { targetRef: { kind: 'Pod', name: e.pod, namespace: ns } } : {}),
    })),
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
  };
}

export function destinationRule(name: string, host: string, subsets: { name: string; labels?: Record<string, string> }[], ns = 'default'): K8sObject {
  return {
    apiVersion: 'networking.istio.io/v1beta1',
    kind: 'DestinationRule',
    metadata: { name, namespace: ns },
    spec: { host, subsets },
  };
}

export function virtualService(name: string, routes: { host: string; subset?: string }[], ns = 'default', gateways?: string[]): K8sObject {
  return {
    apiVersion: 'networking.istio.io/v1beta1',
    kind: 'VirtualService',
    metadata: { name, namespace: ns },
    spec: {
      hosts: ['*'],
      ...(gateways ? { gateways } : {}),
      http: [{ route: routes.map((r) => ({ destination: { host: r.host, ...(r.subset ? { subset: r.subset } : {}) } })) }],
    },
  };
}

export function configMap(name: string, namespace: string, data: Record<string, string>): K8sObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data };
}

export function cluster(name = CLUSTER, o: Partial<RegisteredCluster> = {}): RegisteredCluster {
  return { name, kubeconfig: '', mesh: 'mesh1', role: 'primary', production: false, ...o };
}

export function context(o: { cluster?: RegisteredCluster; peers?: Map<string, Snapshot>; others?: RegisteredCluster[] } = {}): CheckContext {
  const self = o.cluster ?? cluster();
  const registry: Registry = { path: '/dev/null', meshes: [{ id: self.mesh }], clusters: [self, ...(o.others ?? [])] };
  return { cluster: self, registry, peers: o.peers ?? new Map(), apiServers: new Map(), now: NOW };
}

export type LogInput = { namespace: string; pod: string; container: string; previous?: boolean; text: string };

export function snapshotOf(objects: K8sObject[], logs: LogInput[] = [], name = CLUSTER): Snapshot {
  return buildSnapshot({
    cluster: name,
    objects,
    logs: logs.map((l) => ({ ...l, previous: l.previous ?? false })),
    takenAt: NOW,
  });
}

/** Runs a check the way the engine does: on a snapshot holding only the kinds it declares. */
export function runCheck(check: Check, objects: K8sObject[], o: { logs?: LogInput[]; ctx?: CheckContext } = {}): CheckResult[] {
  const snapshot = snapshotOf(objects, o.logs);
  const declared = new Set<string>(check.reads);
  for (const kind of Object.keys(snapshot.data.objects)) {
    if (!declared.has(kind)) delete snapshot.data.objects[kind as keyof typeof snapshot.data.objects];
  }
  if (!declared.has('secrets')) delete snapshot.data.secrets;
  if (!check.readsLogs) snapshot.data.logs.length = 0;
  return check.run(snapshot, o.ctx ?? context());
}

export function statuses(results: CheckResult[]): string[] {
  return results.map((r) => r.status);
}
