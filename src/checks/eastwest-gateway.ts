// Seed 002: cross-network traffic enters a network through its east-west gateway
// (istio=eastwestgateway). Missing, not Ready, without an external address (EXTERNAL-IP
// <pending>), or without the 15443 AUTO_PASSTHROUGH Gateway, other networks see only local
// endpoints. In primary-remote installs the same gateway also exposes istiod (15012/15017).

import type { Evidence } from '../domain/finding.ts';
import type { K8sObject } from '../domain/k8s-object.ts';
import type { Snapshot } from '../k8s/snapshot.ts';
import { serviceExternalAddresses } from './lib/addresses.ts';
import { isEastWestService, isFinished } from './lib/gateway-pods.ts';
import { isMultiNetwork, meshPeers, remotesOf } from './lib/mesh-topology.ts';
import { evidenceOf, isPodReady, matchesLabels } from './lib/objects.ts';
import { type Check, type CheckContext, type CheckResult, pass, skipped } from './types.ts';

const CROSS_NETWORK_PORT = 15443;
const ISTIOD_PORTS = [15012, 15017];

export const check: Check = {
  id: 'eastwest-gateway',
  title: 'East-west gateway is present and reachable',
  description:
    'In a multi-network mesh (or a primary exposing istiod to remotes) the east-west gateway exists, is Ready, has an external address, and is configured with a 15443 AUTO_PASSTHROUGH Gateway.',
  severity: 'high',
  playbook: 'eastwest-gateway',
  sources: ['002_557e5a8cb0948b31.txt'],
  reads: ['services', 'pods', 'gateways.networking.istio.io'],
  peerReads: ['services'],
  roles: ['primary', 'remote'],
  run,
};

interface Needs {
  crossNetwork: boolean;
  /** Remotes whose proxies reach this primary's istiod through the gateway. */
  istiodFor: string[];
}

function needsOf(ctx: CheckContext): Needs {
  const istiodFor = ctx.cluster.role === 'primary' ? remotesOf(ctx, ctx.cluster.name).map((c) => c.name) : [];
  return { crossNetwork: isMultiNetwork(ctx), istiodFor };
}

function run(snapshot: Snapshot, ctx: CheckContext): CheckResult[] {
  if (ctx.cluster.role === 'control-plane') return [skipped('Control-plane clusters publish istiod through their hosted LoadBalancer, not an east-west gateway')];
  const needs = needsOf(ctx);
  if (!needs.crossNetwork && needs.istiodFor.length === 0) {
    return [skipped(`Mesh ${ctx.cluster.mesh} is a single network and no remote uses ${ctx.cluster.name}'s istiod: no east-west gateway needed`)];
  }
  const services = snapshot.list('services').filter(isEastWestService);
  if (services.length === 0) return [missing(ctx, needs)];
  const pods = snapshot.list('pods');
  const gateways = snapshot.list('gateways.networking.istio.io');
  const results = services.flatMap((svc) => problemsOf(ctx, svc, pods, gateways, needs));
  if (results.length > 0) return results;
  return [pass(passSummary(services, needs), services.map((s) => evidenceOf(ctx.cluster.name, s, 'status.loadBalancer.ingress', addressesOf(s).join(','))))];
}

function why(ctx: CheckContext, needs: Needs): string {
  const parts: string[] = [];
  if (needs.crossNetwork) parts.push(`other networks cannot reach services in ${ctx.cluster.network ?? ctx.cluster.name}`);
  if (needs.istiodFor.length > 0) parts.push(`remote${needs.istiodFor.length > 1 ? 's' : ''} ${needs.istiodFor.join(', ')} cannot reach istiod`);
  return parts.join(' and ');
}

function missing(ctx: CheckContext, needs: Needs): CheckResult {
  const sharing = needs.istiodFor.length === 0 ? peerGatewayInNetwork(ctx) : undefined;
  if (sharing) return pass(`No east-west gateway in ${ctx.cluster.name}; network ${ctx.cluster.network} is served by ${sharing}`);
  return {
    status: 'fail',
    summary: `No east-west gateway in ${ctx.cluster.name} (no Service labelled istio=eastwestgateway): ${why(ctx, needs)}`,
    evidence: [{ cluster: ctx.cluster.name, kind: 'Service', namespace: 'istio-system', name: 'istio-eastwestgateway', field: 'metadata.labels.istio=eastwestgateway', value: 'no such Service' }],
  };
}

/** One gateway per network suffices: a peer in the same network may carry it. */
function peerGatewayInNetwork(ctx: CheckContext): string | undefined {
  const network = ctx.cluster.network;
  if (!network) return undefined;
  for (const peer of meshPeers(ctx).filter((c) => c.network === network)) {
    const snapshot = ctx.peers.get(peer.name);
    if (!snapshot?.has('services')) continue;
    // istio-system first (a peer's first read); the rest of its Services only when none is there.
    const svc = snapshot.listIn('services', 'istio-system').find(isEastWestService) ?? snapshot.list('services').find(isEastWestService);
    if (svc && addressesOf(svc).length > 0) return `east-west gateway ${svc.metadata.namespace}/${svc.metadata.name} in ${peer.name}`;
  }
  return undefined;
}

