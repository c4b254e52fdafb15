// Seed 003: a DestinationRule subset selects `version: v1`, the only workload behind the Service
// has no `version` label, the subset is empty and the gateway answers 503 UH. Add the missing
// labels to that Deployment's pod template (merged with the labels there; the selector is never
// touched), and only when exactly one Deployment can be that workload: with two candidates we
// cannot know which version a pod is, and a wrong guess would send traffic to the wrong release.

import type { Finding, RemediationProposal } from '../domain/finding.ts';
import type { K8sObject } from '../domain/k8s-object.ts';
import type { K8sClient } from '../k8s/client.ts';
import { findResourceType } from '../k8s/resources.ts';
import { defineRemediation } from './define.ts';
import {
  buildPlan,
  describeTarget,
  isRefusal,
  movedSince,
  podCount,
  proposalOf,
  readTarget,
  refuse,
  replicasOf,
  targetNow,
} from './plan-support.ts';
import type { FieldChange, PlanContext, PlanOutcome, Refusal } from './types.ts';

const ID = 'add-subset-label';
const LIST_PAGE = 500;

function stringMap(v: unknown): Record<string, string> | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const entries = Object.entries(v);
  return entries.every(([, x]) => typeof x === 'string') ? (Object.fromEntries(entries) as Record<string, string>) : undefined;
}

function templateLabels(d: K8sObject): Record<string, string> {
  return stringMap(d.spec?.template?.metadata?.labels) ?? {};
}

function matches(labels: Record<string, string>, selector: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/** The labels the check proposed: spec.template.metadata.labels of its patch. */
function proposedLabels(proposal: RemediationProposal): Record<string, string> | undefined {
  const patch = proposal.patch as { spec?: { template?: { metadata?: { labels?: unknown } } } } | undefined;
  const labels = stringMap(patch?.spec?.template?.metadata?.labels);
  return labels && Object.keys(labels).length > 0 ? labels : undefined;
}

function manualSteps(namespace: string, labels: Record<string, string>): string[] {
  const patch = JSON.stringify({ spec: { template: { metadata: { labels } } } });
  return [
    `Decide which workload in namespace ${namespace} runs the pods the subset should select.`,
    `Add ${Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',')} to its pod template only, e.g. kubectl -n ${namespace} patch deployment <name> --type merge -p '${patch}'. Never change spec.selector.`,
    'Fold the change back into the manifests or chart the workload is deployed from.',
  ];
}

async function listDeployments(client: K8sClient, namespace: string): Promise<K8sObject[]> {
  const type = findResourceType('apps', 'deployments');
  if (!type) throw new Error('deployments.apps missing from the resource table');
  const out: K8sObject[] = [];
  let token: string | undefined;
  do {
    const page = await client.listPage(type, { namespace, limit: LIST_PAGE, continue: token });
    out.push(...page.items);
    token = page.continue;
  } while (token);
  return out;
}

/**
 * Exactly one Deployment whose pod template matches the Service's selector, and it is the target.
 * The Service comes from the finding's evidence; its selector is read now.
 */
async function onlyCandidate(finding: Finding, ctx: PlanContext, target: RemediationProposal['target'], labels: Record<string, string>): Promise<Refusal | undefined> {
  const namespace = target.namespace ?? '';
  const serviceEvidence = finding.evidence.find((e) => e.kind === 'Service' && e.cluster === finding.cluster && e.namespace === namespace);
  if (!serviceEvidence) return refuse(ID, 'the finding names no Service in the workload\'s namespace: cannot tell which workloads are candidates', manualSteps(namespace, labels));
  const service = await readTarget(ctx.client, ID, { cluster: finding.cluster, apiVersion: 'v1', kind: 'Service', namespace, name: serviceEvidence.name });
  if (isRefusal(service)) return service;
  const selector = stringMap(service.spec?.selector) ?? {};
  if (Object.keys(selector).length === 0) return refuse(ID, `Service ${namespace}/${serviceEvidence.name} has no selector`, manualSteps(namespace, labels));
  const candidates = (await listDeployments(ctx.client, namespace)).filter((d) => matches(templateLabels(d), selector));
  if (candidates.length === 1 && candidates[0]!.metadata.name === target.name) return undefined;
  const names = candidates.map((d) => d.metadata.name).join(', ') || 'none';
  return refuse(
    ID,
    `${candidates.length} Deployments in ${namespace} match Service ${serviceEvidence.name}'s selector (${names}); an automatic fix needs exactly one, ${target.name}`,
    manualSteps(namespace, labels),
  );
}

async function plan(finding: Finding, ctx: PlanContext): Promise<PlanOutcome> {
  const proposal = proposalOf(finding, ID);
  if (isRefusal(proposal)) return proposal;
  const { target } = proposal;
  const labels = proposedLabels(proposal);
  if (target.kind !== 'Deployment' || !target.namespace) return refuse(ID, `${ID} patches Deployments only, not ${target.kind}`, manualSteps(target.namespace ?? '', labels ?? {}));
  if (!labels) return refuse(ID, 'the proposal names no labels to add');
  const current = await readTarget(ctx.client, ID, target);
  if (isRefusal(current)) return current;
  const moved = movedSince(ID, target.resourceVersion, current, target);
  if (moved) return moved;
  const existing = templateLabels(current);
  const conflicting = Object.entries(labels).filter(([k, v]) => existing[k] !== undefined && existing[k] !== v);
  if (conflicting.length > 0) {
    return refuse(ID, `the pod template already has ${conflicting.map(([k]) => `${k}=${existing[k]}`).join(', ')}: mesh-medic never overwrites a label value`, manualSteps(target.namespace, labels));
  }
  const changes: FieldChange[] = Object.entries(labels)
    .filter(([k]) => existing[k] === undefined)
    .map(([k, v]) => ({ path: ['spec', 'template', 'metadata', 'labels', k], before: undefined, after: v }));
  if (changes.length === 0) return refuse(ID, `${describeTarget(target)} already carries the labels`);
  const notOnlyOne = await onlyCandidate(finding, ctx, target, labels);
  if (notOnlyOne) return notOnlyOne;
  const replicas = replicasOf(current);
  return buildPlan({
    remediation: ID,
    title: `Add ${Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',')} to the pod template of ${target.namespace}/${target.name}`,
    target: targetNow(proposal, current),
    changes,
    blastRadius: `Rolls ${podCount(replicas)} of ${target.namespace}/${target.name} (a normal rolling update); the selector is unchanged.`,
    namespaces: [target.namespace],
    reason: proposal.reason,
    notes: ['Fold the label back into the manifests or chart this Deployment comes from, or the next deploy removes it again.'],
    verification: { kind: 'check', check: finding.check },
  });
}

export const remediation = defineRemediation({
  id: ID,
  title: 'Add the label a DestinationRule subset needs to its workload\'s pod template',
  answers: ['subset-no-endpoints'],
  permissions: [
    { apiGroup: 'apps', resource: 'deployments', verbs: ['get', 'list', 'patch'] },
    { apiGroup: '', resource: 'services', verbs: ['get'] },
  ],
  plan,
});
