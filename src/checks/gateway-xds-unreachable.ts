// Seed 000: the gateway's istio-proxy log repeats "StreamAggregatedResources gRPC config stream
// to xds-grpc closed ... dial tcp 10.233.48.75:15012: i/o timeout". This check groups recent such
// lines by the address dialled and says what that address is (the istiod-remote ClusterIP, whose
// endpoint is a Pod IP of another cluster, ...), so the reader goes straight to the cause.

import type { Evidence } from '../domain/finding.ts';
import type { K8sObject } from '../domain/k8s-object.ts';
import type { Snapshot } from '../k8s/snapshot.ts';
import { type AddressBook, describeAddress, endpointSetsOfService, ownersOf } from './lib/addresses.ts';
import { gatewayPods } from './lib/gateway-pods.ts';
import { isRecent, timeSpan } from './lib/log-window.ts';
import { quoteLine } from './lib/pod-logs.ts';
import { logEvidence } from './lib/objects.ts';
import { parseXdsFailure, type XdsFailure } from './lib/xds-log.ts';
import { type Check, type CheckContext, type CheckResult, pass, skipped } from './types.ts';

const PROXY = 'istio-proxy';
/** One dial error can be an istiod restart; two or more recent ones are an outage. */
const MIN_FAILURES = 2;

export const check: Check = {
  id: 'gateway-xds-unreachable',
  title: 'Gateways can reach istiod (xDS)',
  description: "Gateway proxy logs show the xDS stream to istiod failing (dial timeouts, refused connections); names the address dialled and what it belongs to.",
  severity: 'critical',
  playbook: 'hosted-control-plane-address',
  sources: ['000_027c005dae3c2be1.txt'],
  reads: ['pods', 'services', 'endpoints', 'endpointslices.discovery.k8s.io'],
  peerReads: ['pods', 'services'],
  readsLogs: true,
  run,
};

interface Group {
  failure: XdsFailure;
  lines: { pod: K8sObject; line: string }[];
}

function run(snapshot: Snapshot, ctx: CheckContext): CheckResult[] {
  const gateways = gatewayPods(snapshot.list('pods'));
  if (gateways.length === 0) return [skipped(`No gateway pods in ${ctx.cluster.name}`)];
  const read = gateways.filter((p) => snapshot.log(p.metadata.namespace ?? '', p.metadata.name, PROXY) !== undefined);
  if (read.length === 0) return [noLogs(snapshot, ctx, gateways)];
  const groups = groupFailures(snapshot, ctx, read);
  const failing = groups.filter((g) => g.lines.length >= MIN_FAILURES);
  if (failing.length === 0) {
    const isolated = groups.reduce((n, g) => n + g.lines.length, 0);
    const note = isolated > 0 ? `; ${isolated} isolated xDS error${isolated > 1 ? 's' : ''}, not repeated` : '';
    return [pass(`Recent istio-proxy logs of ${read.length} gateway pod${read.length > 1 ? 's' : ''} show no failing xDS connection to istiod${note}`)];
  }
  const books = addressBooks(snapshot, ctx);
  return failing.map((g) => failure(snapshot, ctx, g, books));
}

function groupFailures(snapshot: Snapshot, ctx: CheckContext, pods: K8sObject[]): Group[] {
  const groups = new Map<string, Group>();
  for (const pod of pods) {
    for (const line of snapshot.log(pod.metadata.namespace ?? '', pod.metadata.name, PROXY) ?? []) {
      if (!isRecent(line, ctx.now)) continue;
      const f = parseXdsFailure(line);
      if (!f) continue;
      const key = `${f.target}|${f.reason}`;
      const group = groups.get(key) ?? { failure: f, lines: [] };
      group.lines.push({ pod, line });
      groups.set(key, group);
    }
  }
  return [...groups.values()];
}

function addressBooks(snapshot: Snapshot, ctx: CheckContext): AddressBook[] {
  const own: AddressBook = { cluster: snapshot.cluster, pods: snapshot.list('pods'), services: snapshot.list('services') };
  const peers = [...ctx.peers.entries()].map(([name, s]) => ({ cluster: name, pods: s.tryList('pods'), services: s.tryList('services') }));
  return [own, ...peers];
}

