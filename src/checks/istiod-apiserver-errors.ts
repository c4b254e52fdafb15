// Seed 004: istiod loses the API server (`Failed to watch *v1.Pod ... dial tcp 10.43.240.1:443:
// connect: connection refused`, or RBAC: `error.*cannot list resource`). Usually transient (an API
// server restarted for an upgrade or a resize) and over by the time someone looks, so we tell
// ongoing from recovered by where the errors stop in the log, and RBAC from connectivity.

import type { K8sObject } from '../domain/k8s-object.ts';
import { isIstiodPod } from '../k8s/log-targets.ts';
import type { Snapshot } from '../k8s/snapshot.ts';
import { logEvidence } from './lib/objects.ts';
import { exactLine, lineTime, newestTime, podLog } from './lib/pod-logs.ts';
import { isFinished, listSome, plural } from './lib/workloads.ts';
import { type Check, type CheckContext, type CheckResult, pass, skipped } from './types.ts';

const CONTAINER = 'discovery';
/** An error this close to the end of the log is still happening. */
const STILL_FAILING_MS = 3 * 60_000;
/** A log whose newest error is older than this (from now) tells of the past. */
const RECENT_MS = 15 * 60_000;
/** Without timestamps: an error among the last lines is still happening. */
const TAIL_LINES = 10;

const API_CONTEXT = /failed to (?:watch|list)|reflector\.go|k8s\.io\/client-go|cannot (?:list|watch|get) resource/i;
const RBAC = /forbidden|cannot (?:list|watch|get) resource/i;
const CONNECTIVITY = /connection refused|i\/o timeout|no route to host|connection reset by peer|tls handshake timeout|context deadline exceeded|client connection lost|server is currently unable to handle/i;

type Kind = 'rbac' | 'connectivity';

interface ErrorLine {
  index: number;
  line: string;
  kind: Kind;
}

export const check: Check = {
  id: 'istiod-apiserver-errors',
  title: 'istiod can watch the Kubernetes API',
  description:
    'istiod discovery logs show no ongoing API-server errors: connectivity (`Failed to watch … connection refused`, i/o timeout) or RBAC (`cannot list resource`); errors that stopped are reported as transient.',
  severity: 'high',
  playbook: 'istiod-apiserver-errors',
  sources: ['004_1361aa5f45758706.txt'],
  reads: ['pods'],
  readsLogs: true,
  run,
};

/** Classifies an istiod log line as an API-server error, or undefined. */
export function classify(line: string): Kind | undefined {
  if (!API_CONTEXT.test(line) && !/error.*cannot list resource/i.test(line)) return undefined;
  if (RBAC.test(line)) return 'rbac';
  if (CONNECTIVITY.test(line)) return 'connectivity';
  return undefined;
}

function run(snapshot: Snapshot, ctx: CheckContext): CheckResult[] {
  const istiods = snapshot.list('pods').filter((p) => isIstiodPod(p) && !isFinished(p));
  if (istiods.length === 0) return [skipped('No istiod pod runs in this cluster (its control plane is elsewhere)')];
  const logs = istiods.map((p) => podLog(snapshot, p, CONTAINER, false));
  const read = logs.filter((l) => l.lines !== undefined);
  if (read.length === 0) {
    const failures = logs.flatMap((l) => (l.failure ? [`${l.pod.metadata.name}: ${l.failure.message}`] : []));
    if (failures.length > 0) return [{ status: 'error', summary: `Could not read the istiod discovery logs: ${listSome(failures, 2)}`, evidence: [] }];
    return [skipped(`No discovery log was captured for ${listSome(istiods.map((p) => p.metadata.name))}`)];
  }
  const results: CheckResult[] = [];
  let lineCount = 0;
  for (const log of read) {
    const lines = log.lines ?? [];
    lineCount += lines.length;
    const errors = lines.flatMap((line, index) => {
      const kind = classify(line);
      return kind ? [{ index, line, kind }] : [];
    });
    const alsoUnreachable = errors.some((e) => e.kind === 'connectivity');
    for (const kind of ['rbac', 'connectivity'] as const) {
      const mine = errors.filter((e) => e.kind === kind);
      if (mine.length > 0) results.push(resultFor(snapshot.cluster, log.pod, lines, mine, kind, ctx.now, alsoUnreachable));
    }
  }
  if (results.length > 0) return results;
  return [pass(`No API-server watch/list errors in ${plural(lineCount, 'line')} of discovery logs of ${listSome(read.map((l) => l.pod.metadata.name))}`)];
}

