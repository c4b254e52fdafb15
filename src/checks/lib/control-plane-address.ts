// Where a remote cluster's proxies must find istiod (the address `istio-system/istiod-remote`
// must hold), derived from the registry and the control-plane cluster's snapshot:
//   - controlPlane is a `control-plane` cluster: the LoadBalancer IP of istiod-<mesh>-hosted-lb;
//   - controlPlane is a `primary` (primary-remote): the east-west gateway's external address;
//   - controlPlane is the cluster itself (co-located): the hosted istiod pod IPs.

import type { Evidence } from '../../domain/finding.ts';
import type { K8sObject } from '../../domain/k8s-object.ts';
import type { Snapshot } from '../../k8s/snapshot.ts';
import type { CheckContext, CheckResult } from '../types.ts';
import { type AddressBook, podIpsOf, serviceExternalAddresses } from './addresses.ts';
import { isEastWestService, isFinished } from './gateway-pods.ts';
import { findCluster, hostedIstiodPrefix, hostedLbName, listPeer } from './mesh-topology.ts';
import { evidenceOf, matchesLabels } from './objects.ts';

export interface ExpectedAddress {
  /** Acceptable IPs (any of them is right). */
  ips: string[];
  /** Acceptable host names (LoadBalancers that publish only a hostname). */
  hostnames: string[];
  /** "the LoadBalancer IP 10.6.0.20 of istiod-ywistio-hosted-lb in hosted-cp" */
  description: string;
  /** The object the expectation comes from. */
  evidence: Evidence[];
  /** Objects of the clusters involved, to say what a wrong address actually is. */
  books: AddressBook[];
}

export type Expectation = { ok: true; expected: ExpectedAddress } | { ok: false; result: CheckResult };

const SYSTEM_NS = 'istio-system';

function cannot(summary: string, evidence: Evidence[] = []): Expectation {
  return { ok: false, result: { status: 'error', summary, evidence } };
}

export function expectedControlPlaneAddress(snapshot: Snapshot, ctx: CheckContext): Expectation {
  const self = ctx.cluster;
  const cpName = self.controlPlane;
  if (!cpName) return cannot(`Cluster ${self.name} is registered as remote without a controlPlane: cannot tell where istiod should be`);
  if (cpName === self.name) return colocated(snapshot, ctx);
  const cp = findCluster(ctx, cpName);
  if (!cp) return cannot(`controlPlane ${cpName} of ${self.name} is not a registered cluster`);
  if (cp.role === 'control-plane') return hostedLb(snapshot, ctx, cpName);
  if (cp.role === 'primary') return eastWest(snapshot, ctx, cpName);
  return cannot(`controlPlane ${cpName} of ${self.name} is itself a remote cluster: it runs no istiod`);
}

function ownBook(snapshot: Snapshot): AddressBook {
  return { cluster: snapshot.cluster, pods: snapshot.tryList('pods'), services: snapshot.tryList('services') };
}

/** Read only when a wrong address must be named: all of a peer's pods and services cost a full read. */
function peerBook(ctx: CheckContext, peer: string): AddressBook {
  return {
    cluster: peer,
    get services() {
      return ctx.peers.get(peer)?.tryList('services');
    },
    get pods() {
      return ctx.peers.get(peer)?.tryList('pods');
    },
  };
}

/** Pods behind the hosted-lb Service (by its selector), else pods named istiod-<mesh>-hosted-*. */
export function hostedIstiodPods(pods: K8sObject[], services: K8sObject[], meshId: string): K8sObject[] {
  const lb = services.find((s) => s.metadata.namespace === SYSTEM_NS && s.metadata.name === hostedLbName(meshId));
  const selector = lb?.spec?.selector as Record<string, string> | undefined;
  const live = pods.filter((p) => !isFinished(p));
  if (selector && Object.keys(selector).length > 0) {
    return live.filter((p) => p.metadata.namespace === SYSTEM_NS && matchesLabels(p.metadata.labels ?? {}, selector));
  }
  return live.filter((p) => p.metadata.name.startsWith(`${hostedIstiodPrefix(meshId)}-`));
}

