// Endpoints and EndpointSlices follow pods and Services, as the endpoints, endpointslice and
// endpointslice-mirroring controllers keep them on a real cluster:
// - a Service with a selector: Endpoints `<svc>` (ready pod IPs under addresses, the others under
//   notReadyAddresses) and EndpointSlice(s) `<svc>-<suffix>` recomputed when its pods or it change;
// - a Service without a selector (istio-system/istiod-remote): a write to its Endpoints is mirrored
//   into EndpointSlice(s) managed by endpointslicemirroring-controller.k8s.io.
// Objects are rewritten only when their content changes, so resourceVersions do not churn.

import type { K8sObject, OwnerReference } from '../../../domain/k8s-object.ts';
import { deepEqual, isObject, stringRecord } from '../json.ts';
import { matchesServiceSelector } from '../label-selector.ts';
import type { ServedType } from '../resource-types.ts';
import { type Change, type ControllerWriter, randomSuffix } from './support.ts';

const SERVICE_NAME = 'kubernetes.io/service-name';
const MANAGED_BY = 'endpointslice.kubernetes.io/managed-by';
const SLICE_CONTROLLER = 'endpointslice-controller.k8s.io';
const MIRROR_CONTROLLER = 'endpointslicemirroring-controller.k8s.io';

interface Port {
  name?: string;
  port: number;
  protocol: string;
  appProtocol?: string;
}

interface Address {
  ip: string;
  nodeName?: string;
  targetRef?: Record<string, unknown>;
}

interface Subset {
  addresses: Address[];
  notReadyAddresses: Address[];
  ports: Port[];
}

function selectorOf(svc: K8sObject): Record<string, string> {
  return stringRecord(svc.spec?.selector);
}

function hasSelector(svc: K8sObject | undefined): boolean {
  return !!svc && Object.keys(selectorOf(svc)).length > 0;
}

function podReady(pod: K8sObject): boolean {
  const conds = Array.isArray(pod.status?.conditions) ? (pod.status.conditions as { type?: string; status?: string }[]) : [];
  return conds.some((c) => c.type === 'Ready' && c.status === 'True');
}

/** A service port's targetPort resolved against one pod (named ports look in its containers). */
function resolvePort(svcPort: Record<string, unknown>, pod: K8sObject): number | undefined {
  const target = svcPort.targetPort ?? svcPort.port;
  if (typeof target === 'number') return target;
  if (typeof target === 'string' && /^\d+$/.test(target)) return Number(target);
  const containers = Array.isArray(pod.spec?.containers) ? (pod.spec.containers as Record<string, unknown>[]) : [];
  for (const c of containers) {
    const ports = Array.isArray(c.ports) ? (c.ports as Record<string, unknown>[]) : [];
    const hit = ports.find((p) => p.name === target);
    if (hit && typeof hit.containerPort === 'number') return hit.containerPort;
  }
  return undefined;
}

function podPorts(svc: K8sObject, pod: K8sObject): Port[] {
  const ports = Array.isArray(svc.spec?.ports) ? (svc.spec.ports as Record<string, unknown>[]) : [];
  const out: Port[] = [];
  for (const p of ports) {
    const port = resolvePort(p, pod);
    if (port === undefined) continue;
    out.push({
      ...(typeof p.name === 'string' && p.name ? { name: p.name } : {}),
      port,
      protocol: typeof p.protocol === 'string' ? p.protocol : 'TCP',
      ...(typeof p.appProtocol === 'string' ? { appProtocol: p.appProtocol } : {}),
    });
  }
  return out;
}

function addressOf(pod: K8sObject): Address {
  return {
    ip: pod.status.podIP as string,
    ...(typeof pod.spec?.nodeName === 'string' ? { nodeName: pod.spec.nodeName } : {}),
    targetRef: { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid },
  };
}

/** Pods behind a Service, grouped by their resolved port list (one subset per group). */
function subsetsFor(svc: K8sObject, pods: K8sObject[]): Subset[] {
  const publishNotReady = svc.spec?.publishNotReadyAddresses === true;
  const groups = new Map<string, Subset>();
  for (const pod of pods) {
    const ports = podPorts(svc, pod);
    const key = JSON.stringify(ports);
    const subset = groups.get(key) ?? { addresses: [], notReadyAddresses: [], ports };
    groups.set(key, subset);
    (publishNotReady || podReady(pod) ? subset.addresses : subset.notReadyAddresses).push(addressOf(pod));
  }
  const byIp = (a: Address, b: Address) => a.ip.localeCompare(b.ip);
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([, s]) => ({ ...s, addresses: s.addresses.sort(byIp), notReadyAddresses: s.notReadyAddresses.sort(byIp) }));
}

