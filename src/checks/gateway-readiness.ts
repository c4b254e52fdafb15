// Seed 001: istio-ingressgateway Running but never Ready, the kubelet repeating "Readiness probe
// failed: ... :15021/healthz/ready: connect: connection refused", or crash-looping. A gateway is
// only Ready once istiod configured it, so this is usually a symptom: the summary says so.

import type { Evidence } from '../domain/finding.ts';
import type { K8sObject } from '../domain/k8s-object.ts';
import type { Snapshot } from '../k8s/snapshot.ts';
import { diagnosePod, gatewayClassOfLabels, gatewayPods, readinessFailures } from './lib/gateway-pods.ts';
import { evidenceOf, isPodReady } from './lib/objects.ts';
import { type Check, type CheckContext, type CheckResult, pass, skipped } from './types.ts';

/** A gateway pod younger than this with no failure evidence is still starting, not broken. */
const STARTUP_GRACE_MS = 2 * 60 * 1000;

export const check: Check = {
  id: 'gateway-readiness',
  title: 'Gateway pods are Ready',
  description: 'Ingress, east-west and egress gateway pods are Ready, not crash-looping, and pass their 15021 readiness probe.',
  severity: 'high',
  playbook: 'gateway-readiness',
  sources: ['001_c88ccf11a5ff41e7.txt', '000_027c005dae3c2be1.txt'],
  reads: ['pods', 'events', 'deployments.apps'],
  run,
};

function run(snapshot: Snapshot, ctx: CheckContext): CheckResult[] {
  const pods = gatewayPods(snapshot.list('pods'));
  const events = snapshot.list('events');
  const unscheduled = deploymentsWithoutPods(snapshot.list('deployments.apps'), pods);
  if (pods.length === 0 && unscheduled.length === 0) return [skipped(`No gateway pods or Deployments in ${ctx.cluster.name}`)];
  const results: CheckResult[] = [];
  for (const [key, group] of groupByGateway(pods)) {
    const broken = group.filter((p) => isBroken(p, events, ctx.now));
    if (broken.length > 0) results.push(gatewayFailure(ctx, key, group, broken, events));
  }
  for (const d of unscheduled) results.push(noPods(ctx, d));
  if (results.length > 0) return results;
  const names = [...groupByGateway(pods).keys()];
  const starting = pods.filter((p) => !isPodReady(p)).map((p) => p.metadata.name);
  if (starting.length > 0) {
    return [pass(`${pods.length - starting.length} of ${pods.length} gateway pods Ready (${names.join(', ')}); ${starting.join(', ')} started under 2 minutes ago and shows no failure yet`)];
  }
  return [pass(`All ${pods.length} gateway pod${pods.length > 1 ? 's are' : ' is'} Ready (${names.join(', ')})`)];
}

/** Pods of one gateway: same namespace and same `istio`/`app` label. */
function groupByGateway(pods: K8sObject[]): Map<string, K8sObject[]> {
  const groups = new Map<string, K8sObject[]>();
  for (const p of pods) {
    const labels = p.metadata.labels ?? {};
    const key = `${p.metadata.namespace}/${labels.app ?? labels.istio ?? p.metadata.name}`;
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  return groups;
}

function isBroken(pod: K8sObject, events: K8sObject[], now: Date): boolean {
  const d = diagnosePod('', pod, events);
  if (d.ready) return false;
  const started = Date.parse(String(pod.status?.startTime ?? pod.metadata.creationTimestamp ?? ''));
  const young = !Number.isNaN(started) && now.getTime() - started < STARTUP_GRACE_MS;
  const evidenceOfFailure = d.problems.length > 1 || readinessFailures(events, pod).length > 0;
  return !young || evidenceOfFailure;
}

function gatewayFailure(ctx: CheckContext, key: string, group: K8sObject[], broken: K8sObject[], events: K8sObject[]): CheckResult {
  const evidence: Evidence[] = [];
  const parts: string[] = [];
  for (const pod of broken) {
    const d = diagnosePod(ctx.cluster.name, pod, events);
    const probes = readinessFailures(events, pod);
    const probe = probes.at(-1);
    parts.push(`${pod.metadata.name}: ${d.problems.join(', ')}${probe ? `; ${probeSummary(probe)}` : ''}`);
    evidence.push(...d.evidence);
  }
  const all = broken.length === group.length;
  const cls = gatewayClassOfLabels(group[0]?.metadata.labels ?? {}) ?? 'gateway';
  const head = all
    ? `Gateway ${key} has no Ready pod (${broken.length}/${group.length} not Ready)`
    : `Gateway ${key}: ${broken.length} of ${group.length} pods not Ready`;
  const hint = all ? ` — ${cls === 'ingress' ? 'traffic into the mesh' : cls === 'eastwest' ? 'cross-network traffic' : 'traffic'} through it fails; usually the gateway cannot get its configuration from istiod` : '';
  return { status: 'fail', severity: all ? 'critical' : 'high', summary: `${head}: ${parts.join('; ')}${hint}`, evidence };
}

function probeSummary(e: K8sObject): string {
  const count = typeof e.count === 'number' ? ` (x${e.count})` : '';
  return `${String(e.message).slice(0, 200)}${count}`;
}

/** Gateway Deployments that want replicas but have no pod at all (quota, admission, scheduling). */
function deploymentsWithoutPods(deployments: K8sObject[], pods: K8sObject[]): K8sObject[] {
  return deployments.filter((d) => {
    const labels = (d.spec?.template?.metadata?.labels ?? {}) as Record<string, string>;
    if (!gatewayClassOfLabels(labels)) return false;
    const wanted = typeof d.spec?.replicas === 'number' ? d.spec.replicas : 1;
    if (wanted === 0) return false;
    const selector = (d.spec?.selector?.matchLabels ?? labels) as Record<string, string>;
    return !pods.some(
      (p) => p.metadata.namespace === d.metadata.namespace && Object.entries(selector).every(([k, v]) => p.metadata.labels?.[k] === v),
    );
  });
}

function noPods(ctx: CheckContext, d: K8sObject): CheckResult {
  const conditions = Array.isArray(d.status?.conditions) ? d.status.conditions : [];
  const failing = conditions.find((c: { status?: string; type?: string }) => c.status === 'False' || c.type === 'ReplicaFailure');
  const why = failing?.message ? `: ${failing.message}` : '';
  return {
    status: 'fail',
    severity: 'critical',
    summary: `Gateway Deployment ${d.metadata.namespace}/${d.metadata.name} wants ${d.spec?.replicas ?? 1} replica(s) but has no pods${why}`,
    evidence: [
      evidenceOf(ctx.cluster.name, d, 'status.availableReplicas', String(d.status?.availableReplicas ?? 0)),
      ...(failing ? [evidenceOf(ctx.cluster.name, d, `status.conditions[${failing.type}]`, String(failing.message ?? failing.reason ?? ''))] : []),
    ],
  };
}
