// Turning findings into proposals (each needing approval): a finding's fix, the undo of an
// applied fix, and the follow-ups an applied fix named (restart-gateway after point-istiod-remote).
// Plans read the cluster now; a refusal stores nothing and says what a person can do instead.

import type { Proposal } from '../approvals/types.ts';
import type { RegisteredCluster } from '../domain/cluster.ts';
import type { Finding } from '../domain/finding.ts';
import type { K8sClient } from '../k8s/client.ts';
import { clockOf, clusterOf, type ExecutorDeps } from './executor-support.ts';
import { planFollowUp, planForFinding } from './index.ts';
import { isRefusal } from './plan-support.ts';
import type { Plan, PlanContext } from './types.ts';
import { planUndo } from './undo.ts';

function planContext(deps: ExecutorDeps, cluster: RegisteredCluster, client: K8sClient): PlanContext {
  return { client, cluster, registry: deps.registry, now: clockOf(deps)() };
}

export type ProposeOutcome = { ok: true; proposal: Proposal } | { ok: false; reason: string; manualSteps: string[] };

/**
 * A proposal for a finding's proposed fix: the plan reads the target now and is refused when the
 * object moved since the diagnosis or the fix is not safe (then nothing is stored).
 */
export async function proposeFix(finding: Finding, requester: string, deps: ExecutorDeps, opts: { expiresInMs?: number } = {}): Promise<ProposeOutcome> {
  const cluster = clusterOf(deps, finding.cluster);
  const plan = await planForFinding(finding, planContext(deps, cluster, await deps.source.client(cluster)));
  if (isRefusal(plan)) return { ok: false, reason: plan.reason, manualSteps: plan.manualSteps };
  const input = { plan, finding: { check: finding.check, summary: finding.summary }, requester, ...(opts.expiresInMs !== undefined ? { expiresInMs: opts.expiresInMs } : {}) };
  return { ok: true, proposal: await deps.store.createProposal(input) };
}

/** Undo of an applied proposal: a new proposal (needing approval) restoring the previous values. */
export async function proposeUndo(id: string, requester: string, deps: ExecutorDeps): Promise<ProposeOutcome> {
  const p = await deps.store.getProposal(id);
  if (!p) return { ok: false, reason: 'no such proposal (undo data is kept for the retention period only)', manualSteps: [] };
  if (p.state !== 'applied' || !p.result?.undo) return { ok: false, reason: `this proposal is ${p.state}: only an applied fix can be undone`, manualSteps: [] };
  const cluster = clusterOf(deps, p.cluster);
  const plan: Plan = { ...p.plan, changes: p.result.undo.changes };
  const undo = await planUndo(plan, planContext(deps, cluster, await deps.source.client(cluster)));
  if (isRefusal(undo)) return { ok: false, reason: undo.reason, manualSteps: undo.manualSteps };
  return { ok: true, proposal: await deps.store.createProposal({ plan: undo, finding: null, requester, undoOf: id }) };
}

/** Proposals (each needing approval) for the follow-ups an applied fix named, e.g. restart-gateway. */
export async function proposeFollowUps(id: string, requester: string, deps: ExecutorDeps): Promise<ProposeOutcome[]> {
  const p = await deps.store.getProposal(id);
  if (p?.state !== 'applied') return [{ ok: false, reason: `proposal ${p ? `is ${p.state}` : 'not found'}: follow-ups come after an applied fix`, manualSteps: [] }];
  const cluster = clusterOf(deps, p.cluster);
  const client = await deps.source.client(cluster);
  const out: ProposeOutcome[] = [];
  for (const followUp of p.result?.followUps ?? []) {
    const plan = await planFollowUp(followUp, planContext(deps, cluster, client));
    if (isRefusal(plan)) {
      out.push({ ok: false, reason: plan.reason, manualSteps: plan.manualSteps });
      continue;
    }
    const check = plan.verification.kind === 'check' ? plan.verification.check : followUp.remediation;
    out.push({ ok: true, proposal: await deps.store.createProposal({ plan, finding: { check, summary: followUp.why }, requester, parent: id }) });
  }
  return out;
}