function addressesOf(svc: K8sObject): string[] {
  const ext = serviceExternalAddresses(svc);
  return [...ext.lbIps, ...ext.lbHostnames, ...ext.externalIps];
}

function problemsOf(ctx: CheckContext, svc: K8sObject, pods: K8sObject[], gateways: K8sObject[], needs: Needs): CheckResult[] {
  const ref = `${svc.metadata.namespace}/${svc.metadata.name}`;
  const cluster = ctx.cluster.name;
  const out: CheckResult[] = [];
  const fail = (summary: string, evidence: Evidence[], severity?: CheckResult['severity']): void => {
    out.push({ status: 'fail', summary: `East-west gateway ${ref} ${summary}: ${why(ctx, needs)}`, evidence, ...(severity ? { severity } : {}) });
  };
  const selector = (svc.spec?.selector ?? {}) as Record<string, string>;
  const backing = Object.keys(selector).length === 0 ? [] : pods.filter((p) => p.metadata.namespace === svc.metadata.namespace && !isFinished(p) && matchesLabels(p.metadata.labels ?? {}, selector));
  const ready = backing.filter(isPodReady);
  if (ready.length === 0) {
    fail(
      backing.length === 0 ? 'has no pods' : `has no Ready pod (${backing.length} not Ready)`,
      [evidenceOf(cluster, svc, 'spec.selector', JSON.stringify(selector)), ...backing.map((p) => evidenceOf(cluster, p, 'status.conditions[Ready]', 'False'))],
      'critical',
    );
  }
  const addresses = addressesOf(svc);
  if (addresses.length === 0) {
    const pending = svc.spec?.type === 'LoadBalancer';
    fail(
      pending ? 'has no external address (EXTERNAL-IP <pending>)' : `is of type ${svc.spec?.type ?? 'ClusterIP'} with no spec.externalIPs, so Istio cannot learn its address`,
      [evidenceOf(cluster, svc, pending ? 'status.loadBalancer.ingress' : 'spec.type', pending ? '[]' : String(svc.spec?.type ?? 'ClusterIP'))],
      'critical',
    );
  }
  const ports = new Set<number>((Array.isArray(svc.spec?.ports) ? svc.spec.ports : []).map((p: { port?: number }) => p.port));
  const wanted = [...(needs.crossNetwork ? [CROSS_NETWORK_PORT] : []), ...(needs.istiodFor.length > 0 ? ISTIOD_PORTS : [])];
  const missingPorts = wanted.filter((p) => !ports.has(p));
  if (missingPorts.length > 0) {
    fail(`does not expose port${missingPorts.length > 1 ? 's' : ''} ${missingPorts.join(', ')}`, [evidenceOf(cluster, svc, 'spec.ports', [...ports].join(','))]);
  }
  const labels = backing[0]?.metadata.labels ?? selector;
  const selecting = gateways.filter((g) => matchesLabels(labels, (g.spec?.selector ?? {}) as Record<string, string>) && Object.keys(g.spec?.selector ?? {}).length > 0);
  if (needs.crossNetwork && !selecting.some((g) => serves(g, CROSS_NETWORK_PORT, 'AUTO_PASSTHROUGH'))) {
    fail(
      `has no Gateway (networking.istio.io) with a ${CROSS_NETWORK_PORT} server in tls.mode AUTO_PASSTHROUGH selecting it`,
      selecting.length > 0 ? selecting.map((g) => evidenceOf(cluster, g, 'spec.servers', serversText(g))) : [evidenceOf(cluster, svc, 'metadata.labels', JSON.stringify(labels))],
    );
  }
  const istiodMissing = needs.istiodFor.length > 0 ? ISTIOD_PORTS.filter((p) => !selecting.some((g) => serves(g, p))) : [];
  if (istiodMissing.length > 0) {
    fail(
      `has no Gateway server for istiod port${istiodMissing.length > 1 ? 's' : ''} ${istiodMissing.join(', ')} (expose-istiod)`,
      selecting.length > 0 ? selecting.map((g) => evidenceOf(cluster, g, 'spec.servers', serversText(g))) : [evidenceOf(cluster, svc, 'metadata.labels', JSON.stringify(labels))],
    );
  }
  return out;
}

function servers(g: K8sObject): { port?: { number?: number }; tls?: { mode?: string } }[] {
  return Array.isArray(g.spec?.servers) ? g.spec.servers : [];
}

function serves(g: K8sObject, port: number, tlsMode?: string): boolean {
  return servers(g).some((s) => s.port?.number === port && (tlsMode === undefined || s.tls?.mode === tlsMode));
}

function serversText(g: K8sObject): string {
  return servers(g).map((s) => `${s.port?.number ?? '?'}${s.tls?.mode ? ` ${s.tls.mode}` : ''}`).join(', ') || 'none';
}

function passSummary(services: K8sObject[], needs: Needs): string {
  const svc = services[0]!;
  const what = [needs.crossNetwork ? '15443 AUTO_PASSTHROUGH' : '', needs.istiodFor.length > 0 ? `istiod on 15012/15017 for ${needs.istiodFor.join(', ')}` : ''].filter(Boolean).join(' and ');
  return `East-west gateway ${svc.metadata.namespace}/${svc.metadata.name} is Ready at ${addressesOf(svc).join(', ')} and serves ${what}`;
}
