// Fixtures for the mesh-level check tests (hosted control plane, cross-cluster trust and
// discovery, gateways, cluster access): objects shaped like `kubectl get -o yaml` output, trimmed
// to what the checks read, and a runner that gives a check exactly the kinds it declares — for
// the diagnosed cluster and for its peers — the way the engine does.

import type { ClusterRole, RegisteredCluster, Registry } from '../../src/domain/cluster.ts';
import type { K8sObject } from '../../src/domain/k8s-object.ts';
import { buildSnapshot } from '../../src/k8s/build-snapshot.ts';
import type { ReadFailure, Snapshot, SnapshotKind } from '../../src/k8s/snapshot.ts';
import type { Check, CheckContext, CheckResult } from '../../src/checks/types.ts';

export const NOW = new Date('2024-05-01T12:00:00Z');

/** An ISO time `minutes` before NOW. */
export function ago(minutes: number): string {
  return new Date(NOW.getTime() - minutes * 60_000).toISOString();
}

/** A log line timestamp `minutes` before NOW, in Istio's format (microseconds, Z). */
export function logTime(minutes: number): string {
  return new Date(NOW.getTime() - minutes * 60_000).toISOString().replace('Z', '000Z');
}

// ------------------------------------------------------------------------------------------------
// Registry and context

export function cl(name: string, role: ClusterRole, o: Partial<RegisteredCluster> = {}): RegisteredCluster {
  return { name, kubeconfig: '', mesh: 'ywistio', role, production: false, ...o };
}

export function registry(...clusters: RegisteredCluster[]): Registry {
  const meshes = [...new Set(clusters.map((c) => c.mesh))].map((id) => ({ id }));
  return { path: '/dev/null', meshes, clusters };
}

export interface ClusterInput {
  objects: K8sObject[];
  logs?: { namespace: string; pod: string; container: string; previous?: boolean; text: string }[];
  failures?: ReadFailure[];
}

/** Keeps only the kinds a check declared (and logs only if it reads logs), as the engine would. */
export function restrict(snapshot: Snapshot, kinds: readonly SnapshotKind[], logs: boolean): Snapshot {
  const declared = new Set<string>(kinds);
  for (const kind of Object.keys(snapshot.data.objects)) {
    if (!declared.has(kind)) delete snapshot.data.objects[kind as SnapshotKind];
  }
  if (!declared.has('secrets')) delete snapshot.data.secrets;
  if (!logs) snapshot.data.logs.length = 0;
  return snapshot;
}

export function snapshotOf(name: string, input: ClusterInput): Snapshot {
  return buildSnapshot({
    cluster: name,
    objects: input.objects,
    logs: (input.logs ?? []).map((l) => ({ ...l, previous: l.previous ?? false })),
    failures: input.failures ?? [],
    takenAt: NOW,
  });
}

export interface RunOptions {
  registry: Registry;
  /** The diagnosed cluster's name (must be in the registry). */
  cluster: string;
  /** Objects (and logs) of every cluster that has any; the diagnosed one included. */
  clusters: Record<string, ClusterInput>;
  apiServers?: Record<string, string>;
  now?: Date;
}

/** Runs a check on one cluster with its peers, each holding only the kinds the check declares. */
export function run(check: Check, o: RunOptions): CheckResult[] {
  const self = o.registry.clusters.find((c) => c.name === o.cluster);
  if (!self) throw new Error(`cluster ${o.cluster} is not in the test registry`);
  const own = restrict(snapshotOf(o.cluster, o.clusters[o.cluster] ?? { objects: [] }), check.reads, check.readsLogs ?? false);
  const peers = new Map<string, Snapshot>();
  for (const c of o.registry.clusters) {
    if (c.name === self.name || !o.clusters[c.name]) continue;
    peers.set(c.name, restrict(snapshotOf(c.name, o.clusters[c.name]!), check.peerReads ?? [], false));
  }
  const ctx: CheckContext = {
    cluster: self,
    registry: o.registry,
    peers,
    apiServers: new Map(Object.entries(o.apiServers ?? {})),
    now: o.now ?? NOW,
  };
  return check.run(own, ctx);
}

