// Pods that should have a sidecar and do not: their namespace is labelled for injection
// (`istio-injection=enabled`, or `istio.io/rev=<rev>` without the legacy label) or the pod asks for
// it (`sidecar.istio.io/inject: "true"`), yet no istio-proxy runs. Like istioctl's IST0103 we skip
// opted-out and hostNetwork pods; we also skip finished pods, say whether the injector webhook
// existed when the pod was created, and catch a namespace whose revision no webhook serves.

import type { Evidence } from '../domain/finding.ts';
import type { K8sObject } from '../domain/k8s-object.ts';
import type { Snapshot } from '../k8s/snapshot.ts';
import { evidenceOf, hasSidecar, labelsOf } from './lib/objects.ts';
import {
  describeWorkload,
  groupByWorkload,
  injectionDisabledOnPod,
  injectionRevision,
  isFinished,
  isHostNetwork,
  isSystemNamespace,
  isTerminating,
  listSome,
  parseTime,
  plural,
} from './lib/workloads.ts';
import { type Check, type CheckResult, pass, skipped } from './types.ts';

const INJECTOR_SUFFIX = 'sidecar-injector.istio.io';

export const check: Check = {
  id: 'sidecar-injection',
  title: 'Pods in injected namespaces have the sidecar',
  description:
    'Every running pod in a namespace labelled for injection (or asking for it) has istio-proxy, unless it opts out or uses the host network; each injection revision is served by a webhook.',
  severity: 'high',
  playbook: 'sidecar-injection',
  sources: [],
  reads: ['namespaces', 'pods', 'mutatingwebhookconfigurations.admissionregistration.k8s.io', 'replicasets.apps'],
  run,
};

/** Why a pod should have been injected: its namespace label, or its own label. */
interface Expectation {
  revision: string;
  because: string;
}

function run(snapshot: Snapshot): CheckResult[] {
  const cluster = snapshot.cluster;
  const namespaces = snapshot.list('namespaces').filter((ns) => !isSystemNamespace(ns.metadata.name));
  const injectors = snapshot.list('mutatingwebhookconfigurations.admissionregistration.k8s.io').filter(isInjector);
  const expected = new Map<string, Expectation>();
  for (const ns of namespaces) {
    const revision = injectionRevision(ns);
    if (revision !== undefined) expected.set(ns.metadata.name, { revision, because: injectionLabel(ns) });
  }
  const candidates = snapshot.list('pods').filter((p) => !isSystemNamespace(p.metadata.namespace) && (expected.has(p.metadata.namespace ?? '') || asksForInjection(p)));
  if (candidates.length === 0) return [skipped('No namespace is labelled for sidecar injection and no pod asks for it')];

  const results: CheckResult[] = [];
  for (const ns of namespaces) {
    const exp = expected.get(ns.metadata.name);
    if (exp && exp.revision !== 'default' && !injectors.some((w) => servesRevision(w, exp.revision))) {
      results.push(unservedRevision(cluster, ns, exp, injectors));
    }
  }
  const eligible = candidates.filter((p) => !injectionDisabledOnPod(p) && !isHostNetwork(p) && !isFinished(p) && !isTerminating(p) && !isAmbient(p));
  const missing = eligible.filter((p) => !hasSidecar(p));
  const groups = groupByWorkload(missing, snapshot.list('replicasets.apps'));
  for (const { workload, pods } of groups) {
    const ns = pods[0]!.metadata.namespace ?? '';
    const exp = expected.get(ns) ?? { revision: 'default', because: 'pod label sidecar.istio.io/inject=true' };
    results.push(missingResult(cluster, describeWorkload(workload), pods, exp, injectors));
  }
  if (results.length > 0) return results;
  const optedOut = candidates.length - eligible.length;
  const note = optedOut > 0 ? ` (${plural(optedOut, 'pod')} opted out, on the host network or finished)` : '';
  const who = eligible.length === 1 ? 'The only pod expected to be injected runs' : `All ${eligible.length} pods expected to be injected run`;
  return [pass(`${who} istio-proxy, in ${listSome([...expected.keys()]) || 'pods asking for it'}${note}`)];
}

