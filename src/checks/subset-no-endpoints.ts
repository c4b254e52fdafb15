// Seed 003: a VirtualService routes to subset v1, the DestinationRule defines v1 as `version: v1`,
// but the pods carry no `version` label, so Envoy's cluster `outbound|80|v1|review...` is empty and
// the gateway answers 503 "no healthy upstream". istioctl (IST0173) and Kiali (KIA0203) look for
// any matching pod; we count READY pods of the host Service (EndpointSlices), in its namespace or
// in another cluster of the mesh, name the missing label, and say whether anything routes there.

import type { Evidence, RemediationProposal } from '../domain/finding.ts';
import type { K8sObject } from '../domain/k8s-object.ts';
import type { Snapshot } from '../k8s/snapshot.ts';
import { sliceSet, slicesOfService } from './lib/addresses.ts';
import {
  findService,
  type HostRef,
  type RouteDestination,
  resolveHost,
  routesToSubset,
  type ServiceHostRef,
  serviceFqdn,
} from './lib/istio-hosts.ts';
import { LabelIndex, lookupObject } from './lib/lookup.ts';
import { evidenceOf, isPodReady, labelsOf, matchesLabels } from './lib/objects.ts';
import { describeWorkload, groupByWorkload, isFinished, isTerminating, listSome, plural, type WorkloadRef } from './lib/workloads.ts';
import { type Check, type CheckContext, type CheckResult, pass, skipped } from './types.ts';

const NODE_TOPOLOGY_LABELS = ['topology.kubernetes.io/region', 'topology.kubernetes.io/zone', 'topology.istio.io/subzone'];

interface Subset {
  name: string;
  labels: Record<string, string>;
  index: number;
}

/** Everything one subset evaluation needs, read once per run. */
interface World {
  cluster: string;
  services: K8sObject[];
  pods: K8sObject[];
  slices: K8sObject[];
  replicasets: K8sObject[];
  deployments: K8sObject[];
  virtualServices: K8sObject[];
  nodes: K8sObject[];
  ctx: CheckContext;
  /** Per-run caches: every subset of every DestinationRule asks the same questions of the same
   *  pods and Services, and scanning all of them per subset is quadratic at 20,000 pods. */
  podLabels: Map<K8sObject, Record<string, string>>;
  /** Pods by namespace and by (topology-augmented) label pairs. */
  podIndex: LabelIndex;
  /** Ready endpoint IPs of a Service from its EndpointSlices; null when it has no slices. */
  readyIps: Map<K8sObject, Set<string> | null>;
}

/** The `add-subset-label` proposal for one empty subset, and the labels it adds. */
interface LabelFix {
  proposal: RemediationProposal;
  labels: Record<string, string>;
}

/** A subset that selects no ready pod, with what we learnt about why. */
interface EmptySubset {
  dr: K8sObject;
  host: ServiceHostRef;
  service: K8sObject;
  subset: Subset;
  routes: RouteDestination[];
  /** Pods of the Service (its selector only), grouped by workload. */
  workloads: { workload: WorkloadRef; pods: K8sObject[] }[];
  /** Pods matching selector + subset labels that exist but are not ready. */
  notReady: K8sObject[];
}

export const check: Check = {
  id: 'subset-no-endpoints',
  title: 'DestinationRule subsets select ready pods',
  description:
    'Every DestinationRule subset selects at least one ready pod of its host Service (here or in another cluster of the mesh); an empty subset makes Envoy answer 503 UH "no healthy upstream".',
  severity: 'critical',
  playbook: 'subset-no-endpoints',
  sources: ['003_87f8f8ea8e0ba1af.txt'],
  reads: [
    'destinationrules.networking.istio.io',
    'virtualservices.networking.istio.io',
    'services',
    'pods',
    'endpointslices.discovery.k8s.io',
    'replicasets.apps',
    'deployments.apps',
    'nodes',
  ],
  peerReads: ['services', 'pods'],
  run,
};

