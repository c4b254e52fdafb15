// Server-side `Table` responses (Accept: application/json;as=Table;v=v1;g=meta.k8s.io), the way
// `kubectl get` asks for them: pods with READY/STATUS/RESTARTS, services, endpoints, deployments and
// a few more with their real columns, CRD kinds with their additionalPrinterColumns, NAME/AGE
// otherwise. Each row carries the object's metadata (includeObject=Metadata, the default): kubectl
// reads the NAMESPACE column of `-A` from it.

import type { K8sObject } from '../../domain/k8s-object.ts';
import { age } from './human.ts';
import { getPath, isObject, stringRecord } from './json.ts';
import { podColumns } from './pod-columns.ts';
import type { PrinterColumn, ServedType } from './resource-types.ts';

export interface ColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

/** The Table version the client accepts (`as=Table;v=v1;g=meta.k8s.io`), if any. */
export function tableVersionAccepted(accept: string | undefined): 'v1' | 'v1beta1' | undefined {
  if (!accept) return undefined;
  for (const part of accept.split(',')) {
    const params = new Map(
      part
        .split(';')
        .slice(1)
        .map((p) => p.trim().split('=') as [string, string]),
    );
    if (params.get('as') !== 'Table' || params.get('g') !== 'meta.k8s.io') continue;
    const v = params.get('v');
    if (v === 'v1' || v === 'v1beta1') return v;
  }
  return undefined;
}

function col(name: string, description: string, extra: Partial<ColumnDefinition> = {}): ColumnDefinition {
  return { name, type: 'string', format: '', description, priority: 0, ...extra };
}

const NAME = col('Name', 'Name must be unique within a namespace.', { format: 'name' });
const AGE = col('Age', 'CreationTimestamp is a timestamp representing the server time when this object was created.');

type Cells = (obj: K8sObject, now: Date) => unknown[];

interface Printer {
  columns: ColumnDefinition[];
  cells: Cells;
}

const none = (v: string) => (v === '' ? '<none>' : v);
const str = (v: unknown) => (typeof v === 'string' ? v : '');

function servicePorts(svc: K8sObject): string {
  const ports = Array.isArray(svc.spec?.ports) ? (svc.spec.ports as Record<string, unknown>[]) : [];
  const parts = ports.map((p) => {
    const proto = str(p.protocol) || 'TCP';
    return p.nodePort ? `${p.port}:${p.nodePort}/${proto}` : `${p.port}/${proto}`;
  });
  return none(parts.join(','));
}

function serviceExternalIP(svc: K8sObject): string {
  const type = str(svc.spec?.type) || 'ClusterIP';
  const external = Array.isArray(svc.spec?.externalIPs) ? (svc.spec.externalIPs as string[]) : [];
  if (type === 'ExternalName') return str(svc.spec?.externalName);
  if (type === 'LoadBalancer') {
    const ingress = getPath(svc, ['status', 'loadBalancer', 'ingress']);
    const ips = (Array.isArray(ingress) ? ingress : [])
      .filter(isObject)
      .map((i) => str(i.ip) || str(i.hostname))
      .filter((s) => s !== '');
    const all = [...ips, ...external];
    return all.length > 0 ? all.join(',') : '<pending>';
  }
  return external.length > 0 ? external.join(',') : '<none>';
}

function formatSelector(sel: unknown): string {
  const map = stringRecord(sel);
  return none(
    Object.keys(map)
      .sort()
      .map((k) => `${k}=${map[k]}`)
      .join(','),
  );
}

/** `formatEndpoints`: up to three ip:port pairs, then `+ N more...`. */
function formatEndpoints(ep: K8sObject): string {
  const subsets = Array.isArray(ep.subsets) ? (ep.subsets as Record<string, unknown>[]) : [];
  if (subsets.length === 0) return '<none>';
  const list: string[] = [];
  let count = 0;
  const push = (s: string) => {
    if (list.length < 3) list.push(s);
  };
  for (const ss of subsets) {
    const addrs = (Array.isArray(ss.addresses) ? ss.addresses : []).filter(isObject).map((a) => str(a.ip));
    const ports = (Array.isArray(ss.ports) ? ss.ports : []).filter(isObject);
    if (ports.length === 0) {
      count += addrs.length;
      for (const ip of addrs) push(ip);
      continue;
    }
    for (const p of ports) {
      count += addrs.length;
      for (const ip of addrs) push(ip.includes(':') ? `[${ip}]:${p.port}` : `${ip}:${p.port}`);
    }
  }
  const joined = list.join(',');
  if (count > 3) return `${joined} + ${count - 3} more...`;
  return none(joined);
}