function endpointsSubsets(subsets: Subset[]): Record<string, unknown>[] {
  return subsets.map((s) => ({
    ...(s.addresses.length > 0 ? { addresses: s.addresses } : {}),
    ...(s.notReadyAddresses.length > 0 ? { notReadyAddresses: s.notReadyAddresses } : {}),
    ...(s.ports.length > 0 ? { ports: s.ports } : {}),
  }));
}

function sliceEndpoints(s: Subset, mirror: boolean): Record<string, unknown>[] {
  const one = (a: Address, ready: boolean) => ({
    addresses: [a.ip],
    conditions: mirror ? { ready } : { ready, serving: ready, terminating: false },
    ...(a.nodeName ? { nodeName: a.nodeName } : {}),
    ...(a.targetRef ? { targetRef: a.targetRef } : {}),
  });
  return [...s.addresses.map((a) => one(a, true)), ...s.notReadyAddresses.map((a) => one(a, false))];
}

interface SliceOwner {
  namespace: string;
  serviceName: string;
  labels: Record<string, string>;
  ownerReference: OwnerReference;
  managedBy: string;
}

/** Makes the slices of one owner equal `subsets` (one slice per subset), reusing existing names. */
function syncSlices(writer: ControllerWriter, owner: SliceOwner, subsets: Subset[]): void {
  const sliceType = writer.type('endpointslices.discovery.k8s.io');
  const existing = writer.store
    .inNamespace(sliceType, owner.namespace)
    .filter((s) => s.metadata.labels?.[SERVICE_NAME] === owner.serviceName && s.metadata.labels?.[MANAGED_BY] === owner.managedBy)
    .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  const mirror = owner.managedBy === MIRROR_CONTROLLER;
  // A Service with no endpoints still has one (empty) slice, as on a real cluster.
  const wanted = subsets.length > 0 ? subsets : mirror ? [] : [{ addresses: [], notReadyAddresses: [], ports: [] }];
  wanted.forEach((subset, i) => {
    const old = existing[i];
    const desired: K8sObject = {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        ...(old?.metadata ?? { generateName: `${owner.serviceName}-` }),
        name: old?.metadata.name ?? `${owner.serviceName}-${randomSuffix()}`,
        namespace: owner.namespace,
        labels: { ...owner.labels, [SERVICE_NAME]: owner.serviceName, [MANAGED_BY]: owner.managedBy },
        ownerReferences: [owner.ownerReference],
      },
      addressType: subset.addresses[0]?.ip.includes(':') || subset.notReadyAddresses[0]?.ip.includes(':') ? 'IPv6' : 'IPv4',
      endpoints: sliceEndpoints(subset, mirror),
      ports: subset.ports,
    };
    if (!old || !sameContent(old, desired)) writer.put(sliceType, desired);
  });
  for (const extra of existing.slice(wanted.length)) writer.remove(sliceType, extra);
}

function sameContent(a: K8sObject, b: K8sObject): boolean {
  return (
    deepEqual(a.metadata.labels, b.metadata.labels) &&
    deepEqual(a.metadata.ownerReferences, b.metadata.ownerReferences) &&
    deepEqual(a.endpoints, b.endpoints) &&
    deepEqual(a.ports, b.ports) &&
    a.addressType === b.addressType
  );
}

function ownerRef(obj: K8sObject, kind: string): OwnerReference {
  return { apiVersion: 'v1', kind, name: obj.metadata.name, uid: obj.metadata.uid ?? '', controller: true, blockOwnerDeletion: true };
}

/** Recomputes Endpoints and EndpointSlices of a Service that has a selector. */
function syncSelectorService(writer: ControllerWriter, svc: K8sObject): void {
  const ns = svc.metadata.namespace ?? 'default';
  const selector = selectorOf(svc);
  const pods = writer.store
    .inNamespace(writer.type('pods'), ns)
    .filter(
      (p) =>
        matchesServiceSelector(selector, p.metadata.labels) &&
        typeof p.status?.podIP === 'string' &&
        p.status.podIP !== '' &&
        !p.metadata.deletionTimestamp &&
        p.status?.phase !== 'Succeeded' &&
        p.status?.phase !== 'Failed',
    );
  const subsets = subsetsFor(svc, pods);
  const epType = writer.type('endpoints');
  const old = writer.store.read(epType, ns, svc.metadata.name);
  const labels = { ...stringRecord(svc.metadata.labels) };
  if (svc.spec?.clusterIP === 'None') labels['service.kubernetes.io/headless'] = '';
  const desiredSubsets = endpointsSubsets(subsets);
  const unchanged = old && deepEqual(old.subsets ?? [], desiredSubsets) && deepEqual(old.metadata.labels ?? {}, labels);
  if (!unchanged) {
    const metadata = old ? { ...old.metadata, labels } : { name: svc.metadata.name, namespace: ns, labels };
    writer.put(epType, { apiVersion: 'v1', kind: 'Endpoints', metadata, ...(desiredSubsets.length > 0 ? { subsets: desiredSubsets } : {}) });
  }
  syncSlices(writer, { namespace: ns, serviceName: svc.metadata.name, labels: stringRecord(svc.metadata.labels), ownerReference: ownerRef(svc, 'Service'), managedBy: SLICE_CONTROLLER }, subsets);
}