function run(snapshot: Snapshot, ctx: CheckContext): CheckResult[] {
  const world = readWorld(snapshot, ctx);
  const rules = snapshot.list('destinationrules.networking.istio.io').filter((dr) => subsetsOf(dr).length > 0);
  if (rules.length === 0) return [skipped('No DestinationRule defines subsets in this cluster')];

  const results: CheckResult[] = [];
  const verified: string[] = [];
  const notVerifiable: string[] = [];
  const empty: EmptySubset[] = [];
  for (const dr of rules) {
    const outcome = evaluateRule(world, dr);
    results.push(...outcome.results);
    verified.push(...outcome.verified);
    notVerifiable.push(...outcome.notVerifiable);
    empty.push(...outcome.empty);
  }
  const proposals = proposeLabels(world, empty);
  results.push(...empty.map((e) => emptySubsetResult(world, e, proposals.get(e))));
  if (results.length > 0) return results;
  if (verified.length === 0) return [skipped(`No subset of a Kubernetes Service to verify: ${listSome(notVerifiable)}`)];
  const note = notVerifiable.length > 0 ? ` (not verifiable here: ${listSome(notVerifiable)})` : '';
  return [pass(`Every DestinationRule subset selects ready pods: ${listSome(verified)}${note}`)];
}

function readWorld(snapshot: Snapshot, ctx: CheckContext): World {
  const world: World = {
    cluster: snapshot.cluster,
    services: snapshot.list('services'),
    pods: snapshot.list('pods').filter((p) => !isFinished(p) && !isTerminating(p)),
    slices: snapshot.list('endpointslices.discovery.k8s.io'),
    replicasets: snapshot.list('replicasets.apps'),
    deployments: snapshot.list('deployments.apps'),
    virtualServices: snapshot.list('virtualservices.networking.istio.io'),
    nodes: snapshot.list('nodes'),
    ctx,
    podLabels: new Map(),
    podIndex: new LabelIndex([], labelsOf),
    readyIps: new Map(),
  };
  // Topology labels are a superset of the pod's own labels (the pod's win), so this one index
  // yields candidates for both the subset selector and the plain Service selector.
  world.podIndex = new LabelIndex(world.pods, (p) => podLabelsWithTopology(world, p));
  return world;
}

function subsetsOf(dr: K8sObject): Subset[] {
  const list = Array.isArray(dr.spec?.subsets) ? dr.spec.subsets : [];
  return list.flatMap((s: unknown, index: number) => {
    if (typeof s !== 'object' || s === null) return [];
    const { name, labels } = s as { name?: unknown; labels?: unknown };
    if (typeof name !== 'string') return [];
    return [{ name, labels: isStringMap(labels) ? labels : {}, index }];
  });
}

function isStringMap(v: unknown): v is Record<string, string> {
  return typeof v === 'object' && v !== null && Object.values(v).every((x) => typeof x === 'string');
}

interface RuleOutcome {
  results: CheckResult[];
  verified: string[];
  notVerifiable: string[];
  empty: EmptySubset[];
}

function evaluateRule(world: World, dr: K8sObject): RuleOutcome {
  const outcome: RuleOutcome = { results: [], verified: [], notVerifiable: [], empty: [] };
  const ns = dr.metadata.namespace ?? '';
  const rawHost = typeof dr.spec?.host === 'string' ? dr.spec.host : '';
  const host = resolveHost(rawHost, ns);
  const label = `DestinationRule ${ns}/${dr.metadata.name}`;
  if (host.form === 'wildcard' || host.form === 'external') {
    const why = host.form === 'wildcard' ? 'wildcard host' : 'not a Kubernetes Service host (ServiceEntry or external)';
    outcome.notVerifiable.push(`${label} host ${rawHost} (${why})`);
    return outcome;
  }
  if (host.form === 'partial') {
    outcome.results.push(partialHostResult(world, dr, host));
    return outcome;
  }
  const service = findService(world.services, host);
  if (!service) {
    const peer = peerWithService(world, host);
    if (peer) outcome.notVerifiable.push(`${label} host ${rawHost} (Service lives in cluster ${peer})`);
    else outcome.results.push(unknownHostResult(world, dr, host));
    return outcome;
  }
  const selector = selectorOf(service);
  if (Object.keys(selector).length === 0) {
    outcome.notVerifiable.push(`${label} (Service ${host.namespace}/${host.name} has no selector)`);
    return outcome;
  }
  for (const subset of subsetsOf(dr)) {
    const verdict = evaluateSubset(world, dr, host, service, subset);
    if (typeof verdict === 'string') outcome.verified.push(verdict);
    else outcome.empty.push(verdict);
  }
  return outcome;
}

function selectorOf(service: K8sObject): Record<string, string> {
  return isStringMap(service.spec?.selector) ? service.spec.selector : {};
}

