// What the executor and the proposal helpers share: their dependencies, the clock, the registry
// lookup, one audit record per step, and the server-side dry run.

import type { ApprovalStore } from '../approvals/store.ts';
import type { Proposal } from '../approvals/types.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { AuditAction } from '../audit/types.ts';
import type { RegisteredCluster, Registry } from '../domain/cluster.ts';
import type { K8sClient } from '../k8s/client.ts';
import type { LiveSnapshotSource } from '../k8s/snapshot-source.ts';
import { applyPlan } from './apply.ts';
import { formatPath, formatValue } from './changes.ts';
import type { DryRunAnswer } from './result.ts';
import type { Plan, VerifyOptions } from './types.ts';

export interface ExecutorDeps {
  store: ApprovalStore;
  registry: Registry;
  source: LiveSnapshotSource;
  audit: AuditLog;
  verify?: VerifyOptions;
  now?: () => Date;
}

export const ACTOR = 'mesh-medic';

export function clockOf(deps: Pick<ExecutorDeps, 'now'>): () => Date {
  return deps.now ?? (() => new Date());
}

export function clusterOf(deps: Pick<ExecutorDeps, 'registry'>, name: string): RegisteredCluster {
  const cluster = deps.registry.clusters.find((c) => c.name === name);
  if (!cluster) throw new Error(`cluster ${name} is not registered`);
  return cluster;
}

export function auditStep(deps: Pick<ExecutorDeps, 'audit'>, p: Proposal, action: AuditAction, result: string, detail?: string, actor = ACTOR) {
  const { target } = p.plan;
  return deps.audit.append({
    actor,
    action,
    cluster: p.cluster,
    object: { apiVersion: target.apiVersion, kind: target.kind, ...(target.namespace ? { namespace: target.namespace } : {}), name: target.name },
    proposalId: p.id,
    remediation: p.remediation,
    result,
    ...(action === 'apply' || action === 'dry-run' ? { patch: p.plan.patch } : {}),
    ...(detail !== undefined ? { detail } : {}),
  });
}

/** The server-side dry run: the exact change as the API server would store it, or its refusal. */
export async function dryRunPlan(plan: Plan, client: K8sClient): Promise<DryRunAnswer> {
  const answer = await applyPlan(plan, client, { dryRun: true });
  if (answer.outcome === 'applied') {
    const diff = plan.changes.map((c, i) => `${formatPath(c.path)}: ${formatValue(c.before)} → ${formatValue(answer.object.values[i])}`);
    return { accepted: true, resourceVersion: answer.resourceVersion, diff };
  }
  return { accepted: false, code: answer.outcome === 'refused' ? 'K8S_CONFLICT' : answer.code, message: answer.reason };
}
