// Seed 002: istiod decides which network a cluster, a gateway and a pod are on from the
// topology.istio.io/network label (istio-system Namespace, east-west gateway Service and pods)
// and from ISTIO_META_NETWORK on proxies. Missing or wrong, istiod sends endpoints of another
// network as if they were local, and cross-network calls time out.

import type { Evidence, RemediationProposal } from '../domain/finding.ts';
import type { K8sObject } from '../domain/k8s-object.ts';
import type { Snapshot } from '../k8s/snapshot.ts';
import { isEastWestService, isFinished } from './lib/gateway-pods.ts';
import { isMultiNetwork } from './lib/mesh-topology.ts';
import { evidenceOf, findObject } from './lib/objects.ts';
import { type Check, type CheckContext, type CheckResult, pass, skipped } from './types.ts';

export const NETWORK_LABEL = 'topology.istio.io/network';
const SYSTEM_NS = 'istio-system';
const MAX_NAMED = 5;

export const check: Check = {
  id: 'network-labels',
  title: 'Network labels match the registered network',
  description:
    'topology.istio.io/network on the istio-system Namespace, the east-west gateway Service and pods, and ISTIO_META_NETWORK on proxies equal the cluster\'s registered network.',
  severity: 'high',
  playbook: 'network-labels',
  sources: ['002_557e5a8cb0948b31.txt'],
  reads: ['namespaces', 'pods', 'services'],
  run,
};

function run(snapshot: Snapshot, ctx: CheckContext): CheckResult[] {
  const network = ctx.cluster.network;
  if (!network) return [skipped(`${ctx.cluster.name} has no registered network in clusters.yaml`)];
  const multi = isMultiNetwork(ctx);
  const results: CheckResult[] = [];
  const ns = findObject(snapshot.list('namespaces'), undefined, SYSTEM_NS);
  if (ns) results.push(...namespaceResult(ctx, ns, network, multi).map((r) => withUnplacedProxies(ctx, r, snapshot.list('pods'))));
  results.push(...gatewayServiceResults(ctx, snapshot.list('services'), network, multi));
  const podResult = podsResult(ctx, snapshot.list('pods'), network);
  if (podResult) results.push(podResult);
  if (results.some((r) => r.status === 'fail' || r.status === 'warn')) return results.filter((r) => r.status !== 'pass');
  const notes = results.map((r) => r.summary).filter(Boolean);
  return [pass(`${ctx.cluster.name} is labelled network ${network} where Istio looks for it${notes.length ? ` (${notes.join('; ')})` : ''}`)];
}

function namespaceResult(ctx: CheckContext, ns: K8sObject, network: string, multi: boolean): CheckResult[] {
  const value = ns.metadata.labels?.[NETWORK_LABEL];
  if (value === network) return [];
  if (value === undefined && !multi) {
    // One network: every endpoint is local anyway, so the missing label changes nothing today.
    return [{ status: 'pass', summary: `istio-system has no ${NETWORK_LABEL} label, harmless while mesh ${ctx.cluster.mesh} has one network` }];
  }
  const state = value === undefined ? `has no ${NETWORK_LABEL} label` : `is labelled ${NETWORK_LABEL}=${value}`;
  return [
    {
      status: 'fail',
      summary: `Namespace ${SYSTEM_NS} in ${ctx.cluster.name} ${state}, but the cluster is registered on network ${network}: istiod places its pods on the wrong network`,
      evidence: [evidenceOf(ctx.cluster.name, ns, `metadata.labels['${NETWORK_LABEL}']`, value ?? '(absent)')],
      remediation: labelNamespace(ctx, ns, network, value),
    },
  ];
}

function labelNamespace(ctx: CheckContext, ns: K8sObject, network: string, previous: string | undefined): RemediationProposal | null {
  const resourceVersion = ns.metadata.resourceVersion;
  if (!resourceVersion) return null;
  return {
    id: 'label-istio-system-network',
    target: { cluster: ctx.cluster.name, apiVersion: 'v1', kind: 'Namespace', name: SYSTEM_NS, resourceVersion },
    patchType: 'merge',
    patch: { metadata: { labels: { [NETWORK_LABEL]: network } } },
    reason:
      `Set ${NETWORK_LABEL}=${network} on ${SYSTEM_NS} (${previous === undefined ? 'currently absent' : `currently ${previous}`}), the network registered for ${ctx.cluster.name}: ` +
      'istiod reads it to decide which network the cluster\'s endpoints are on.',
  };
}

/**
 * Proxies with neither ISTIO_META_NETWORK nor a pod network label fall back to the namespace
 * label: when that is missing or wrong, say how many proxies it misplaces.
 */