/** Up to three entries, then `+ N more...`; `<unset>` when empty (listWithMoreString). */
function listWithMore(list: string[]): string {
  if (list.length === 0) return '<unset>';
  const shown = list.slice(0, 3).join(',');
  return list.length > 3 ? `${shown} + ${list.length - 3} more...` : shown;
}

function objectsOf(v: unknown): Record<string, unknown>[] {
  return Array.isArray(v) ? v.filter(isObject) : [];
}

function nodeStatus(node: K8sObject): string {
  const ready = objectsOf(node.status?.conditions).find((c) => c.type === 'Ready');
  const status = !ready ? 'Unknown' : ready.status === 'True' ? 'Ready' : 'NotReady';
  return node.spec?.unschedulable === true ? `${status},SchedulingDisabled` : status;
}

function nodeRoles(node: K8sObject): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata.labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/') && k.length > 'node-role.kubernetes.io/'.length) roles.add(k.slice('node-role.kubernetes.io/'.length));
    else if (k === 'kubernetes.io/role' && v) roles.add(v);
  }
  return roles.size > 0 ? [...roles].sort().join(',') : '<none>';
}

function nodeAddress(node: K8sObject, type: string): string {
  return none(str(objectsOf(node.status?.addresses).find((a) => a.type === type)?.address));
}

function eventCells(ev: K8sObject, now: Date): unknown[] {
  const first = age(ev.firstTimestamp || ev.eventTime, now);
  const series = isObject(ev.series) ? ev.series : undefined;
  const last = series ? age(series.lastObservedTime, now) : ev.lastTimestamp ? age(ev.lastTimestamp, now) : first;
  const count = series ? num(series.count) : num(ev.count) || 1;
  const io = isObject(ev.involvedObject) ? ev.involvedObject : {};
  const kind = str(io.kind).toLowerCase();
  const target = str(io.name) ? `${kind}/${str(io.name)}` : kind;
  const src = isObject(ev.source) ? ev.source : {};
  const source = [str(src.component) || str(ev.reportingComponent), str(src.host) || str(ev.reportingInstance)].filter((x) => x).join(', ');
  return [last, str(ev.type), str(ev.reason), target, str(io.fieldPath), source, str(ev.message).trim(), first, count, ev.metadata.name];
}

function num(v: unknown): number {
  return typeof v === 'number' ? v : 0;
}