export function statuses(results: CheckResult[]): string[] {
  return results.map((r) => r.status);
}

/** All evidence of all results as one searchable text. */
export function evidenceText(results: CheckResult[]): string {
  return results
    .flatMap((r) => r.evidence ?? [])
    .map((e) => [e.cluster, e.kind, e.namespace, e.name, e.field, e.value, e.log].filter(Boolean).join(' '))
    .join('\n');
}

// ------------------------------------------------------------------------------------------------
// Objects

export function ns(name: string, labels: Record<string, string> = {}, resourceVersion = '101'): K8sObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, resourceVersion, labels: { 'kubernetes.io/metadata.name': name, ...labels } } };
}

export interface PodOptions {
  namespace?: string;
  labels?: Record<string, string>;
  ip?: string;
  ready?: boolean;
  phase?: string;
  started?: string;
  containers?: Record<string, unknown>[];
  containerStatuses?: Record<string, unknown>[];
  hostNetwork?: boolean;
}

export function pod(name: string, o: PodOptions = {}): K8sObject {
  const ready = o.ready ?? true;
  const containers = o.containers ?? [{ name: 'istio-proxy', image: 'istio/proxyv2:1.22.0' }];
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: o.namespace ?? 'istio-system', uid: `uid-${name}`, creationTimestamp: o.started ?? ago(120), labels: o.labels ?? {} },
    spec: { containers, ...(o.hostNetwork ? { hostNetwork: true } : {}) },
    status: {
      phase: o.phase ?? 'Running',
      startTime: o.started ?? ago(120),
      ...(o.ip ? { podIP: o.ip } : {}),
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
      containerStatuses:
        o.containerStatuses ??
        containers.map((c) => ({ name: c.name, ready, restartCount: 0, state: { running: { startedAt: o.started ?? ago(120) } } })),
    },
  };
}

export interface ServiceOptions {
  namespace?: string;
  labels?: Record<string, string>;
  type?: string;
  clusterIP?: string;
  selector?: Record<string, string>;
  ports?: { name?: string; port: number }[];
  lbIp?: string;
  lbHostname?: string;
  externalIPs?: string[];
  externalName?: string;
  created?: string;
  loadBalancerClass?: string;
}

export function svc(name: string, o: ServiceOptions = {}): K8sObject {
  const ingress = [...(o.lbIp ? [{ ip: o.lbIp }] : []), ...(o.lbHostname ? [{ hostname: o.lbHostname }] : [])];
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: o.namespace ?? 'istio-system', creationTimestamp: o.created ?? ago(600), labels: o.labels ?? {} },
    spec: {
      type: o.type ?? 'ClusterIP',
      ...(o.type === 'ExternalName' ? { externalName: o.externalName } : { clusterIP: o.clusterIP ?? '10.96.0.10' }),
      ...(o.selector ? { selector: o.selector } : {}),
      ...(o.externalIPs ? { externalIPs: o.externalIPs } : {}),
      ...(o.loadBalancerClass ? { loadBalancerClass: o.loadBalancerClass } : {}),
      ports: (o.ports ?? [{ name: 'http', port: 80 }]).map((p) => ({ ...p, protocol: 'TCP' })),
    },
    status: { loadBalancer: ingress.length > 0 ? { ingress } : {} },
  };
}

export const ISTIOD_PORTS = [
  { name: 'tcp-istiod', port: 15012 },
  { name: 'tcp-webhook', port: 15017 },
];

export function endpoints(name: string, ips: string[], o: { namespace?: string; ports?: { name?: string; port: number }[]; resourceVersion?: string } = {}): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name, namespace: o.namespace ?? 'istio-system', resourceVersion: o.resourceVersion ?? '5150' },
    subsets: ips.length === 0 ? [] : [{ addresses: ips.map((ip) => ({ ip })), ports: (o.ports ?? ISTIOD_PORTS).map((p) => ({ ...p, protocol: 'TCP' })) }],
  };
}

