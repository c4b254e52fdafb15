// Seed 003's lesson: meshed pods need `app` and `version` labels (or app.kubernetes.io/name and
// app.kubernetes.io/version). Istio names a workload in telemetry from them, and version subsets
// select on them; without them metrics read `unknown`/`latest` and a version subset has nothing to
// select. Labels are hygiene, so this check warns; a missing label that a DestinationRule subset
// selects on (seed 003's root cause) is named with that subset and a higher severity, while
// subset-no-endpoints reports the outage itself.

import type { Evidence } from '../domain/finding.ts';
import type { K8sObject } from '../domain/k8s-object.ts';
import { isGatewayPod } from '../k8s/log-targets.ts';
import type { Snapshot } from '../k8s/snapshot.ts';
import { findService, resolveHost } from './lib/istio-hosts.ts';
import { evidenceOf, hasSidecar, labelsOf, matchesLabels } from './lib/objects.ts';
import {
  describeWorkload,
  groupByWorkload,
  isFinished,
  isSystemNamespace,
  listSome,
  plural,
  type WorkloadRef,
} from './lib/workloads.ts';
import { type Check, type CheckResult, pass, skipped } from './types.ts';

/**
 * Labels a person sets for each role. The injector's own `service.istio.io/canonical-*` labels do
 * not count: it writes them on every pod, falling back to the workload name and `latest`.
 */
const APP_LABELS = ['app.kubernetes.io/name', 'app'];
const VERSION_LABELS = ['app.kubernetes.io/version', 'version'];

export const check: Check = {
  id: 'workload-labels',
  title: 'Meshed workloads carry app and version labels',
  description:
    'Pods with the Istio sidecar outside system namespaces carry an app label (app or app.kubernetes.io/name) and a version label (version or app.kubernetes.io/version); a missing label a DestinationRule subset selects on is named with that subset.',
  severity: 'low',
  playbook: 'workload-labels',
  sources: ['003_87f8f8ea8e0ba1af.txt'],
  reads: ['pods', 'replicasets.apps', 'services', 'destinationrules.networking.istio.io'],
  run,
};

interface Gap {
  workload: WorkloadRef;
  pod: K8sObject;
  missing: string[];
  /** Subsets of DestinationRules for this pod's Service that select on a missing label. */
  neededBy: string[];
}

function run(snapshot: Snapshot): CheckResult[] {
  const meshed = snapshot
    .list('pods')
    .filter((p) => hasSidecar(p) && !isFinished(p) && !isSystemNamespace(p.metadata.namespace) && !isGatewayPod(p));
  if (meshed.length === 0) return [skipped('No meshed workload pods outside the system namespaces')];
  const groups = groupByWorkload(meshed, snapshot.list('replicasets.apps'));
  const subsets = subsetSelectors(snapshot);
  const gaps = groups.flatMap(({ workload, pods }) => gapOf(workload, pods, subsets));
  if (gaps.length === 0) {
    const who = groups.length === 1 ? 'The only meshed workload carries' : `All ${groups.length} meshed workloads carry`;
    return [pass(`${who} app and version labels (${listSome(groups.map((g) => describeWorkload(g.workload)))})`)];
  }
  const needed = gaps.filter((g) => g.neededBy.length > 0);
  const cosmetic = gaps.filter((g) => g.neededBy.length === 0);
  return [...needed.map((g) => neededResult(snapshot.cluster, g)), ...(cosmetic.length > 0 ? [cosmeticResult(snapshot.cluster, cosmetic)] : [])];
}

function neededResult(cluster: string, g: Gap): CheckResult {
  return {
    status: 'warn',
    severity: 'medium',
    summary: `Pods of ${describeWorkload(g.workload)} have no ${g.missing.map((m) => `\`${m}\``).join(' and no ')} label, which ${listSome(g.neededBy)} selects on: that subset cannot reach them (subset-no-endpoints tells whether traffic breaks); add the label to the pod template`,
    evidence: evidenceFor(cluster, g),
  };
}

function cosmeticResult(cluster: string, gaps: Gap[]): CheckResult {
  const list = gaps.map((g) => `${describeWorkload(g.workload)} (no ${g.missing.join(', no ')})`);
  return {
    status: 'warn',
    summary: `${plural(gaps.length, 'meshed workload lacks', 'meshed workloads lack')} Istio's app/version labels, so telemetry shows them as unknown/latest and version subsets cannot select them: ${listSome(list)}`,
    evidence: gaps.flatMap((g) => evidenceFor(cluster, g)),
  };
}

/** A DestinationRule subset, the Service its host names, and the labels it selects on. */
interface SubsetSelector {
  label: string;
  namespace: string;
  serviceSelector: Record<string, string>;
  keys: string[];
}

function subsetSelectors(snapshot: Snapshot): SubsetSelector[] {
  const services = snapshot.list('services');
  return snapshot.list('destinationrules.networking.istio.io').flatMap((dr) => {
    const host = resolveHost(String(dr.spec?.host ?? ''), dr.metadata.namespace ?? '');
    const svc = 'name' in host && host.form !== 'partial' ? findService(services, host) : undefined;
    const selector = svc?.spec?.selector;
    if (!svc || typeof selector !== 'object' || selector === null || Object.keys(selector).length === 0) return [];
    const subsets: { name?: unknown; labels?: unknown }[] = Array.isArray(dr.spec?.subsets) ? dr.spec.subsets : [];
    return subsets.flatMap((subset) => {
      const labels = typeof subset.labels === 'object' && subset.labels !== null ? Object.keys(subset.labels) : [];
      if (labels.length === 0) return [];
      const label = `DestinationRule ${dr.metadata.namespace}/${dr.metadata.name} subset ${String(subset.name)} (${Object.entries(subset.labels as Record<string, string>).map(([k, v]) => `${k}=${v}`).join(',')})`;
      return [{ label, namespace: svc.metadata.namespace ?? '', serviceSelector: selector as Record<string, string>, keys: labels }];
    });
  });
}

/** Roles (`app`, `version`) a subset of this pod's Service selects on with a key the pod lacks. */
function neededBy(pod: K8sObject, missing: string[], subsets: SubsetSelector[]): string[] {
  const labels = labelsOf(pod);
  const roleKeys: Record<string, string[]> = { app: APP_LABELS, version: VERSION_LABELS };
  return subsets
    .filter((s) => s.namespace === pod.metadata.namespace && matchesLabels(labels, s.serviceSelector))
    .filter((s) => missing.some((role) => s.keys.some((k) => roleKeys[role]?.includes(k) && labels[k] === undefined)))
    .map((s) => s.label);
}

/** The first pod lacking a label speaks for its workload (pods of one template share labels). */
function gapOf(workload: WorkloadRef, pods: K8sObject[], subsets: SubsetSelector[]): Gap[] {
  for (const pod of pods) {
    const labels = labelsOf(pod);
    const missing = [
      ...(APP_LABELS.some((k) => labels[k]) ? [] : ['app']),
      ...(VERSION_LABELS.some((k) => labels[k]) ? [] : ['version']),
    ];
    if (missing.length > 0) return [{ workload, pod, missing, neededBy: neededBy(pod, missing, subsets) }];
  }
  return [];
}

function evidenceFor(cluster: string, g: Gap): Evidence[] {
  const labels = Object.entries(labelsOf(g.pod))
    .filter(([k]) => k !== 'pod-template-hash' && !k.startsWith('security.istio.io') && !k.startsWith('service.istio.io'))
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  return [evidenceOf(cluster, g.pod, 'metadata.labels', labels || '(none)')];
}