/** A short "verified" note, or the EmptySubset to report. */
function evaluateSubset(world: World, dr: K8sObject, host: ServiceHostRef, service: K8sObject, subset: Subset): string | EmptySubset {
  const selector = { ...selectorOf(service), ...subset.labels };
  const matching = world.podIndex
    .candidates(host.namespace, selector)
    .filter((p) => p.metadata.namespace === host.namespace && matchesLabels(podLabelsWithTopology(world, p), selector));
  const ready = matching.filter((p) => isEndpointReady(world, service, p));
  const where = `${subset.name} of ${dr.metadata.namespace}/${dr.metadata.name}`;
  if (ready.length > 0) return `${where} (${plural(ready.length, 'ready pod')})`;
  const peer = peerWithReadyPods(world, host, selector);
  if (peer) return `${where} (ready pods in cluster ${peer})`;
  const servicePods = world.podIndex
    .candidates(host.namespace, selectorOf(service))
    .filter((p) => p.metadata.namespace === host.namespace && matchesLabels(labelsOf(p), selectorOf(service)));
  return {
    dr,
    host,
    service,
    subset,
    routes: routesToSubset(world.virtualServices, host, subset.name),
    workloads: groupByWorkload(servicePods, world.replicasets, world.deployments),
    notReady: matching,
  };
}

/** Istio adds the node's topology labels to endpoint labels, so subsets may select by zone. */
function podLabelsWithTopology(world: World, pod: K8sObject): Record<string, string> {
  let labels = world.podLabels.get(pod);
  if (!labels) {
    labels = topologyLabels(world, pod);
    world.podLabels.set(pod, labels);
  }
  return labels;
}

function topologyLabels(world: World, pod: K8sObject): Record<string, string> {
  const nodeName = typeof pod.spec?.nodeName === 'string' ? pod.spec.nodeName : undefined;
  const node = nodeName ? lookupObject(world.nodes, undefined, nodeName) : undefined;
  if (!node || !nodeName) return labelsOf(pod);
  const extra: Record<string, string> = { 'kubernetes.io/hostname': nodeName };
  for (const key of NODE_TOPOLOGY_LABELS) {
    const value = labelsOf(node)[key];
    if (value !== undefined) extra[key] = value;
  }
  return { ...extra, ...labelsOf(pod) };
}

/** Ready as the Service's EndpointSlices say, or from the pod's Ready condition without slices. */
function isEndpointReady(world: World, service: K8sObject, pod: K8sObject): boolean {
  const ips = readyIpsOf(world, service);
  if (ips === null) return isPodReady(pod);
  const podIp = typeof pod.status?.podIP === 'string' ? pod.status.podIP : undefined;
  return podIp !== undefined && ips.has(podIp);
}

function readyIpsOf(world: World, service: K8sObject): Set<string> | null {
  let ips = world.readyIps.get(service);
  if (ips === undefined) {
    const slices = slicesOfService(world.slices, service.metadata.namespace ?? '', service.metadata.name);
    ips = slices.length === 0 ? null : new Set(slices.flatMap((s) => sliceSet(s).addresses.filter((a) => a.ready).map((a) => a.ip)));
    world.readyIps.set(service, ips);
  }
  return ips;
}

function peerWithService(world: World, host: ServiceHostRef): string | undefined {
  for (const [name, peer] of world.ctx.peers) {
    if (findService(peer.tryList('services') ?? [], host)) return name;
  }
  return undefined;
}

/** Multi-cluster meshes merge endpoints: a subset served only by a peer's pods still works. */
function peerWithReadyPods(world: World, host: ServiceHostRef, selector: Record<string, string>): string | undefined {
  for (const [name, peer] of world.ctx.peers) {
    const pods = peer.tryList('pods') ?? [];
    if (pods.some((p) => p.metadata.namespace === host.namespace && isPodReady(p) && matchesLabels(labelsOf(p), selector))) return name;
  }
  return undefined;
}

/** Peers whose pods could not be read might serve the subset: say so rather than guess. */
function unreadPeersNote(world: World): string {
  const unread = [...world.ctx.peers].filter(([, peer]) => peer.tryList('pods') === undefined).map(([name]) => name);
  return unread.length > 0 ? ` here (pods of ${listSome(unread)} could not be read)` : '';
}

function envoyClusters(e: { service: K8sObject; host: ServiceHostRef; subset: Subset }): string[] {
  const ports: unknown[] = Array.isArray(e.service.spec?.ports) ? e.service.spec.ports : [];
  const numbers = ports.flatMap((p) => (typeof (p as { port?: unknown }).port === 'number' ? [(p as { port: number }).port] : []));
  return numbers.map((port) => `outbound|${port}|${e.subset.name}|${serviceFqdn(e.host)}`);
}

