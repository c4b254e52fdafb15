// Addresses in Services, Endpoints and EndpointSlices, and "whose address is this?": the question
// every connectivity finding must answer in words (a Pod IP of another cluster is not routable,
// a ClusterIP is only reachable inside its cluster, ...).

import type { K8sObject } from '../../domain/k8s-object.ts';
import { lookupObject, slicesLabelledFor } from './lookup.ts';

export interface EndpointPort {
  name?: string;
  port: number;
}

/** The addresses and ports one Endpoints object or one EndpointSlice holds. */
export interface EndpointSet {
  /** 'Endpoints' or 'EndpointSlice'. */
  kind: string;
  object: K8sObject;
  addresses: { ip: string; ready: boolean }[];
  ports: EndpointPort[];
}

function asArray(v: unknown): Record<string, unknown>[] {
  return Array.isArray(v) ? v.filter((x) => typeof x === 'object' && x !== null) : [];
}

function portsOf(list: unknown): EndpointPort[] {
  return asArray(list)
    .filter((p) => typeof p.port === 'number')
    .map((p) => (typeof p.name === 'string' && p.name ? { name: p.name, port: p.port as number } : { port: p.port as number }));
}

export function endpointsSet(ep: K8sObject): EndpointSet {
  const addresses: EndpointSet['addresses'] = [];
  const ports: EndpointPort[] = [];
  for (const subset of asArray(ep.subsets)) {
    for (const a of asArray(subset.addresses)) if (typeof a.ip === 'string') addresses.push({ ip: a.ip, ready: true });
    for (const a of asArray(subset.notReadyAddresses)) if (typeof a.ip === 'string') addresses.push({ ip: a.ip, ready: false });
    ports.push(...portsOf(subset.ports));
  }
  return { kind: 'Endpoints', object: ep, addresses, ports: uniquePorts(ports) };
}

export function sliceSet(slice: K8sObject): EndpointSet {
  const addresses: EndpointSet['addresses'] = [];
  for (const e of asArray(slice.endpoints)) {
    const conditions = (e.conditions ?? {}) as { ready?: boolean };
    // Per the EndpointSlice API, an unknown ready condition means ready.
    const ready = conditions.ready !== false;
    for (const ip of Array.isArray(e.addresses) ? e.addresses : []) if (typeof ip === 'string') addresses.push({ ip, ready });
  }
  return { kind: 'EndpointSlice', object: slice, addresses, ports: uniquePorts(portsOf(slice.ports)) };
}