function subsetsOfEndpoints(ep: K8sObject): Subset[] {
  const raw = Array.isArray(ep.subsets) ? (ep.subsets as Record<string, unknown>[]) : [];
  const addrs = (v: unknown) => (Array.isArray(v) ? v.filter(isObject).filter((a) => typeof a.ip === 'string') : []) as unknown as Address[];
  return raw.map((s) => ({
    addresses: addrs(s.addresses),
    notReadyAddresses: addrs(s.notReadyAddresses),
    ports: (Array.isArray(s.ports) ? s.ports.filter(isObject) : []) as unknown as Port[],
  }));
}

/** Mirrors the Endpoints of a selectorless Service into EndpointSlices. */
function mirrorEndpoints(writer: ControllerWriter, namespace: string, name: string): void {
  const ep = writer.store.read(writer.type('endpoints'), namespace, name);
  const subsets = ep && ep.metadata.labels?.['endpointslice.kubernetes.io/skip-mirror'] !== 'true' ? subsetsOfEndpoints(ep) : [];
  const labels = ep ? stringRecord(ep.metadata.labels) : {};
  const ref = ownerRef(ep ?? { apiVersion: 'v1', kind: 'Endpoints', metadata: { name } }, 'Endpoints');
  syncSlices(writer, { namespace, serviceName: name, labels, ownerReference: ref, managedBy: MIRROR_CONTROLLER }, subsets);
}

/** Services in a namespace whose selector matches any of the given label sets. */
function servicesSelecting(writer: ControllerWriter, svcType: ServedType, ns: string, labelSets: Record<string, string>[]): K8sObject[] {
  return writer.store.inNamespace(svcType, ns).filter((svc) => labelSets.some((l) => matchesServiceSelector(selectorOf(svc), l)));
}

/** Applies the endpoint controllers to a batch of changes (API writes and earlier controller writes). */
export function syncEndpoints(writer: ControllerWriter, changes: readonly Change[]): void {
  const svcType = writer.type('services');
  const toSync = new Map<string, K8sObject>();
  const toMirror = new Map<string, [string, string]>();
  const add = (svc: K8sObject) => toSync.set(`${svc.metadata.namespace}/${svc.metadata.name}`, svc);
  for (const { type, before, after } of changes) {
    const obj = (after ?? before) as K8sObject;
    const ns = obj.metadata.namespace ?? 'default';
    if (type.key === 'pods') {
      const labelSets = [before, after].filter((o): o is K8sObject => !!o).map((o) => stringRecord(o.metadata.labels));
      for (const svc of servicesSelecting(writer, svcType, ns, labelSets)) add(svc);
    } else if (type.key === 'services') {
      if (after && hasSelector(after)) add(after);
      else if (!after) removeServiceEndpoints(writer, ns, obj.metadata.name);
    } else if (type.key === 'endpoints') {
      const svc = writer.store.read(svcType, ns, obj.metadata.name);
      if (svc && !hasSelector(svc)) toMirror.set(`${ns}/${obj.metadata.name}`, [ns, obj.metadata.name]);
    }
  }
  for (const svc of toSync.values()) {
    const current = writer.store.read(svcType, svc.metadata.namespace, svc.metadata.name);
    if (current && hasSelector(current)) syncSelectorService(writer, current);
  }
  for (const [ns, name] of toMirror.values()) mirrorEndpoints(writer, ns, name);
}

function removeServiceEndpoints(writer: ControllerWriter, ns: string, name: string): void {
  const epType = writer.type('endpoints');
  const ep = writer.store.read(epType, ns, name);
  if (ep) writer.remove(epType, ep);
  const sliceType = writer.type('endpointslices.discovery.k8s.io');
  for (const s of writer.store.inNamespace(sliceType, ns)) {
    if (s.metadata.labels?.[SERVICE_NAME] === name) writer.remove(sliceType, s);
  }
}
