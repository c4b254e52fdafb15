// The one way a plan reaches the API server: its patch plus the resourceVersion precondition, for
// real or as a server-side dry run. A 409 is a refusal (the object moved: a person must look
// again), never retried. What comes back is summarised to the changed fields at once, so a
// Secret's data never outlives the call.

import { isMeshMedicError } from '../domain/errors.ts';
import type { K8sObject } from '../domain/k8s-object.ts';
import type { K8sClient } from '../k8s/client.ts';
import { valueAt, withPrecondition } from './changes.ts';
import { describeTarget, freshDiagnosisStep, refOf } from './plan-support.ts';
import type { ApplyResult, ObjectSummary, Plan } from './types.ts';

/** The namespace an object lives in, or names (a Namespace object); undefined for other cluster-scoped kinds. */
export function namespaceOfTarget(plan: Pick<Plan, 'target'>): string | undefined {
  if (plan.target.namespace) return plan.target.namespace;
  return plan.target.kind === 'Namespace' ? plan.target.name : undefined;
}

/** Why the plan's target is outside the namespaces it declares, or undefined when it is inside. */
export function outsideDeclaredNamespaces(plan: Pick<Plan, 'target' | 'namespaces'>): string | undefined {
  const ns = namespaceOfTarget(plan);
  if (ns !== undefined && plan.namespaces.includes(ns)) return undefined;
  const where = ns === undefined ? 'a cluster-scoped object' : `namespace ${ns}`;
  return `the plan declares namespaces [${plan.namespaces.join(', ')}] but patches ${where}`;
}

export function summarise(obj: K8sObject, plan: Pick<Plan, 'changes'>): ObjectSummary {
  const summary: ObjectSummary = {
    resourceVersion: obj.metadata.resourceVersion ?? '',
    values: plan.changes.map((c) => valueAt(obj, c.path)),
  };
  if (typeof obj.metadata.generation === 'number') summary.generation = obj.metadata.generation;
  return summary;
}

export async function applyPlan(plan: Plan, client: K8sClient, opts: { dryRun?: boolean } = {}): Promise<ApplyResult> {
  const outside = outsideDeclaredNamespaces(plan);
  if (outside) return { outcome: 'refused', reason: outside };
  const body = withPrecondition(plan.patchType, plan.patch, plan.target.resourceVersion);
  try {
    const obj = await client.patchObject(refOf(plan.target), plan.patchType, body, { dryRun: opts.dryRun === true });
    const object = summarise(obj, plan);
    return { outcome: 'applied', resourceVersion: object.resourceVersion, object };
  } catch (err) {
    if (isMeshMedicError(err) && err.code === 'K8S_CONFLICT') {
      return {
        outcome: 'refused',
        reason: `${describeTarget(plan.target)} changed after the plan was made (the API server refused resourceVersion ${plan.target.resourceVersion} with 409 Conflict). ${freshDiagnosisStep(plan.cluster)}`,
      };
    }
    const code = isMeshMedicError(err) ? err.code : 'INTERNAL';
    const message = err instanceof Error ? err.message : String(err);
    return { outcome: 'failed', code, reason: message };
  }
}