function uniquePorts(ports: EndpointPort[]): EndpointPort[] {
  const seen = new Set<string>();
  return ports.filter((p) => {
    const key = `${p.name ?? ''}:${p.port}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** EndpointSlices of a Service (label `kubernetes.io/service-name`, same namespace). */
export function slicesOfService(slices: K8sObject[], namespace: string, name: string): K8sObject[] {
  return slicesLabelledFor(slices, namespace, name);
}

/** The Endpoints object and EndpointSlices of one Service, as address sets. */
export function endpointSetsOfService(
  endpoints: K8sObject[],
  slices: K8sObject[],
  namespace: string,
  name: string,
): EndpointSet[] {
  const ep = lookupObject(endpoints, namespace, name);
  return [...(ep ? [endpointsSet(ep)] : []), ...slicesOfService(slices, namespace, name).map(sliceSet)];
}

/** Ready IPs of a Service from its EndpointSlices, or its Endpoints when it has no slices. */
export function readyServiceIps(endpoints: K8sObject[], slices: K8sObject[], namespace: string, name: string): string[] {
  const sets = endpointSetsOfService(endpoints, slices, namespace, name);
  const fromSlices = sets.filter((s) => s.kind === 'EndpointSlice');
  const chosen = fromSlices.length > 0 ? fromSlices : sets;
  return [...new Set(chosen.flatMap((s) => s.addresses.filter((a) => a.ready).map((a) => a.ip)))];
}

/** Addresses a LoadBalancer controller published, and addresses set by hand in spec.externalIPs. */
export function serviceExternalAddresses(svc: K8sObject): { lbIps: string[]; lbHostnames: string[]; externalIps: string[] } {
  const ingress = asArray(svc.status?.loadBalancer?.ingress);
  return {
    lbIps: ingress.flatMap((i) => (typeof i.ip === 'string' && i.ip ? [i.ip] : [])),
    lbHostnames: ingress.flatMap((i) => (typeof i.hostname === 'string' && i.hostname ? [i.hostname] : [])),
    externalIps: Array.isArray(svc.spec?.externalIPs) ? svc.spec.externalIPs.filter((x: unknown) => typeof x === 'string') : [],
  };
}

export function clusterIpsOf(svc: K8sObject): string[] {
  const ips = new Set<string>();
  if (typeof svc.spec?.clusterIP === 'string' && svc.spec.clusterIP !== 'None') ips.add(svc.spec.clusterIP);
  for (const ip of Array.isArray(svc.spec?.clusterIPs) ? svc.spec.clusterIPs : []) if (typeof ip === 'string' && ip !== 'None') ips.add(ip);
  return [...ips];
}

export function podIpsOf(pod: K8sObject): string[] {
  const ips = new Set<string>();
  if (typeof pod.status?.podIP === 'string' && pod.status.podIP) ips.add(pod.status.podIP);
  for (const p of asArray(pod.status?.podIPs)) if (typeof p.ip === 'string') ips.add(p.ip);
  return [...ips];
}

export function nodeIpsOf(node: K8sObject): string[] {
  return asArray(node.status?.addresses).flatMap((a) =>
    (a.type === 'InternalIP' || a.type === 'ExternalIP') && typeof a.address === 'string' ? [a.address] : [],
  );
}

/** The objects of one cluster an address may belong to. Missing kinds are simply not searched. */
export interface AddressBook {
  cluster: string;
  pods?: K8sObject[];
  services?: K8sObject[];
  nodes?: K8sObject[];
}

export interface AddressOwner {
  cluster: string;
  kind: 'Pod' | 'Service' | 'Node';
  namespace?: string;
  name: string;
  /** "Pod IP", "ClusterIP", "LoadBalancer IP", "external IP", "node IP". */
  role: string;
}

/** Every object in the books that owns `ip`. Host-network pods share their node's IP: skipped. */
export function ownersOf(ip: string, books: AddressBook[]): AddressOwner[] {
  const out: AddressOwner[] = [];
  for (const book of books) {
    for (const svc of book.services ?? []) {
      const ns = svc.metadata.namespace;
      const ext = serviceExternalAddresses(svc);
      if (clusterIpsOf(svc).includes(ip)) out.push({ cluster: book.cluster, kind: 'Service', namespace: ns, name: svc.metadata.name, role: 'ClusterIP' });
      if (ext.lbIps.includes(ip)) out.push({ cluster: book.cluster, kind: 'Service', namespace: ns, name: svc.metadata.name, role: 'LoadBalancer IP' });
      if (ext.externalIps.includes(ip)) out.push({ cluster: book.cluster, kind: 'Service', namespace: ns, name: svc.metadata.name, role: 'external IP' });
    }
    for (const pod of book.pods ?? []) {
      if (pod.spec?.hostNetwork === true || pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') continue;
      if (podIpsOf(pod).includes(ip)) out.push({ cluster: book.cluster, kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, role: 'Pod IP' });
    }
    for (const node of book.nodes ?? []) {
      if (nodeIpsOf(node).includes(ip)) out.push({ cluster: book.cluster, kind: 'Node', name: node.metadata.name, role: 'node IP' });
    }
  }
  return out;
}

/** "the Pod IP of istio-system/istiod-x in hosted-cp" */
export function describeOwner(o: AddressOwner): string {
  const ref = o.namespace ? `${o.namespace}/${o.name}` : o.name;
  const what = o.kind === 'Service' ? `Service ${ref}` : o.kind === 'Node' ? `node ${ref}` : ref;
  return `the ${o.role} of ${what} in ${o.cluster}`;
}

/** "10.0.0.1 is the Pod IP of ns/x in c1" or "10.0.0.1 belongs to no Pod, Service or node we read". */
export function describeAddress(ip: string, books: AddressBook[]): string {
  const owners = ownersOf(ip, books);
  if (owners.length === 0) {
    const where = [...new Set(books.map((b) => b.cluster))].join(' or ');
    return `${ip} belongs to no Pod, Service or node of ${where}`;
  }
  return `${ip} is ${owners.map(describeOwner).join(' and ')}`;
}