const PRINTERS: Record<string, Printer> = {
  Pod: {
    columns: [
      NAME,
      col('Ready', 'The aggregate readiness state of this pod for accepting traffic.'),
      col('Status', 'The aggregate status of the containers in this pod.'),
      col('Restarts', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
      AGE,
      col('IP', 'IP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.', { priority: 1 }),
      col('Node', "NodeName is a request to schedule this pod onto a specific node.", { priority: 1 }),
      col('Nominated Node', 'nominatedNodeName is set when this pod preempts other pods on the node.', { priority: 1 }),
      col('Readiness Gates', 'If specified, all readiness gates will be evaluated for pod readiness.', { priority: 1 }),
    ],
    cells: (pod, now) => {
      const c = podColumns(pod, now);
      const gates = Array.isArray(pod.spec?.readinessGates) ? pod.spec.readinessGates.length : 0;
      return [
        pod.metadata.name,
        c.ready,
        c.status,
        c.restarts,
        age(pod.metadata.creationTimestamp, now),
        none(str(pod.status?.podIP)),
        none(str(pod.spec?.nodeName)),
        none(str(pod.status?.nominatedNodeName)),
        gates === 0 ? '<none>' : `0/${gates}`,
      ];
    },
  },
  Service: {
    columns: [
      NAME,
      col('Type', 'The type of the service.'),
      col('Cluster-IP', 'The cluster IP of the service.'),
      col('External-IP', 'The external IP of the service.'),
      col('Port(s)', 'The ports of the service.'),
      AGE,
      col('Selector', 'Route service traffic to pods with label keys and values matching this selector.', { priority: 1 }),
    ],
    cells: (svc, now) => [
      svc.metadata.name,
      str(svc.spec?.type) || 'ClusterIP',
      none(str(svc.spec?.clusterIP)),
      serviceExternalIP(svc),
      servicePorts(svc),
      age(svc.metadata.creationTimestamp, now),
      formatSelector(svc.spec?.selector),
    ],
  },
  Endpoints: {
    columns: [NAME, col('Endpoints', 'Endpoints of the service.'), AGE],
    cells: (ep, now) => [ep.metadata.name, formatEndpoints(ep), age(ep.metadata.creationTimestamp, now)],
  },
  Deployment: {
    columns: [
      NAME,
      col('Ready', 'Number of the pod with ready state.'),
      col('Up-to-date', 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.'),
      col('Available', 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.'),
      AGE,
    ],
    cells: (d, now) => [
      d.metadata.name,
      `${num(d.status?.readyReplicas)}/${typeof d.spec?.replicas === 'number' ? d.spec.replicas : 1}`,
      num(d.status?.updatedReplicas),
      num(d.status?.availableReplicas),
      age(d.metadata.creationTimestamp, now),
    ],
  },
  ReplicaSet: {
    columns: [
      NAME,
      col('Desired', 'Number of desired pods.', { type: 'integer' }),
      col('Current', 'Number of actual replicas.', { type: 'integer' }),
      col('Ready', 'The number of ready replicas.', { type: 'integer' }),
      AGE,
    ],
    cells: (rs, now) => [
      rs.metadata.name,
      typeof rs.spec?.replicas === 'number' ? rs.spec.replicas : 1,
      num(rs.status?.replicas),
      num(rs.status?.readyReplicas),
      age(rs.metadata.creationTimestamp, now),
    ],
  },
  Event: {
    columns: [
      col('Last Seen', 'The time at which the most recent occurrence of this event was recorded.'),
      col('Type', 'Type of this event (Normal, Warning), new types could be added in the future'),
      col('Reason', 'This should be a short, machine understandable string that gives the reason for the transition into the object\'s current status.'),
      col('Object', 'The object that this event is about.'),
      col('Subobject', 'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement.', { priority: 1 }),
      col('Source', 'The component reporting this event.', { priority: 1 }),
      col('Message', 'A human-readable description of the status of this operation.'),
      col('First Seen', 'The time at which the event was first recorded.', { priority: 1 }),
      col('Count', 'The number of times this event has occurred.', { priority: 1 }),
      col('Name', 'Name must be unique within a namespace.', { priority: 1, format: 'name' }),
    ],
    cells: eventCells,
  },
  Node: {
    columns: [
      NAME,
      col('Status', 'The status of the node'),
      col('Roles', 'The roles of the node'),
      AGE,
      col('Version', 'Kubelet Version reported by the node.'),
      col('Internal-IP', 'List of addresses reachable to the node. Queried from cloud provider, if available.', { priority: 1 }),
      col('External-IP', 'List of addresses reachable to the node. Queried from cloud provider, if available.', { priority: 1 }),
      col('OS-Image', 'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).', { priority: 1 }),
      col('Kernel-Version', "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).", { priority: 1 }),
      col('Container-Runtime', 'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).', { priority: 1 }),
    ],
    cells: (node, now) => {
      const info = isObject(node.status?.nodeInfo) ? node.status.nodeInfo : {};
      return [
        node.metadata.name,
        nodeStatus(node),
        nodeRoles(node),
        age(node.metadata.creationTimestamp, now),
        str(info.kubeletVersion),
        nodeAddress(node, 'InternalIP'),
        nodeAddress(node, 'ExternalIP'),
        none(str(info.osImage)),
        none(str(info.kernelVersion)),
        none(str(info.containerRuntimeVersion)),
      ];
    },
  },
  EndpointSlice: {
    columns: [
      NAME,
      col('AddressType', 'The IP protocol for this slice'),
      col('Ports', 'The ports for this slice'),
      col('Endpoints', 'A list of unique endpoints in this slice'),
      AGE,
    ],
    cells: (slice, now) => [
      slice.metadata.name,
      str(slice.addressType),
      listWithMore(objectsOf(slice.ports).map((p) => (typeof p.port === 'number' ? String(p.port) : str(p.name) || '*'))),
      listWithMore(objectsOf(slice.endpoints).flatMap((e) => (Array.isArray(e.addresses) ? (e.addresses as string[]) : []))),
      age(slice.metadata.creationTimestamp, now),
    ],
  },
  Namespace: {
    columns: [NAME, col('Status', 'The status of the namespace'), AGE],
    cells: (ns, now) => [ns.metadata.name, str(ns.status?.phase) || 'Active', age(ns.metadata.creationTimestamp, now)],
  },
  ConfigMap: {
    columns: [NAME, col('Data', 'Number of data in configmap', { type: 'integer' }), AGE],
    cells: (cm, now) => [
      cm.metadata.name,
      Object.keys(isObject(cm.data) ? cm.data : {}).length + Object.keys(isObject(cm.binaryData) ? cm.binaryData : {}).length,
      age(cm.metadata.creationTimestamp, now),
    ],
  },
  Secret: {
    columns: [NAME, col('Type', 'The type of the secret'), col('Data', 'The number of data in the secret', { type: 'integer' }), AGE],
    cells: (s, now) => [
      s.metadata.name,
      str(s.type) || 'Opaque',
      Object.keys(isObject(s.data) ? s.data : {}).length,
      age(s.metadata.creationTimestamp, now),
    ],
  },
};

/** Evaluates the simple JSONPaths CRDs use in printer columns: `.spec.host`, `.spec.servers[0].port`. */
function evalJsonPath(obj: unknown, jsonPath: string): unknown {
  let cur: unknown = obj;
  for (const step of jsonPath.replace(/^\./, '').split('.')) {
    const m = /^([^[\]]*)((?:\[\d+\])*)$/.exec(step);
    if (!m) return undefined;
    if (m[1]) cur = isObject(cur) ? cur[m[1]] : undefined;
    for (const idx of (m[2] ?? '').match(/\d+/g) ?? []) cur = Array.isArray(cur) ? cur[Number(idx)] : undefined;
  }
  return cur;
}

function crdPrinter(columns: PrinterColumn[]): Printer {
  return {
    columns: [
      NAME,
      ...columns.map((c) =>
        col(c.name, c.description ?? '', { type: c.type === 'date' ? 'date' : c.type, priority: c.priority ?? 0 }),
      ),
    ],
    cells: (obj, now) => [
      obj.metadata.name,
      ...columns.map((c) => {
        const v = evalJsonPath(obj, c.jsonPath);
        if (c.type === 'date') return age(v, now);
        if (v === undefined || v === null) return null;
        return typeof v === 'object' ? JSON.stringify(v) : v;
      }),
    ],
  };
}

const GENERIC: Printer = {
  columns: [NAME, AGE],
  cells: (obj, now) => [obj.metadata.name, age(obj.metadata.creationTimestamp, now)],
};

function printerFor(t: ServedType): Printer {
  if (t.fromCrd) return t.printerColumns ? crdPrinter(t.printerColumns) : GENERIC;
  return PRINTERS[t.kind] ?? GENERIC;
}

function rowObject(obj: K8sObject, include: IncludeObject, apiVersion: string): unknown {
  if (include === 'Object') return { ...obj, apiVersion };
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
}

export interface TableOptions {
  tableVersion: 'v1' | 'v1beta1';
  include: IncludeObject;
  /** apiVersion the objects are served under (for includeObject=Object). */
  apiVersion: string;
  now: Date;
  listMeta: Record<string, unknown>;
}

export function toTable(t: ServedType, items: readonly K8sObject[], opts: TableOptions): Record<string, unknown> {
  const printer = printerFor(t);
  return {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${opts.tableVersion}`,
    metadata: opts.listMeta,
    columnDefinitions: printer.columns,
    rows: items.map((obj) => {
      const row: Record<string, unknown> = { cells: printer.cells(obj, opts.now) };
      if (opts.include !== 'None') row.object = rowObject(obj, opts.include, opts.apiVersion);
      return row;
    }),
  };
}
