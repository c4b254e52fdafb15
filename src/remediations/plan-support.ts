// What every remediation's plan() does the same way: find its proposal on the finding, read the
// target now (Secret data dropped on arrival), refuse when the object moved since the diagnosis,
// and assemble the Plan from field changes.

import { isMeshMedicError } from '../domain/errors.ts';
import type { Finding, RemediationProposal, RemediationTarget } from '../domain/finding.ts';
import type { K8sObject } from '../domain/k8s-object.ts';
import type { K8sClient, ObjectRef } from '../k8s/client.ts';
import { describeChange, mergePatchOf } from './changes.ts';
import type { FieldChange, FollowUp, Plan, Refusal, Verification } from './types.ts';

export function refuse(remediation: string, reason: string, manualSteps: string[] = []): Refusal {
  return { kind: 'refusal', remediation, reason, manualSteps };
}

export function freshDiagnosisStep(cluster: string): string {
  return `Run a fresh diagnosis (/mesh diagnose ${cluster}) and review the new proposal.`;
}

export function refOf(target: Omit<RemediationTarget, 'resourceVersion' | 'cluster'>): ObjectRef {
  const ref: ObjectRef = { apiVersion: target.apiVersion, kind: target.kind, name: target.name };
  if (target.namespace !== undefined) ref.namespace = target.namespace;
  return ref;
}

/** `Deployment review/review`, `Namespace istio-system`. */
export function describeTarget(target: Pick<RemediationTarget, 'kind' | 'namespace' | 'name'>): string {
  return `${target.kind} ${target.namespace ? `${target.namespace}/` : ''}${target.name}`;
}

/** A Secret as we may keep it: metadata only. Its data never enters a plan, a log or Redis. */
export function withoutSecretData(obj: K8sObject): K8sObject {
  if (obj.kind !== 'Secret') return obj;
  const { data: _data, stringData: _stringData, ...rest } = obj;
  return rest as K8sObject;
}

/** The proposal this remediation answers on the finding, or a refusal saying why there is none. */
export function proposalOf(finding: Finding, remediation: string): RemediationProposal | Refusal {
  const proposal = finding.remediation;
  if (!proposal) return refuse(remediation, `finding ${finding.check} on ${finding.cluster} proposes no automatic fix`);
  if (proposal.id !== remediation) {
    return refuse(remediation, `finding ${finding.check} proposes ${proposal.id}, not ${remediation}`);
  }
  if (proposal.target.cluster !== finding.cluster) {
    return refuse(remediation, `the proposal targets cluster ${proposal.target.cluster}, but the finding is about ${finding.cluster}`);
  }
  return proposal;
}

export function isRefusal(x: unknown): x is Refusal {
  return typeof x === 'object' && x !== null && (x as { kind?: unknown }).kind === 'refusal';
}

/**
 * The target as the API server has it now. A missing object is a refusal (nothing to fix any
 * more, or someone deleted it); other API errors propagate with their stable codes.
 */
export async function readTarget(
  client: K8sClient,
  remediation: string,
  target: Omit<RemediationTarget, 'resourceVersion'>,
): Promise<K8sObject | Refusal> {
  try {
    return withoutSecretData(await client.getObject(refOf(target)));
  } catch (err) {
    if (isMeshMedicError(err) && err.code === 'K8S_NOT_FOUND') {
      return refuse(remediation, `${describeTarget(target)} no longer exists in ${target.cluster}`, [freshDiagnosisStep(target.cluster)]);
    }
    throw err;
  }
}

/** A refusal when the object moved since the diagnosis read it: the proposal was about another state. */
export function movedSince(remediation: string, expected: string, current: K8sObject, target: RemediationTarget): Refusal | undefined {
  const now = current.metadata.resourceVersion ?? '';
  if (expected !== '' && now === expected) return undefined;
  const why = expected === '' ? 'the diagnosis recorded no resourceVersion for it' : `resourceVersion ${expected} → ${now}`;
  return refuse(
    remediation,
    `${describeTarget(target)} in ${target.cluster} changed since the diagnosis (${why}): the proposal may no longer be right`,
    [freshDiagnosisStep(target.cluster)],
  );
}

export interface PlanParts {
  remediation: string;
  title: string;
  target: RemediationTarget;
  changes: FieldChange[];
  blastRadius: string;
  namespaces: string[];
  reason: string;
  notes?: string[];
  followUps?: FollowUp[];
  verification: Verification;
  undoOf?: string;
}

export function buildPlan(parts: PlanParts): Plan {
  const plan: Plan = {
    kind: 'plan',
    remediation: parts.remediation,
    title: parts.title,
    cluster: parts.target.cluster,
    target: parts.target,
    patchType: 'merge',
    patch: mergePatchOf(parts.changes, 'after'),
    changes: parts.changes,
    diff: parts.changes.map(describeChange),
    blastRadius: parts.blastRadius,
    namespaces: parts.namespaces,
    reason: parts.reason,
    notes: parts.notes ?? [],
    followUps: parts.followUps ?? [],
    verification: parts.verification,
  };
  if (parts.undoOf !== undefined) plan.undoOf = parts.undoOf;
  return plan;
}

/** The target of a plan, with the resourceVersion just read. */
export function targetNow(proposal: Pick<RemediationProposal, 'target'>, current: K8sObject): RemediationTarget {
  return { ...proposal.target, resourceVersion: current.metadata.resourceVersion ?? '' };
}

/** Replicas a workload runs (spec.replicas, default 1): what a template change rolls. */
export function replicasOf(workload: K8sObject): number {
  return typeof workload.spec?.replicas === 'number' ? workload.spec.replicas : 1;
}

export function podCount(n: number): string {
  return `${n} pod${n === 1 ? '' : 's'}`;
}
