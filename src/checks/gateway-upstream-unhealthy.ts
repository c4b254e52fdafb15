// Seed 003, seen from the edge: the ingress gateway answers 502/503 because the upstream cluster it
// routes to has no healthy endpoint (`UH`, "no healthy upstream"), cannot be connected (`UF`), or
// does not exist (`NR`/`NC`). We read the gateways' own access logs (Istio's default TEXT format or
// JSON), keep the last 15 minutes, and group by Envoy cluster so the finding names the upstream.

import type { Evidence } from '../domain/finding.ts';
import type { K8sObject } from '../domain/k8s-object.ts';
import { isGatewayPod } from '../k8s/log-targets.ts';
import type { Snapshot } from '../k8s/snapshot.ts';
import { type AccessLogEntry, parseAccessLog } from './lib/access-log.ts';
import { logEvidence } from './lib/objects.ts';
import { exactLine, isRecentLine, lineTime, podLog } from './lib/pod-logs.ts';
import { isFinished, listSome, plural } from './lib/workloads.ts';
import { type Check, type CheckContext, type CheckResult, pass, skipped } from './types.ts';

const WINDOW_MS = 15 * 60_000;
const PROXY = 'istio-proxy';
const UPSTREAM_FLAGS: Record<string, string> = {
  UH: 'no healthy upstream',
  UF: 'upstream connection failure',
  NR: 'no route',
  NC: 'no upstream cluster',
};
/** Envoy's debug log for the same condition (seed 003 turned on `upstream=debug` to see it). */
const NO_HEALTHY_TEXT = /no healthy (?:upstream|host for (?:HTTP|TCP) connection pool)/i;
/** A group that recovered is still worth a warning when it failed this often. */
const RECOVERED_WARN_AT = 3;

interface FailureLine {
  pod: K8sObject;
  line: string;
  entry?: AccessLogEntry;
}

interface Group {
  key: string;
  failures: FailureLine[];
  flags: Set<string>;
  codes: Set<number>;
  /** A successful response to the same upstream after the last failure. */
  recovered: boolean;
  /** An Envoy debug line (`no healthy host for HTTP connection pool`) telling the same story. */
  corroboration?: FailureLine;
}

export const check: Check = {
  id: 'gateway-upstream-unhealthy',
  title: 'Gateways reach their upstreams',
  description:
    'Gateway access logs of the last 15 minutes show no 502/503 responses flagged UH (no healthy upstream), UF, NR or NC; failures are grouped by Envoy upstream cluster.',
  severity: 'critical',
  playbook: 'subset-no-endpoints',
  sources: ['003_87f8f8ea8e0ba1af.txt'],
  reads: ['pods'],
  readsLogs: true,
  run,
};

function run(snapshot: Snapshot, ctx: CheckContext): CheckResult[] {
  const gateways = snapshot.list('pods').filter((p) => isGatewayPod(p) && !isFinished(p));
  if (gateways.length === 0) return [skipped('No ingress, east-west or egress gateway pods in this cluster')];
  const logs = gateways.map((p) => podLog(snapshot, p, PROXY, false));
  const read = logs.filter((l) => l.lines !== undefined);
  if (read.length === 0) return [noLogsResult(logs)];

  const groups = new Map<string, Group>();
  let accessLines = 0;
  for (const log of read) {
    for (const line of log.lines ?? []) {
      if (!isRecentLine(line, ctx.now, WINDOW_MS)) continue;
      const entry = parseAccessLog(line);
      if (entry) accessLines++;
      record(groups, log.pod, line, entry);
    }
  }
  const results = foldUnnamed(groups).flatMap((g) => groupResult(snapshot.cluster, g));
  if (results.length > 0) return results;
  const where = `${plural(read.length, 'gateway pod')} (${listSome(read.map((l) => l.pod.metadata.name))})`;
  if (accessLines === 0) {
    return [skipped(`The istio-proxy logs of ${where} hold no access-log lines from the last 15 minutes (access logging off, or no traffic): upstream health cannot be judged from logs`)];
  }
  const unread = logs.filter((l) => l.lines === undefined).map((l) => l.pod.metadata.name);
  const gap = unread.length > 0 ? ` (no log read for ${listSome(unread)})` : '';
  return [pass(`No 502/503 UH/UF/NR/NC responses in ${plural(accessLines, 'access-log line')} of the last 15 minutes from ${where}${gap}`)];
}

/**
 * Envoy's debug lines name no cluster. When access-log lines already name the failing upstream,
 * they are the same failures seen twice: keep them as corroborating evidence of that group.
 */
