// General: a cluster that runs the mesh's istiod (primary, control-plane, co-located remote)
// needs it Ready, and the sidecar injector webhook must reach a Service with ready endpoints —
// otherwise new pods start without a sidecar, or are rejected when the webhook fails closed.
// On a control-plane cluster the hosted istiod and its LoadBalancer Service are what matter.

import type { Evidence } from '../domain/finding.ts';
import type { K8sObject } from '../domain/k8s-object.ts';
import type { Snapshot } from '../k8s/snapshot.ts';
import { readyServiceIps } from './lib/addresses.ts';
import { hostedIstiodPods } from './lib/control-plane-address.ts';
import { diagnosePod, isFinished } from './lib/gateway-pods.ts';
import { hostedIstiodPrefix, hostedLbName, hostsIstiod } from './lib/mesh-topology.ts';
import { evidenceOf, findObject, isPodReady, matchesLabels } from './lib/objects.ts';
import { type Check, type CheckContext, type CheckResult, pass, skipped } from './types.ts';

const INJECTOR_SUFFIX = 'sidecar-injector.istio.io';
/** A non-ready istiod replica younger than this may just be rolling out. */
const ROLLOUT_GRACE_MS = 5 * 60 * 1000;

export const check: Check = {
  id: 'control-plane-health',
  title: 'istiod and the sidecar injector are healthy',
  description: 'istiod (or the hosted istiod of a control-plane cluster) has Ready pods, and the sidecar injector webhook points at a Service with ready endpoints.',
  severity: 'critical',
  playbook: 'control-plane-health',
  sources: [],
  reads: ['deployments.apps', 'pods', 'services', 'endpoints', 'endpointslices.discovery.k8s.io', 'mutatingwebhookconfigurations.admissionregistration.k8s.io'],
  run,
};

function run(snapshot: Snapshot, ctx: CheckContext): CheckResult[] {
  if (!hostsIstiod(ctx.cluster)) return [skipped(`${ctx.cluster.name} is a remote cluster: its istiod runs in ${ctx.cluster.controlPlane ?? 'its control-plane cluster'}`)];
  const pods = snapshot.list('pods');
  const deployments = istiodDeployments(snapshot.list('deployments.apps'), ctx);
  const results: CheckResult[] = [];
  const notes: string[] = [];
  if (deployments.length === 0) results.push(noIstiod(ctx, snapshot, pods));
  for (const d of deployments) {
    const r = deploymentHealth(ctx, d, pods);
    if (typeof r === 'string') notes.push(r);
    else results.push(r);
  }
  if (ctx.cluster.role === 'control-plane' || ctx.cluster.controlPlane === ctx.cluster.name) {
    const r = hostedLbHealth(snapshot, ctx);
    if (typeof r === 'string') notes.push(r);
    else results.push(r);
  }
  const hooks = injectorHealth(snapshot, ctx);
  notes.push(...hooks.notes);
  results.push(...hooks.results);
  if (results.length > 0) return results;
  return [pass(notes.join('; '))];
}

/** Hosted istiod where the cluster hosts the mesh's control plane; istiod Deployments otherwise. */
function istiodDeployments(deployments: K8sObject[], ctx: CheckContext): K8sObject[] {
  if (ctx.cluster.role === 'control-plane') {
    return deployments.filter((d) => d.metadata.name.startsWith(hostedIstiodPrefix(ctx.cluster.mesh)));
  }
  return deployments.filter((d) => {
    const labels = { ...(d.metadata.labels ?? {}), ...((d.spec?.template?.metadata?.labels ?? {}) as Record<string, string>) };
    return labels.app === 'istiod' || labels.istio === 'pilot' || /^istiod(-|$)/.test(d.metadata.name);
  });
}

function noIstiod(ctx: CheckContext, snapshot: Snapshot, pods: K8sObject[]): CheckResult {
  const hosted = ctx.cluster.role === 'control-plane';
  const looseHosted = hosted ? hostedIstiodPods(pods, snapshot.list('services'), ctx.cluster.mesh) : [];
  const what = hosted ? `no hosted istiod Deployment (${hostedIstiodPrefix(ctx.cluster.mesh)}*) for mesh ${ctx.cluster.mesh}` : 'no istiod Deployment';
  return {
    status: 'fail',
    summary: `${ctx.cluster.name} has ${what}${looseHosted.length > 0 ? ` (but ${looseHosted.length} hosted istiod pod(s) without one)` : ''}: no control plane serves its proxies`,
    evidence: [{ cluster: ctx.cluster.name, kind: 'Deployment', namespace: 'istio-system', name: hosted ? `${hostedIstiodPrefix(ctx.cluster.mesh)}` : 'istiod', field: 'metadata.name', value: 'not found' }],
  };
}

function podsOf(d: K8sObject, pods: K8sObject[]): K8sObject[] {
  const selector = (d.spec?.selector?.matchLabels ?? {}) as Record<string, string>;
  if (Object.keys(selector).length === 0) return [];
  return pods.filter((p) => p.metadata.namespace === d.metadata.namespace && !isFinished(p) && matchesLabels(p.metadata.labels ?? {}, selector));
}

