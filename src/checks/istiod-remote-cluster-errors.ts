// Seed 002: when a remote secret is present but istiod cannot use it, istiod says why, once per
// secret change: "Failed to add remote cluster from secret=... for cluster_id=...: <error>".
// istiod does not retry until the secret changes, so a failure stays current until a later line
// shows that cluster added (or its secret deleted); a failure followed by success is history.

import type { Evidence } from '../domain/finding.ts';
import type { K8sObject } from '../domain/k8s-object.ts';
import { isIstiodPod } from '../k8s/log-targets.ts';
import type { Snapshot } from '../k8s/snapshot.ts';
import { isFinished } from './lib/gateway-pods.ts';
import { timeSpan } from './lib/log-window.ts';
import { logEvidence } from './lib/objects.ts';
import { quoteLine } from './lib/pod-logs.ts';
import { parseRemoteClusterLine } from './lib/remote-cluster-log.ts';
import { type Check, type CheckContext, type CheckResult, pass, skipped } from './types.ts';

const CONTAINER = 'discovery';

export const check: Check = {
  id: 'istiod-remote-cluster-errors',
  title: 'istiod can add its remote clusters',
  description: 'istiod logs show no unresolved "Failed to add remote cluster from secret ..." (or newer equivalents) for any remote secret.',
  severity: 'high',
  playbook: 'remote-secrets',
  sources: ['002_557e5a8cb0948b31.txt'],
  reads: ['pods'],
  readsLogs: true,
  run,
};

interface Problem {
  pod: K8sObject;
  cluster: string;
  secret?: string;
  kind: 'failure' | 'duplicate';
  error?: string;
  lines: string[];
}

function run(snapshot: Snapshot, ctx: CheckContext): CheckResult[] {
  const istiods = snapshot.list('pods').filter((p) => isIstiodPod(p) && !isFinished(p));
  if (istiods.length === 0) return [skipped(`No istiod pods in ${ctx.cluster.name}`)];
  const read = istiods.filter((p) => snapshot.log(p.metadata.namespace ?? '', p.metadata.name, CONTAINER) !== undefined);
  if (read.length === 0) return [noLogs(snapshot, ctx, istiods)];
  const problems = read.flatMap((pod) => problemsOf(pod, snapshot.log(pod.metadata.namespace ?? '', pod.metadata.name, CONTAINER) ?? []));
  if (problems.length === 0) {
    return [pass(`discovery logs of ${read.length} istiod pod${read.length > 1 ? 's' : ''} in ${ctx.cluster.name} show no unresolved remote-cluster errors`)];
  }
  return mergeAcrossPods(problems).map((p) => toResult(ctx, p));
}

/** Unresolved problems of one istiod log, by remote cluster: the last word on each cluster wins. */
function problemsOf(pod: K8sObject, lines: string[]): Problem[] {
  const open = new Map<string, Problem>();
  for (const line of lines) {
    const e = parseRemoteClusterLine(line);
    if (!e) continue;
    if (e.kind === 'success' || e.kind === 'deleted') {
      open.delete(`failure|${e.cluster}`);
      continue;
    }
    const key = `${e.kind}|${e.cluster}`;
    const p = open.get(key) ?? { pod, cluster: e.cluster, kind: e.kind, lines: [] };
    if (e.secret) p.secret = e.secret;
    if (e.error) p.error = e.error;
    p.lines.push(line);
    open.set(key, p);
  }
  return [...open.values()];
}

interface Merged {
  first: Problem;
  /** The same problem as logged by each istiod replica. */
  perPod: Problem[];
}

/** Several istiod replicas log the same failure: one finding per remote cluster and kind. */
function mergeAcrossPods(problems: Problem[]): Merged[] {
  const merged = new Map<string, Merged>();
  for (const p of problems) {
    const key = `${p.kind}|${p.cluster}|${p.secret ?? ''}`;
    const m = merged.get(key) ?? { first: p, perPod: [] };
    m.perPod.push(p);
    merged.set(key, m);
  }
  return [...merged.values()];
}

function toResult(ctx: CheckContext, m: Merged): CheckResult {
  const p = m.first;
  const lines = m.perPod.flatMap((x) => x.lines);
  const pods = m.perPod.map((x) => `${x.pod.metadata.namespace}/${x.pod.metadata.name}`).join(', ');
  const from = p.secret ? ` from secret ${p.secret}` : '';
  const span = timeSpan(lines);
  const times = `${lines.length} time${lines.length > 1 ? 's' : ''}${span ? `, ${span}` : ''}`;
  // The last line of each replica proves it; earlier repeats add nothing.
  const evidence: Evidence[] = m.perPod.map((x) =>
    logEvidence(ctx.cluster.name, x.pod.metadata.namespace ?? '', x.pod.metadata.name, CONTAINER, quoteLine(x.lines.at(-1) ?? '', 400)),
  );
  if (p.kind === 'duplicate') {
    return {
      status: 'warn',
      severity: 'medium',
      summary: `istiod (${pods}) ignored remote cluster ${p.cluster}${from}: it is already registered by another secret (${times})`,
      evidence,
    };
  }
  return {
    status: 'fail',
    summary: `istiod (${pods}) failed to add remote cluster ${p.cluster}${from}: ${p.error ?? 'unknown error'} (${times}); it will not retry until the secret changes`,
    evidence,
  };
}

function noLogs(snapshot: Snapshot, ctx: CheckContext, istiods: K8sObject[]): CheckResult {
  const failures = snapshot.logFailures().filter((f) => f.log?.container === CONTAINER && istiods.some((p) => p.metadata.name === f.log?.pod));
  if (failures.length === 0) return skipped(`No discovery log of the ${istiods.length} istiod pod(s) in ${ctx.cluster.name} was read`);
  return {
    status: 'error',
    summary: `Could not read the discovery logs of istiod in ${ctx.cluster.name}: ${failures[0]!.message}`,
    evidence: failures.map((f) => ({ cluster: ctx.cluster.name, kind: 'Pod', namespace: f.log?.namespace ?? '', name: f.log?.pod ?? '', field: `log[${CONTAINER}]`, value: f.message })),
  };
}