function isOngoing(lines: string[], errors: ErrorLine[], now: Date): boolean {
  const last = errors.at(-1)!;
  const lastTime = lineTime(last.line);
  const end = newestTime(lines);
  if (!lastTime || !end) return last.index >= lines.length - TAIL_LINES;
  return end.getTime() - lastTime.getTime() <= STILL_FAILING_MS && now.getTime() - lastTime.getTime() <= RECENT_MS;
}

/** `*v1.Pod`, `pods` (group ""), ...: what istiod failed to watch. */
function resources(errors: ErrorLine[]): string[] {
  const out = new Set<string>();
  for (const { line } of errors) {
    const rbac = /cannot (?:list|watch|get) resource "([^"]+)" in API group "([^"]*)"/i.exec(line);
    const watch = /failed to (?:watch|list) (\*?[\w.]+)/i.exec(line);
    if (rbac?.[1]) out.add(rbac[2] ? `${rbac[1]}.${rbac[2]}` : rbac[1]);
    else if (watch?.[1]) out.add(watch[1]);
  }
  return [...out];
}

function addresses(errors: ErrorLine[]): string[] {
  return [...new Set(errors.flatMap(({ line }) => [...line.matchAll(/dial tcp ([[\]0-9a-fA-F.:]+):/g)].map((m) => m[1] ?? '')))].filter(Boolean);
}

/** ClusterRoles the API server says do not exist (`clusterrole... "X" not found`). */
function missingRoles(errors: ErrorLine[]): string[] {
  return [...new Set(errors.flatMap(({ line }) => [...line.matchAll(/clusterrole\.rbac\.authorization\.k8s\.io "([^"]+)" not found/g)].map((m) => m[1] ?? '')))].filter(Boolean);
}

/** Why istiod is forbidden, as precisely as the log lines allow. */
function rbacCause(errors: ErrorLine[], alsoUnreachable: boolean): string {
  const roles = missingRoles(errors);
  const missing = roles.length > 0 ? `ClusterRole ${listSome(roles)} not found` : 'its ClusterRole/binding lacks the verb';
  return alsoUnreachable ? `RBAC: ${missing}, between API-server outages: the restarted API server may not have its RBAC synced yet` : `RBAC: ${missing}`;
}

function resultFor(cluster: string, pod: K8sObject, lines: string[], errors: ErrorLine[], kind: Kind, now: Date, alsoUnreachable: boolean): CheckResult {
  const ongoing = isOngoing(lines, errors, now);
  const who = `istiod ${pod.metadata.namespace}/${pod.metadata.name}`;
  const what = listSome(resources(errors)) || 'its resources';
  const lastTime = lineTime(errors.at(-1)!.line);
  const firstTime = lineTime(errors[0]!.line);
  const span = firstTime && lastTime ? ` between ${firstTime.toISOString()} and ${lastTime.toISOString()}` : '';
  const problem =
    kind === 'rbac'
      ? `is forbidden to list ${what} (${rbacCause(errors, alsoUnreachable)})`
      : `cannot reach the API server${addresses(errors).length > 0 ? ` at ${listSome(addresses(errors))}` : ''} to watch ${what}`;
  const count = `${plural(errors.length, 'error')}${span}`;
  const evidence = [errors[0]!, errors.at(-1)!]
    .filter((e, i, all) => all.indexOf(e) === i)
    .map((e) => logEvidence(cluster, pod.metadata.namespace ?? '', pod.metadata.name, CONTAINER, exactLine(e.line)));
  if (ongoing) {
    const impact = 'istiod serves stale config and endpoints to every proxy until this stops';
    return { status: 'fail', ...(kind === 'rbac' ? {} : { severity: 'critical' as const }), summary: `${who} ${problem}: ${count}, still failing at the end of its log; ${impact}`, evidence };
  }
  const transient =
    kind === 'rbac'
      ? `${who} was briefly forbidden to list ${what}: ${count}, none since (the role was fixed or being updated)`
      : `${who} briefly lost the API server${addresses(errors).length > 0 ? ` at ${listSome(addresses(errors))}` : ''}: ${count}, none since (typical of an API-server restart or upgrade); nothing to do unless it recurs`;
  return pass(transient, evidence);
}