/** A note string when healthy, a result when not. */
function deploymentHealth(ctx: CheckContext, d: K8sObject, pods: K8sObject[]): CheckResult | string {
  const ref = `${d.metadata.namespace}/${d.metadata.name}`;
  const wanted = typeof d.spec?.replicas === 'number' ? d.spec.replicas : 1;
  const own = podsOf(d, pods);
  const ready = own.filter(isPodReady);
  const cluster = ctx.cluster.name;
  if (wanted === 0) {
    return { status: 'fail', summary: `istiod Deployment ${ref} in ${cluster} is scaled to 0 replicas`, evidence: [evidenceOf(cluster, d, 'spec.replicas', '0')] };
  }
  const notReady = own.filter((p) => !isPodReady(p));
  const diagnoses = notReady.map((p) => ({ pod: p, d: diagnosePod(cluster, p, []) }));
  const evidence: Evidence[] = [evidenceOf(cluster, d, 'status.readyReplicas', `${ready.length}/${wanted}`), ...diagnoses.flatMap((x) => x.d.evidence)];
  const detail = diagnoses.map((x) => `${x.pod.metadata.name}: ${x.d.problems.join(', ')}`).join('; ');
  if (ready.length === 0) {
    return {
      status: 'fail',
      summary: `istiod ${ref} in ${cluster} has no Ready pod (${own.length} pod${own.length === 1 ? '' : 's'}${detail ? `; ${detail}` : ''}): proxies get no configuration and new pods no sidecar`,
      evidence,
    };
  }
  const stuck = diagnoses.filter((x) => x.d.problems.length > 1 || olderThan(x.pod, ctx.now, ROLLOUT_GRACE_MS));
  if (stuck.length > 0) {
    return { status: 'warn', severity: 'medium', summary: `istiod ${ref} in ${cluster}: ${ready.length}/${own.length} pods Ready; ${detail}`, evidence };
  }
  return `istiod ${ref} ${ready.length}/${wanted} Ready`;
}

function olderThan(pod: K8sObject, now: Date, ms: number): boolean {
  const t = Date.parse(String(pod.status?.startTime ?? pod.metadata.creationTimestamp ?? ''));
  return Number.isNaN(t) || now.getTime() - t > ms;
}

function hostedLbHealth(snapshot: Snapshot, ctx: CheckContext): CheckResult | string {
  const name = hostedLbName(ctx.cluster.mesh);
  const svc = findObject(snapshot.list('services'), 'istio-system', name);
  const cluster = ctx.cluster.name;
  if (!svc) {
    return {
      status: 'fail',
      summary: `${cluster} hosts mesh ${ctx.cluster.mesh}'s control plane but has no Service istio-system/${name}: workload clusters have no address for istiod`,
      evidence: [{ cluster, kind: 'Service', namespace: 'istio-system', name, field: 'metadata.name', value: 'not found' }],
    };
  }
  const ips = readyServiceIps(snapshot.list('endpoints'), snapshot.list('endpointslices.discovery.k8s.io'), 'istio-system', name);
  if (ips.length === 0) {
    return {
      status: 'fail',
      summary: `Service istio-system/${name} in ${cluster} has no ready endpoints: the hosted istiod behind it is down or its selector matches no Ready pod`,
      evidence: [evidenceOf(cluster, svc, 'spec.selector', JSON.stringify(svc.spec?.selector ?? {}))],
    };
  }
  return `${name} has ${ips.length} ready endpoint${ips.length > 1 ? 's' : ''}`;
}

interface WebhookTarget {
  config: K8sObject;
  webhook: string;
  namespace: string;
  name: string;
  failurePolicy: string;
}

function injectorTargets(configs: K8sObject[]): WebhookTarget[] {
  return configs.flatMap((config) =>
    (Array.isArray(config.webhooks) ? config.webhooks : []).flatMap((w: { name?: string; failurePolicy?: string; clientConfig?: { service?: { namespace?: string; name?: string } } }) => {
      const svc = w.clientConfig?.service;
      if (!w.name?.endsWith(INJECTOR_SUFFIX) || !svc?.namespace || !svc.name) return [];
      return [{ config, webhook: w.name, namespace: svc.namespace, name: svc.name, failurePolicy: w.failurePolicy ?? 'Fail' }];
    }),
  );
}

/** One verdict per injector Service, however many webhooks (rev, namespace, object) point at it. */
function injectorHealth(snapshot: Snapshot, ctx: CheckContext): { results: CheckResult[]; notes: string[] } {
  const targets = injectorTargets(snapshot.list('mutatingwebhookconfigurations.admissionregistration.k8s.io'));
  const cluster = ctx.cluster.name;
  const results: CheckResult[] = [];
  const notes: string[] = [];
  const byService = new Map<string, WebhookTarget[]>();
  for (const t of targets) byService.set(`${t.namespace}/${t.name}`, [...(byService.get(`${t.namespace}/${t.name}`) ?? []), t]);
  for (const [ref, group] of byService) {
    const first = group[0]!;
    const configs = [...new Set(group.map((t) => t.config.metadata.name))].join(', ');
    const svc = findObject(snapshot.list('services'), first.namespace, first.name);
    const failClosed = group.some((t) => t.failurePolicy === 'Fail');
    const effect = failClosed ? 'pod creation in injected namespaces is rejected' : 'new pods start without a sidecar';
    const evidence = group.map((t) => evidenceOf(cluster, t.config, `webhooks[${t.webhook}].clientConfig.service`, `${ref} (failurePolicy ${t.failurePolicy})`));
    if (!svc) {
      results.push({ status: 'fail', summary: `Sidecar injector ${configs} in ${cluster} calls Service ${ref}, which does not exist: ${effect}`, evidence });
      continue;
    }
    const ips = readyServiceIps(snapshot.list('endpoints'), snapshot.list('endpointslices.discovery.k8s.io'), first.namespace, first.name);
    if (ips.length === 0) {
      results.push({ status: 'fail', summary: `Sidecar injector ${configs} in ${cluster} calls Service ${ref}, which has no ready endpoints: ${effect}`, evidence: [...evidence, evidenceOf(cluster, svc, 'endpoints', 'none ready')] });
      continue;
    }
    notes.push(`injector ${configs} -> ${ref} (${ips.length} ready)`);
  }
  if (targets.length === 0) notes.push('no sidecar injector webhook with a Service in this cluster');
  return { results, notes };
}