function failure(snapshot: Snapshot, ctx: CheckContext, g: Group, books: AddressBook[]): CheckResult {
  const pods = [...new Set(g.lines.map((l) => `${l.pod.metadata.namespace}/${l.pod.metadata.name}`))];
  const f = g.failure;
  const span = timeSpan(g.lines.map((l) => l.line));
  const what = f.ip ? `; ${describeTarget(snapshot, f.ip, books)}` : '';
  const summary =
    `Gateway${pods.length > 1 ? 's' : ''} ${pods.join(', ')} cannot reach istiod: ${g.lines.length} xDS connection failures ` +
    `to ${f.target} (${f.reason})${span ? ` ${span}` : ''}${what}`;
  return { status: 'fail', summary, evidence: [...lineEvidence(ctx, g), ...targetEvidence(snapshot, ctx, f, books)] };
}

/** First and last failing line of each pod: enough to prove it, short enough to read. */
function lineEvidence(ctx: CheckContext, g: Group): Evidence[] {
  const out: Evidence[] = [];
  const byPod = new Map<K8sObject, string[]>();
  for (const l of g.lines) byPod.set(l.pod, [...(byPod.get(l.pod) ?? []), l.line]);
  for (const [pod, lines] of byPod) {
    const picked = lines.length > 1 ? [lines[0]!, lines.at(-1)!] : lines;
    for (const line of picked) out.push(logEvidence(ctx.cluster.name, pod.metadata.namespace ?? '', pod.metadata.name, PROXY, quoteLine(line, 400)));
  }
  return out;
}

/** "10.0.0.5 is the ClusterIP of Service ns/x in c1, whose endpoints are 10.1.1.1 (the Pod IP ...)". */
function describeTarget(snapshot: Snapshot, ip: string, books: AddressBook[]): string {
  const base = describeAddress(ip, books);
  const svc = ownersOf(ip, books).find((o) => o.cluster === snapshot.cluster && o.kind === 'Service' && o.role === 'ClusterIP');
  if (!svc?.namespace) return base;
  const ips = endpointIps(snapshot, svc.namespace, svc.name);
  if (ips.length === 0) return `${base}, which has no endpoint addresses`;
  const described = ips.map((e) => {
    const owners = describeAddress(e, books);
    return owners.startsWith(`${e} is `) ? `${e} (${owners.slice(e.length + 4)})` : e;
  });
  return `${base}, whose endpoint${ips.length > 1 ? 's are' : ' is'} ${described.join(', ')}`;
}

function endpointIps(snapshot: Snapshot, namespace: string, name: string): string[] {
  const sets = endpointSetsOfService(snapshot.list('endpoints'), snapshot.list('endpointslices.discovery.k8s.io'), namespace, name);
  return [...new Set(sets.flatMap((s) => s.addresses.map((a) => a.ip)))];
}

function targetEvidence(snapshot: Snapshot, ctx: CheckContext, f: XdsFailure, books: AddressBook[]): Evidence[] {
  if (!f.ip) return [];
  return ownersOf(f.ip, books).map((o) => ({
    cluster: o.cluster,
    kind: o.kind,
    ...(o.namespace ? { namespace: o.namespace } : {}),
    name: o.name,
    field: o.role,
    value: o.kind === 'Service' && o.cluster === ctx.cluster.name && o.namespace ? `${f.ip} -> endpoints ${endpointIps(snapshot, o.namespace, o.name).join(',') || 'none'}` : f.ip!,
  }));
}

function noLogs(snapshot: Snapshot, ctx: CheckContext, gateways: K8sObject[]): CheckResult {
  const failures = snapshot.logFailures().filter((f) => f.log?.container === PROXY && gateways.some((p) => p.metadata.name === f.log?.pod));
  if (failures.length === 0) return skipped(`No istio-proxy log of the ${gateways.length} gateway pod(s) in ${ctx.cluster.name} was read`);
  return {
    status: 'error',
    summary: `Could not read the istio-proxy logs of the gateway pods in ${ctx.cluster.name}: ${failures[0]!.message}`,
    evidence: failures.map((f) => ({ cluster: ctx.cluster.name, kind: 'Pod', namespace: f.log?.namespace ?? '', name: f.log?.pod ?? '', field: 'log[istio-proxy]', value: f.message })),
  };
}