function colocated(snapshot: Snapshot, ctx: CheckContext): Expectation {
  const mesh = ctx.cluster.mesh;
  const pods = hostedIstiodPods(snapshot.list('pods'), snapshot.list('services'), mesh);
  const withIp = pods.filter((p) => podIpsOf(p).length > 0);
  if (withIp.length === 0) {
    return cannot(
      `${ctx.cluster.name} hosts its own control plane, but no hosted istiod pod (${hostedIstiodPrefix(mesh)}-* in ${SYSTEM_NS}) with a Pod IP was found`,
    );
  }
  const ips = withIp.flatMap(podIpsOf);
  const names = withIp.map((p) => `${p.metadata.namespace}/${p.metadata.name}`);
  return {
    ok: true,
    expected: {
      ips,
      hostnames: [],
      description: `the Pod IP ${ips.join(', ')} of the hosted istiod pod${names.length > 1 ? 's' : ''} ${names.join(', ')} (control plane co-located in ${ctx.cluster.name})`,
      evidence: withIp.map((p) => evidenceOf(ctx.cluster.name, p, 'status.podIP', podIpsOf(p).join(','))),
      books: [ownBook(snapshot)],
    },
  };
}

function hostedLb(snapshot: Snapshot, ctx: CheckContext, cpName: string): Expectation {
  const why = `the istiod-remote address of ${ctx.cluster.name}`;
  const services = listPeer(ctx, cpName, 'services', why, SYSTEM_NS);
  if (!services.ok) return { ok: false, result: services.result };
  const name = hostedLbName(ctx.cluster.mesh);
  const lb = services.value.find((s) => s.metadata.namespace === SYSTEM_NS && s.metadata.name === name);
  if (!lb) {
    return cannot(`Cannot tell where istiod is: Service ${SYSTEM_NS}/${name} does not exist in control-plane cluster ${cpName}`);
  }
  const ext = serviceExternalAddresses(lb);
  const ips = [...ext.lbIps, ...ext.externalIps];
  if (ips.length === 0 && ext.lbHostnames.length === 0) {
    return cannot(
      `Cannot tell where istiod is: Service ${SYSTEM_NS}/${name} in ${cpName} has no LoadBalancer address yet (see loadbalancer-pending on ${cpName})`,
      [evidenceOf(cpName, lb, 'status.loadBalancer.ingress', '[]')],
    );
  }
  const shown = ips[0] ?? ext.lbHostnames[0];
  return {
    ok: true,
    expected: {
      ips,
      hostnames: ext.lbHostnames,
      description: `the LoadBalancer ${ips.length > 0 ? 'IP' : 'hostname'} ${shown} of ${name} in ${cpName}`,
      evidence: [evidenceOf(cpName, lb, 'status.loadBalancer.ingress[0]', [...ips, ...ext.lbHostnames].join(','))],
      books: [ownBook(snapshot), peerBook(ctx, cpName)],
    },
  };
}

function eastWest(snapshot: Snapshot, ctx: CheckContext, cpName: string): Expectation {
  const why = `the istiod-remote address of ${ctx.cluster.name}`;
  // East-west gateways usually live in istio-system; look elsewhere only when none is there.
  const system = listPeer(ctx, cpName, 'services', why, SYSTEM_NS);
  if (!system.ok) return { ok: false, result: system.result };
  const services = system.value.some(isEastWestService) ? system : listPeer(ctx, cpName, 'services', why);
  if (!services.ok) return { ok: false, result: services.result };
  const gateways = services.value.filter(isEastWestService);
  if (gateways.length === 0) {
    return cannot(`Cannot tell where istiod is: primary ${cpName} has no east-west gateway Service (label istio=eastwestgateway) exposing istiod`);
  }
  const withAddress = gateways.map((svc) => ({ svc, ext: serviceExternalAddresses(svc) }));
  const ips = withAddress.flatMap((g) => [...g.ext.lbIps, ...g.ext.externalIps]);
  const hostnames = withAddress.flatMap((g) => g.ext.lbHostnames);
  const first = gateways[0]!;
  if (ips.length === 0 && hostnames.length === 0) {
    return cannot(
      `Cannot tell where istiod is: east-west gateway ${first.metadata.namespace}/${first.metadata.name} in ${cpName} has no external address (see eastwest-gateway on ${cpName})`,
      [evidenceOf(cpName, first, 'status.loadBalancer.ingress', '[]')],
    );
  }
  return {
    ok: true,
    expected: {
      ips,
      hostnames,
      description: `the external address ${ips[0] ?? hostnames[0]} of east-west gateway ${first.metadata.namespace}/${first.metadata.name} in ${cpName}`,
      evidence: withAddress.map((g) => evidenceOf(cpName, g.svc, 'status.loadBalancer.ingress', [...g.ext.lbIps, ...g.ext.externalIps, ...g.ext.lbHostnames].join(',') || '[]')),
      books: [ownBook(snapshot), peerBook(ctx, cpName)],
    },
  };
}
