// Seeds 001 and 002: LoadBalancer Services stay <pending> when nothing in the cluster implements
// them (no MetalLB, no cloud controller). The east-west gateway then has no address for other
// networks, and hosted meshes cannot publish istiod. The summary says which implementation, if
// any, the cluster has, because "install MetalLB" and "MetalLB is out of addresses" differ.

import type { Evidence } from '../domain/finding.ts';
import type { K8sObject } from '../domain/k8s-object.ts';
import type { Snapshot } from '../k8s/snapshot.ts';
import { serviceExternalAddresses } from './lib/addresses.ts';
import { eventsOf } from './lib/events.ts';
import { detectLoadBalancerImplementations } from './lib/lb-implementations.ts';
import { evidenceOf } from './lib/objects.ts';
import { type Check, type CheckContext, type CheckResult, pass, skipped } from './types.ts';

/** A LoadBalancer younger than this may simply not be provisioned yet. */
const PROVISIONING_GRACE_MS = 2 * 60 * 1000;

export const check: Check = {
  id: 'loadbalancer-pending',
  title: 'LoadBalancer Services have an address',
  description: 'LoadBalancer Services without status.loadBalancer.ingress, and whether the cluster has any LoadBalancer implementation (MetalLB, cloud provider, kube-vip, ...).',
  severity: 'high',
  playbook: 'loadbalancer-pending',
  sources: ['001_c88ccf11a5ff41e7.txt', '002_557e5a8cb0948b31.txt'],
  reads: ['services', 'pods', 'nodes', 'namespaces', 'events', 'customresourcedefinitions.apiextensions.k8s.io'],
  run,
};

function run(snapshot: Snapshot, ctx: CheckContext): CheckResult[] {
  const lbs = snapshot.list('services').filter((s) => s.spec?.type === 'LoadBalancer');
  if (lbs.length === 0) return [skipped(`No LoadBalancer Services in ${ctx.cluster.name}`)];
  const impl = detectLoadBalancerImplementations(snapshot);
  const pending = lbs.filter((s) => !hasAddress(s) && !isYoung(s, ctx.now));
  if (pending.length === 0) {
    const manual = lbs.filter((s) => serviceExternalAddresses(s).externalIps.length > 0 && !hasLbAddress(s)).length;
    const note = manual > 0 ? ` (${manual} through spec.externalIPs)` : '';
    return [pass(`All ${lbs.length} LoadBalancer Service${lbs.length > 1 ? 's have' : ' has'} an address${note}; ${impl.summary}`)];
  }
  const events = snapshot.list('events');
  return pending.map((svc) => pendingResult(ctx, svc, impl, events));
}

function hasLbAddress(svc: K8sObject): boolean {
  const ext = serviceExternalAddresses(svc);
  return ext.lbIps.length > 0 || ext.lbHostnames.length > 0;
}

/** spec.externalIPs set by hand is Istio's documented way around a missing LoadBalancer. */
function hasAddress(svc: K8sObject): boolean {
  return hasLbAddress(svc) || serviceExternalAddresses(svc).externalIps.length > 0;
}

function isYoung(svc: K8sObject, now: Date): boolean {
  const created = Date.parse(String(svc.metadata.creationTimestamp ?? ''));
  return !Number.isNaN(created) && now.getTime() - created < PROVISIONING_GRACE_MS;
}

function pendingResult(
  ctx: CheckContext,
  svc: K8sObject,
  impl: ReturnType<typeof detectLoadBalancerImplementations>,
  events: K8sObject[],
): CheckResult {
  const ref = `${svc.metadata.namespace}/${svc.metadata.name}`;
  const evidence: Evidence[] = [evidenceOf(ctx.cluster.name, svc, 'status.loadBalancer.ingress', '[] (EXTERNAL-IP <pending>)')];
  const lbClass = typeof svc.spec?.loadBalancerClass === 'string' ? svc.spec.loadBalancerClass : undefined;
  if (lbClass) evidence.push(evidenceOf(ctx.cluster.name, svc, 'spec.loadBalancerClass', lbClass));
  const warnings = eventsOf(events, 'Service', svc).filter((e) => e.type === 'Warning');
  for (const e of warnings.slice(-2)) evidence.push(evidenceOf(ctx.cluster.name, e, String(e.reason ?? 'message'), String(e.message ?? '')));
  evidence.push(...impl.evidence);
  const lastWarning = warnings.at(-1);
  const cause = lastWarning?.message ? `; last event: ${String(lastWarning.message).slice(0, 160)}` : '';
  const classNote = lbClass ? ` (loadBalancerClass ${lbClass}: only a controller for that class will serve it)` : '';
  const critical = svc.metadata.namespace === 'istio-system';
  return {
    status: 'fail',
    severity: critical ? 'high' : 'medium',
    summary: `LoadBalancer Service ${ref} has no external address${classNote}: ${impl.summary}${cause}`,
    evidence,
  };
}