export function slice(service: string, ips: { ip: string; ready?: boolean }[], o: { namespace?: string; ports?: { name?: string; port: number }[]; suffix?: string } = {}): K8sObject {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: `${service}-${o.suffix ?? 'x7k2p'}`, namespace: o.namespace ?? 'istio-system', labels: { 'kubernetes.io/service-name': service } },
    addressType: 'IPv4',
    endpoints: ips.map((e) => ({ addresses: [e.ip], conditions: { ready: e.ready ?? true } })),
    ports: (o.ports ?? ISTIOD_PORTS).map((p) => ({ ...p, protocol: 'TCP' })),
  };
}

export function deployment(name: string, o: { namespace?: string; labels?: Record<string, string>; replicas?: number; conditions?: Record<string, unknown>[] } = {}): K8sObject {
  const labels = o.labels ?? { app: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: o.namespace ?? 'istio-system', labels },
    spec: { replicas: o.replicas ?? 1, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'c' }] } } },
    status: { availableReplicas: 0, ...(o.conditions ? { conditions: o.conditions } : {}) },
  };
}

export function secret(name: string, o: { namespace?: string; labels?: Record<string, string>; stringData?: Record<string, string>; resourceVersion?: string } = {}): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: o.namespace ?? 'istio-system', resourceVersion: o.resourceVersion ?? '777', labels: o.labels ?? {} },
    type: 'Opaque',
    stringData: o.stringData ?? {},
  };
}

/** A kubeconfig reaching `server` (token is a dummy: summaries never keep it). */
export function kubeconfig(clusterName: string, server: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: ${clusterName}`,
    '  cluster:',
    `    server: ${server}`,
    'contexts:',
    `- name: ${clusterName}`,
    '  context:',
    `    cluster: ${clusterName}`,
    `    user: ${clusterName}`,
    `current-context: ${clusterName}`,
    'users:',
    `- name: ${clusterName}`,
    '  user:',
    '    token: not-a-real-token',
    '',
  ].join('\n');
}

export function configMap(name: string, namespace: string, data: Record<string, string>): K8sObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data };
}

export function node(name: string, o: { providerID?: string; ip?: string } = {}): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name },
    spec: o.providerID ? { providerID: o.providerID } : {},
    status: { addresses: [{ type: 'InternalIP', address: o.ip ?? '10.6.113.100' }] },
  };
}

export function event(
  name: string,
  involved: { kind: string; name: string; namespace?: string },
  o: { reason: string; message: string; type?: string; count?: number; last?: string },
): K8sObject {
  const namespace = involved.namespace ?? 'istio-system';
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name, namespace },
    involvedObject: { ...involved, namespace },
    reason: o.reason,
    message: o.message,
    type: o.type ?? 'Warning',
    count: o.count ?? 1,
    lastTimestamp: o.last ?? ago(1),
  };
}

export function istioGateway(name: string, selector: Record<string, string>, servers: { port: number; mode?: string }[], namespace = 'istio-system'): K8sObject {
  return {
    apiVersion: 'networking.istio.io/v1beta1',
    kind: 'Gateway',
    metadata: { name, namespace },
    spec: {
      selector,
      servers: servers.map((s) => ({ port: { number: s.port, name: `tls-${s.port}`, protocol: 'TLS' }, hosts: ['*.local'], ...(s.mode ? { tls: { mode: s.mode } } : {}) })),
    },
  };
}

export function crd(name: string): K8sObject {
  return { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name }, spec: {} };
}

export function injectorWebhook(name: string, service: { namespace: string; name: string }, failurePolicy = 'Fail'): K8sObject {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: { name },
    webhooks: ['rev.namespace.sidecar-injector.istio.io', 'rev.object.sidecar-injector.istio.io'].map((w) => ({
      name: w,
      failurePolicy,
      clientConfig: { service: { ...service, path: '/inject', port: 443 } },
    })),
  };
}