/** Why no pod matches, in words: which workload lacks which label (or has another value). */
function explainEmpty(e: EmptySubset): string {
  if (e.notReady.length > 0) {
    return `${plural(e.notReady.length, 'pod matches', 'pods match')} (${listSome(e.notReady.map((p) => p.metadata.name))}) but none is ready`;
  }
  if (e.workloads.length === 0) {
    return `Service ${e.host.namespace}/${e.host.name} selects no pods at all`;
  }
  const parts = e.workloads.map(({ workload, pods }) => {
    const labels = labelsOf(pods[0]!);
    const gaps = Object.entries(e.subset.labels)
      .filter(([k, v]) => labels[k] !== v)
      .map(([k]) => (labels[k] === undefined ? `no \`${k}\` label` : `${k}=${labels[k]}`));
    return `pods of ${describeWorkload(workload)} have ${gaps.join(' and ')}`;
  });
  return `${parts.join('; ')}; subset ${e.subset.name} needs ${formatLabels(e.subset.labels)}`;
}

function formatLabels(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

function emptySubsetResult(world: World, e: EmptySubset, fix: LabelFix | undefined): CheckResult {
  const clusters = envoyClusters(e);
  const where = `Subset ${e.subset.name} of DestinationRule ${e.dr.metadata.namespace}/${e.dr.metadata.name}`;
  const effect = `${listSome(clusters, 2) || 'its Envoy cluster'} has no endpoints`;
  const routed = e.routes.length > 0;
  const impact = routed
    ? `VirtualService ${listSome([...new Set(e.routes.map((r) => `${r.vs.metadata.namespace}/${r.vs.metadata.name}`))])} routes to it, so ${effect} and requests get 503 UH (no healthy upstream)`
    : `nothing routes to it yet, so no traffic breaks until a route uses it (${effect})`;
  const howToFix = fix
    ? `; proposed fix: add ${formatLabels(fix.labels)} to the pod template of deployment ${fix.proposal.target.namespace}/${fix.proposal.target.name}`
    : e.notReady.length > 0
      ? ''
      : '; no safe automatic fix: add the label to the right workload\'s pod template by hand';
  return {
    status: routed ? 'fail' : 'warn',
    severity: routed ? 'critical' : 'low',
    summary: `${where} selects no ready pod${unreadPeersNote(world)}: ${explainEmpty(e)}; ${impact}${howToFix}`,
    evidence: emptySubsetEvidence(world, e),
    remediation: fix?.proposal ?? null,
  };
}

function emptySubsetEvidence(world: World, e: EmptySubset): Evidence[] {
  const c = world.cluster;
  const evidence: Evidence[] = [
    evidenceOf(c, e.dr, `spec.subsets[${e.subset.index}]`, `name=${e.subset.name} labels=${formatLabels(e.subset.labels) || '(none)'}`),
    evidenceOf(c, e.service, 'spec.selector', formatLabels(selectorOf(e.service))),
    ...e.routes.map((r) => evidenceOf(c, r.vs, r.field, `host=${r.host} subset=${r.subset}`)),
  ];
  for (const { workload, pods } of e.workloads.slice(0, 3)) {
    const pod = pods[0]!;
    const missing = Object.keys(e.subset.labels).filter((k) => labelsOf(pod)[k] !== e.subset.labels[k]);
    const field = missing.length === 1 ? `metadata.labels.${missing[0]}` : 'metadata.labels';
    const value = missing.length === 1 ? (labelsOf(pod)[missing[0]!] ?? '(absent)') : formatLabels(labelsOf(pod));
    evidence.push({ ...evidenceOf(c, pod, field, value) });
    if (workload.object && workload.object !== pod) evidence.push(evidenceOf(c, workload.object, 'spec.template.metadata.labels', formatLabels(templateLabels(workload.object))));
  }
  for (const pod of e.notReady.slice(0, 3)) evidence.push(evidenceOf(c, pod, 'status.conditions[Ready]', readyCondition(pod)));
  return evidence;
}

function readyCondition(pod: K8sObject): string {
  const conditions: { type?: string; status?: string }[] = Array.isArray(pod.status?.conditions) ? pod.status.conditions : [];
  return conditions.find((c) => c.type === 'Ready')?.status ?? 'unknown';
}

function templateLabels(workload: K8sObject): Record<string, string> {
  const labels = workload.spec?.template?.metadata?.labels;
  return isStringMap(labels) ? labels : {};
}

/**
 * `add-subset-label` only when it is unambiguous: the Service's pods all belong to one Deployment,
 * the labels the subset needs are absent from its pod template (never overwrite a value another
 * subset may rely on), and no other empty subset of the same host wants another value of that key.
 */
function proposeLabels(world: World, empty: EmptySubset[]): Map<EmptySubset, LabelFix> {
  const out = new Map<EmptySubset, LabelFix>();
  for (const e of empty) {
    const only = e.workloads.length === 1 ? e.workloads[0]!.workload : undefined;
    if (only?.kind !== 'Deployment' || !only.object || e.notReady.length > 0) continue;
    const template = templateLabels(only.object);
    const missing = Object.entries(e.subset.labels).filter(([k]) => template[k] === undefined);
    if (missing.length === 0 || missing.length !== Object.entries(e.subset.labels).filter(([k, v]) => template[k] !== v).length) continue;
    if (conflictsWithSibling(e, empty, missing)) continue;
    const labels = Object.fromEntries(missing);
    out.set(e, { labels, proposal: labelProposal(world, e, only, labels) });
  }
  return out;
}

function conflictsWithSibling(e: EmptySubset, empty: EmptySubset[], missing: [string, string][]): boolean {
  return empty.some(
    (other) =>
      other !== e &&
      other.host.name === e.host.name &&
      other.host.namespace === e.host.namespace &&
      missing.some(([k, v]) => other.subset.labels[k] !== undefined && other.subset.labels[k] !== v),
  );
}

function labelProposal(world: World, e: EmptySubset, deployment: WorkloadRef, labels: Record<string, string>): RemediationProposal {
  const obj = deployment.object!;
  return {
    id: 'add-subset-label',
    target: {
      cluster: world.cluster,
      apiVersion: obj.apiVersion,
      kind: 'Deployment',
      namespace: deployment.namespace,
      name: deployment.name,
      resourceVersion: obj.metadata.resourceVersion ?? '',
    },
    patchType: 'strategic',
    patch: { spec: { template: { metadata: { labels } } } },
    reason: `Add ${formatLabels(labels)} to the pod template of ${describeWorkload(deployment)} (the only workload behind Service ${e.host.namespace}/${e.host.name}) so subset ${e.subset.name} of DestinationRule ${e.dr.metadata.namespace}/${e.dr.metadata.name} selects its pods; the selector is unchanged and the pods roll.`,
  };
}

function partialHostResult(world: World, dr: K8sObject, host: ServiceHostRef): CheckResult {
  const routed = subsetsOf(dr).flatMap((s) => routesToSubset(world.virtualServices, host, s.name));
  const fqdn = serviceFqdn(host);
  const where = `DestinationRule ${dr.metadata.namespace}/${dr.metadata.name}`;
  const impact = routed.length > 0
    ? `VirtualService ${listSome([...new Set(routed.map((r) => `${r.vs.metadata.namespace}/${r.vs.metadata.name}`))])} routes to its subsets, which therefore do not exist for ${fqdn} (503)`
    : 'nothing routes to its subsets yet';
  return {
    status: routed.length > 0 ? 'fail' : 'warn',
    severity: routed.length > 0 ? 'critical' : 'low',
    summary: `${where} host \`${host.host}\` is neither a short name nor a FQDN: Istio does not expand it, so the rule applies to no Kubernetes Service; ${impact}. Use host ${fqdn}`,
    evidence: [evidenceOf(world.cluster, dr, 'spec.host', host.host), ...routed.map((r) => evidenceOf(world.cluster, r.vs, r.field, `host=${r.host} subset=${r.subset}`))],
  };
}

function peersNote(world: World): string {
  const peers = [...world.ctx.peers.keys()];
  return peers.length > 0 ? ` nor in ${listSome(peers)}` : '';
}

function unknownHostResult(world: World, dr: K8sObject, host: ServiceHostRef): CheckResult {
  const routed = subsetsOf(dr).flatMap((s) => routesToSubset(world.virtualServices, host as HostRef, s.name));
  const where = `DestinationRule ${dr.metadata.namespace}/${dr.metadata.name}`;
  const impact = routed.length > 0
    ? `VirtualService ${listSome([...new Set(routed.map((r) => `${r.vs.metadata.namespace}/${r.vs.metadata.name}`))])} routes to its subsets, so those requests fail`
    : 'its subsets have no endpoints anywhere';
  return {
    status: routed.length > 0 ? 'fail' : 'warn',
    severity: routed.length > 0 ? 'critical' : 'low',
    summary: `${where} host ${host.host} names Service ${host.namespace}/${host.name}, which does not exist in this cluster${peersNote(world)}; ${impact}`,
    evidence: [evidenceOf(world.cluster, dr, 'spec.host', host.host), ...routed.map((r) => evidenceOf(world.cluster, r.vs, r.field, `host=${r.host} subset=${r.subset}`))],
  };
}