function foldUnnamed(groups: Map<string, Group>): Group[] {
  const unnamed = groups.get(UNNAMED);
  const named = [...groups.values()].filter((g) => g !== unnamed);
  const target = named.find((g) => g.flags.has('UH') && !g.recovered);
  if (!unnamed || !target) return [...groups.values()];
  target.corroboration = unnamed.failures.at(-1);
  return named;
}

function isFailure(entry: AccessLogEntry): boolean {
  const flagged = entry.flags.some((f) => f in UPSTREAM_FLAGS);
  if (entry.code === 0) return entry.flags.includes('UH') || entry.flags.includes('UF');
  return (entry.code === 502 || entry.code === 503) && (flagged || entry.details === 'no_healthy_upstream');
}

const UNNAMED = '(upstream not named in the log line)';

function groupKey(entry: AccessLogEntry | undefined): string {
  if (!entry) return UNNAMED;
  if (entry.upstreamCluster) return entry.upstreamCluster;
  return entry.authority ? `(no upstream cluster) host ${entry.authority}` : '(no upstream cluster)';
}

function record(groups: Map<string, Group>, pod: K8sObject, line: string, entry: AccessLogEntry | undefined): void {
  const failed = entry ? isFailure(entry) : NO_HEALTHY_TEXT.test(line);
  const key = groupKey(entry);
  if (!failed) {
    // A later success to the same upstream means it recovered (or was never fully down).
    const g = groups.get(key);
    if (g && entry && entry.code > 0 && entry.code < 500) g.recovered = true;
    return;
  }
  const g = groups.get(key) ?? { key, failures: [], flags: new Set<string>(), codes: new Set<number>(), recovered: false };
  g.failures.push({ pod, line, ...(entry ? { entry } : {}) });
  for (const f of entry?.flags ?? ['UH']) if (f in UPSTREAM_FLAGS) g.flags.add(f);
  if (entry) g.codes.add(entry.code);
  g.recovered = false;
  groups.set(key, g);
}

function groupResult(cluster: string, g: Group): CheckResult[] {
  const count = g.failures.length;
  if (g.recovered && count < RECOVERED_WARN_AT) return [];
  const pods = [...new Set(g.failures.map((f) => `${f.pod.metadata.namespace}/${f.pod.metadata.name}`))];
  const codes = [...g.codes].filter((c) => c > 0).join('/') || (g.codes.has(0) ? 'TCP' : '503');
  const flags = [...g.flags].map((f) => `${f} (${UPSTREAM_FLAGS[f]})`).join(', ');
  const last = lineTime(g.failures.at(-1)!.line);
  const when = last ? `, last at ${last.toISOString()}` : '';
  const state = g.recovered ? '; later requests to it succeeded, so it may be intermittent' : '; no successful response to it since';
  return [
    {
      status: g.recovered ? 'warn' : 'fail',
      severity: g.recovered ? 'medium' : 'critical',
      summary: `Gateway ${listSome(pods, 2)} answered ${plural(count, 'request')} with ${codes} ${flags} for ${g.key} in the last 15 minutes${when}${state}`,
      evidence: evidenceFor(cluster, g),
    },
  ];
}

/** The first and the last failing line, and the newest line of each other pod. */
function evidenceFor(cluster: string, g: Group): Evidence[] {
  const picked = new Set<FailureLine>([g.failures[0]!, g.failures.at(-1)!]);
  const seenPods = new Set([...picked].map((f) => f.pod));
  for (let i = g.failures.length - 1; i >= 0 && picked.size < 4; i--) {
    const f = g.failures[i]!;
    if (!seenPods.has(f.pod)) {
      picked.add(f);
      seenPods.add(f.pod);
    }
  }
  if (g.corroboration) picked.add(g.corroboration);
  return [...picked].map((f) => logEvidence(cluster, f.pod.metadata.namespace ?? '', f.pod.metadata.name, PROXY, exactLine(f.line)));
}

function noLogsResult(logs: ReturnType<typeof podLog>[]): CheckResult {
  const failures = logs.flatMap((l) => (l.failure ? [`${l.pod.metadata.name}: ${l.failure.message}`] : []));
  if (failures.length === 0) return skipped(`No istio-proxy log was captured for ${listSome(logs.map((l) => l.pod.metadata.name))}`);
  return { status: 'error', summary: `Could not read the gateway istio-proxy logs: ${listSome(failures, 2)}`, evidence: [] };
}