function isInjector(mwc: K8sObject): boolean {
  const hooks: { name?: string }[] = Array.isArray(mwc.webhooks) ? (mwc.webhooks as { name?: string }[]) : [];
  return hooks.some((h) => typeof h.name === 'string' && h.name.endsWith(INJECTOR_SUFFIX));
}

function injectionLabel(ns: K8sObject): string {
  const labels = labelsOf(ns);
  return labels['istio-injection'] !== undefined ? `istio-injection=${labels['istio-injection']}` : `istio.io/rev=${labels['istio.io/rev']}`;
}

function asksForInjection(pod: K8sObject): boolean {
  return labelsOf(pod)['sidecar.istio.io/inject'] === 'true';
}

/** Ambient pods are meshed by ztunnel, without a sidecar. */
function isAmbient(pod: K8sObject): boolean {
  return pod.metadata.annotations?.['ambient.istio.io/redirection'] === 'enabled';
}

/** A revision is served by a webhook labelled with it (revision or tag), or selecting on it. */
function servesRevision(mwc: K8sObject, revision: string): boolean {
  const labels = labelsOf(mwc);
  if (labels['istio.io/rev'] === revision || labels['istio.io/tag'] === revision) return true;
  return JSON.stringify(mwc.webhooks ?? []).includes(`"${revision}"`);
}

function unservedRevision(cluster: string, ns: K8sObject, exp: Expectation, injectors: K8sObject[]): CheckResult {
  const served = [...new Set(injectors.map((w) => labelsOf(w)['istio.io/tag'] ?? labelsOf(w)['istio.io/rev'] ?? 'default'))];
  return {
    status: 'fail',
    summary: `Namespace ${ns.metadata.name} is labelled ${exp.because}, but no injector webhook serves revision ${exp.revision} (served: ${listSome(served) || 'none'}): its new pods start without a sidecar`,
    evidence: [evidenceOf(cluster, ns, 'metadata.labels.istio.io/rev', exp.revision), ...injectors.map((w) => evidenceOf(cluster, w, 'metadata.labels.istio.io/rev', labelsOf(w)['istio.io/rev'] ?? '(none)'))],
  };
}

function missingResult(cluster: string, owner: string, pods: K8sObject[], exp: Expectation, injectors: K8sObject[]): CheckResult {
  const ns = pods[0]!.metadata.namespace ?? '';
  const webhookBorn = injectors.map((w) => parseTime(w.metadata.creationTimestamp)).filter((t): t is Date => t !== undefined).sort((a, b) => a.getTime() - b.getTime())[0];
  const before = webhookBorn ? pods.filter((p) => (parseTime(p.metadata.creationTimestamp)?.getTime() ?? Number.POSITIVE_INFINITY) < webhookBorn.getTime()) : [];
  const evidence: Evidence[] = pods.slice(0, 3).map((p) => evidenceOf(cluster, p, 'spec.containers', containerList(p)));
  evidence.push({ cluster, kind: 'Namespace', name: ns, field: 'metadata.labels', value: exp.because });
  for (const w of injectors.slice(0, 2)) evidence.push(evidenceOf(cluster, w, 'metadata.creationTimestamp', String(w.metadata.creationTimestamp ?? '(unknown)')));
  const who = `${plural(pods.length, 'pod')} of ${owner}`;
  if (injectors.length === 0) {
    return { status: 'fail', summary: `${who} run without istio-proxy although ${exp.because} asks for injection: this cluster has no Istio sidecar injector webhook`, evidence };
  }
  if (before.length === pods.length) {
    return {
      status: 'warn',
      severity: 'medium',
      summary: `${who} run without istio-proxy although ${exp.because} asks for injection: they were created before the injector webhook existed; restart them to inject the sidecar`,
      evidence,
    };
  }
  return {
    status: 'fail',
    summary: `${who} run without istio-proxy although ${exp.because} asks for injection and the injector webhook existed when they were created: injection failed (the webhook's failurePolicy may hide errors) or the label came later; fix the injector, then restart them`,
    evidence,
  };
}

function containerList(pod: K8sObject): string {
  const list: { name?: string }[] = Array.isArray(pod.spec?.containers) ? pod.spec.containers : [];
  return list.map((c) => c.name ?? '?').join(',');
}