function withUnplacedProxies(ctx: CheckContext, r: CheckResult, pods: K8sObject[]): CheckResult {
  if (r.status !== 'fail') return r;
  const unplaced = pods.filter(
    (p) => !isFinished(p) && hasProxy(p) && proxyNetworkEnv(p) === undefined && !p.metadata.labels?.[NETWORK_LABEL],
  );
  if (unplaced.length === 0) return r;
  const names = unplaced.slice(0, 3).map((p) => `${p.metadata.namespace}/${p.metadata.name}`);
  const more = unplaced.length > names.length ? ` and ${unplaced.length - names.length} more` : '';
  return {
    ...r,
    summary: `${r.summary}; ${unplaced.length} prox${unplaced.length > 1 ? 'ies' : 'y'} (${names.join(', ')}${more}) carry no ISTIO_META_NETWORK or network label either, so nothing else tells istiod their network`,
    evidence: [
      ...(r.evidence ?? []),
      ...unplaced.slice(0, 3).map((p) => evidenceOf(ctx.cluster.name, p, 'spec.containers[istio-proxy].env[ISTIO_META_NETWORK]', '(absent)')),
    ],
  };
}

function hasProxy(pod: K8sObject): boolean {
  const containers = Array.isArray(pod.spec?.containers) ? pod.spec.containers : [];
  return containers.some((c: { name?: string }) => c.name === 'istio-proxy');
}

/** istiod finds a network's gateway by the label on the east-west gateway Service. */
function gatewayServiceResults(ctx: CheckContext, services: K8sObject[], network: string, multi: boolean): CheckResult[] {
  return services.filter(isEastWestService).flatMap((svc): CheckResult[] => {
    const value = svc.metadata.labels?.[NETWORK_LABEL];
    if (value === network || (value === undefined && !multi)) return [];
    const state = value === undefined ? `has no ${NETWORK_LABEL} label` : `is labelled ${NETWORK_LABEL}=${value}`;
    return [
      {
        status: 'fail',
        summary: `East-west gateway Service ${svc.metadata.namespace}/${svc.metadata.name} in ${ctx.cluster.name} ${state}, not ${network}: istiod does not use it as the gateway of network ${network}`,
        evidence: [evidenceOf(ctx.cluster.name, svc, `metadata.labels['${NETWORK_LABEL}']`, value ?? '(absent)')],
      },
    ];
  });
}

interface PodMismatch {
  pod: K8sObject;
  evidence: Evidence;
}

/** Pods whose label or proxy env names another network. Absent values fall back to the namespace: fine. */
function podsResult(ctx: CheckContext, pods: K8sObject[], network: string): CheckResult | undefined {
  const mismatches: PodMismatch[] = [];
  for (const pod of pods.filter((p) => !isFinished(p))) {
    const label = pod.metadata.labels?.[NETWORK_LABEL] || undefined;
    if (label !== undefined && label !== network) {
      mismatches.push({ pod, evidence: evidenceOf(ctx.cluster.name, pod, `metadata.labels['${NETWORK_LABEL}']`, label) });
      continue;
    }
    const env = proxyNetworkEnv(pod);
    if (env !== undefined && env !== network) {
      mismatches.push({ pod, evidence: evidenceOf(ctx.cluster.name, pod, 'spec.containers[istio-proxy].env[ISTIO_META_NETWORK]', env) });
    }
  }
  if (mismatches.length === 0) return undefined;
  const names = mismatches.map((m) => `${m.pod.metadata.namespace}/${m.pod.metadata.name} (${m.evidence.value})`);
  const more = names.length > MAX_NAMED ? ` and ${names.length - MAX_NAMED} more` : '';
  return {
    status: 'fail',
    summary: `${mismatches.length} pod${mismatches.length > 1 ? 's' : ''} in ${ctx.cluster.name} claim another network than ${network}: ${names.slice(0, MAX_NAMED).join(', ')}${more}`,
    evidence: mismatches.slice(0, 10).map((m) => m.evidence),
  };
}

function proxyNetworkEnv(pod: K8sObject): string | undefined {
  const containers = Array.isArray(pod.spec?.containers) ? pod.spec.containers : [];
  const proxy = containers.find((c: { name?: string }) => c.name === 'istio-proxy');
  const env = Array.isArray(proxy?.env) ? proxy.env : [];
  const entry = env.find((e: { name?: string; value?: unknown }) => e.name === 'ISTIO_META_NETWORK');
  return typeof entry?.value === 'string' && entry.value !== '' ? entry.value : undefined;
}
