// Executing an approved proposal, once, safely:
//   markApplying (compare-and-set: one executor wins, retries and duplicates return) ->
//   re-read the target (resourceVersion moved? refused) -> re-run the check (finding gone? refused) ->
//   server-side dry run -> patch with the resourceVersion precondition (409: refused) ->
//   store the result with the undo data -> verify (bounded poll) -> store the verification.
// Every step appends an audit record. A retried job after the result is stored returns that
// result and patches nothing.

import type { ApplyingOutcome, Proposal } from '../approvals/types.ts';
import { isMeshMedicError } from '../domain/errors.ts';
import type { K8sClient } from '../k8s/client.ts';
import { applyPlan, outsideDeclaredNamespaces } from './apply.ts';
import { driftedChanges } from './changes.ts';
import { ACTOR, auditStep as audit, clockOf, clusterOf, dryRunPlan, type ExecutorDeps } from './executor-support.ts';
import { REMEDIATIONS_BY_ID } from './index.ts';
import { describeTarget, freshDiagnosisStep, isRefusal, movedSince, readTarget } from './plan-support.ts';
import type { DryRunAnswer, ExecutionResult } from './result.ts';
import type { Plan, Refusal } from './types.ts';
import { checkState, verifyPlan } from './verify.ts';

export type { ExecutorDeps } from './executor-support.ts';

export type ExecuteOutcome =
  | { outcome: 'applied' | 'refused' | 'failed'; proposal: Proposal; result: ExecutionResult; /** true when an earlier run produced this result */ repeated: boolean }
  | { outcome: 'in-progress'; proposal: Proposal }
  | { outcome: 'not-approved'; reason: string; proposal?: Proposal }
  | { outcome: 'not-found'; reason: string };

function finished(p: Proposal): Extract<ExecuteOutcome, { repeated: boolean }> | undefined {
  if (!p.result || (p.state !== 'applied' && p.state !== 'refused' && p.state !== 'failed')) return undefined;
  return { outcome: p.result.outcome, proposal: p, result: p.result, repeated: true };
}

export async function executeProposal(id: string, deps: ExecutorDeps): Promise<ExecuteOutcome> {
  const before = await deps.store.getProposal(id);
  if (!before) return { outcome: 'not-found', reason: 'no such proposal (it may have expired and been removed)' };
  const done = finished(before);
  if (done) return done;
  const claim = await deps.store.markApplying(id);
  if (!claim.ok) return lostClaim(id, claim, deps);
  return runClaimed(claim.proposal, deps, claim.takeover);
}

/** Someone else holds or finished it, or it was never approved: nothing is patched here. */
async function lostClaim(id: string, claim: Extract<ApplyingOutcome, { ok: false }>, deps: ExecutorDeps): Promise<ExecuteOutcome> {
  const p = claim.proposal ?? (await deps.store.getProposal(id));
  if (!p) return { outcome: 'not-found', reason: claim.reason };
  const done = finished(p);
  if (done) return { ...done, repeated: claim.code !== 'rate-limited' };
  if (p.state === 'applying') return { outcome: 'in-progress', proposal: p };
  await audit(deps, p, 'refusal', 'refused: not-approved', claim.reason);
  return { outcome: 'not-approved', reason: claim.reason, proposal: p };
}

/** This run owns the apply. Whatever happens, the proposal ends in a final state. */
async function runClaimed(p: Proposal, deps: ExecutorDeps, takeover: boolean): Promise<ExecuteOutcome> {
  const state = { patched: false };
  let result: ExecutionResult;
  try {
    result = (takeover ? await recoverInterrupted(p, deps, state) : undefined) ?? (await applyClaimed(p, deps, state));
  } catch (err) {
    const cause = err instanceof Error ? err.message : String(err);
    const message = state.patched ? `the patch was applied, but recording it failed: ${cause}` : cause;
    result = { outcome: 'failed', at: clockOf(deps)().toISOString(), reason: message };
    await audit(deps, p, 'apply', 'failed', message);
  }
  if (!state.patched || result.outcome !== 'applied') {
    await deps.store.markResult(p.id, result, { patched: state.patched });
    const stored = (await deps.store.getProposal(p.id)) ?? p;
    return { outcome: result.outcome, proposal: stored, result, repeated: false };
  }
  return verifyApplied(p, result, deps);
}

function refusedResult(deps: ExecutorDeps, reason: string, extra: Partial<ExecutionResult> = {}): ExecutionResult {
  return { outcome: 'refused', at: clockOf(deps)().toISOString(), reason, ...extra };
}

async function applyClaimed(p: Proposal, deps: ExecutorDeps, state: { patched: boolean }): Promise<ExecutionResult> {
  const plan = p.plan;
  const client = await deps.source.client(clusterOf(deps, p.cluster));
  const precheck = await preconditions(p, plan, client, deps);
  if (precheck) {
    await audit(deps, p, 'refusal', 'refused', precheck.reason);
    return refusedResult(deps, precheck.reason, precheck.manualSteps[0] ? { nextStep: precheck.manualSteps[0] } : {});
  }
  const dryRun = await dryRunPlan(plan, client);
  await audit(deps, p, 'dry-run', dryRun.accepted ? 'accepted' : `rejected: ${dryRun.code}`, dryRun.accepted ? dryRun.diff.join('; ') : dryRun.message);
  if (!dryRun.accepted) {
    const outcome = dryRun.code === 'K8S_CONFLICT' ? 'refused' : 'failed';
    return { outcome, at: clockOf(deps)().toISOString(), reason: `the API server rejected the dry run: ${dryRun.message}`, dryRun, nextStep: freshDiagnosisStep(p.cluster) };
  }
  const applied = await applyPlan(plan, client);
  if (applied.outcome !== 'applied') {
    await audit(deps, p, 'apply', applied.outcome, applied.reason);
    return { outcome: applied.outcome, at: clockOf(deps)().toISOString(), reason: applied.reason, dryRun, nextStep: freshDiagnosisStep(p.cluster) };
  }
  state.patched = true;
  await audit(deps, p, 'apply', 'applied', `${plan.diff.join('; ')} (resourceVersion ${plan.target.resourceVersion} → ${applied.resourceVersion})`);
  return {
    outcome: 'applied',
    at: clockOf(deps)().toISOString(),
    dryRun,
    verification: { status: 'pending', summary: 'verification in progress', attempts: 0 },
    undo: { changes: plan.changes, resourceVersionAfter: applied.resourceVersion },
    followUps: plan.followUps,
  };
}

/**
 * Taking over from an executor that died mid-apply: if the object already holds every planned
 * value, its patch landed, and patching again would only fail the precondition. Record it as
 * applied (then verify); otherwise fall through to the normal path, whose resourceVersion
 * precondition still guarantees one change.
 */
async function recoverInterrupted(p: Proposal, deps: ExecutorDeps, state: { patched: boolean }): Promise<ExecutionResult | undefined> {
  const client = await deps.source.client(clusterOf(deps, p.cluster));
  const current = await readTarget(client, p.plan.remediation, p.plan.target);
  if (isRefusal(current) || driftedChanges(current, p.plan.changes, 'after').length > 0) return undefined;
  state.patched = true;
  const resourceVersion = current.metadata.resourceVersion ?? '';
  await audit(deps, p, 'apply', 'applied', `found applied by an interrupted earlier attempt (resourceVersion ${resourceVersion})`);
  return {
    outcome: 'applied',
    at: clockOf(deps)().toISOString(),
    reason: 'an earlier attempt was interrupted after its patch landed',
    verification: { status: 'pending', summary: 'verification in progress', attempts: 0 },
    undo: { changes: p.plan.changes, resourceVersionAfter: resourceVersion },
    followUps: p.plan.followUps,
  };
}

/** Refuses when the plan reaches outside its namespaces, the object moved, or the finding is gone. */
async function preconditions(p: Proposal, plan: Plan, client: K8sClient, deps: ExecutorDeps): Promise<Refusal | undefined> {
  const outside = outsideDeclaredNamespaces(plan);
  if (outside) return { kind: 'refusal', remediation: plan.remediation, reason: outside, manualSteps: [] };
  const current = await readTarget(client, plan.remediation, plan.target);
  if (isRefusal(current)) return current;
  const moved = movedSince(plan.remediation, plan.target.resourceVersion, current, plan.target);
  if (moved) return moved;
  if (plan.verification.kind !== 'check') return undefined;
  const check = plan.verification.check;
  const now = await checkState(plan, check, { registry: deps.registry, source: deps.source });
  if (now.errored) {
    return { kind: 'refusal', remediation: plan.remediation, reason: `cannot confirm the finding still holds: ${now.errored.summary}`, manualSteps: [freshDiagnosisStep(p.cluster)] };
  }
  if (now.open.length === 0) {
    return {
      kind: 'refusal',
      remediation: plan.remediation,
      reason: `the finding no longer holds: ${check} reports no problem with ${describeTarget(plan.target)} any more (${now.summary})`,
      manualSteps: [freshDiagnosisStep(p.cluster)],
    };
  }
  return undefined;
}

async function verifyApplied(p: Proposal, result: ExecutionResult, deps: ExecutorDeps): Promise<ExecuteOutcome> {
  await deps.store.markResult(p.id, result, { patched: true });
  const remediation = REMEDIATIONS_BY_ID.get(p.remediation);
  const ctx = { registry: deps.registry, source: deps.source, ...(deps.verify ? { options: deps.verify } : {}) };
  let verification: NonNullable<ExecutionResult['verification']>;
  try {
    verification = remediation ? await remediation.verify(p.plan, ctx) : await verifyPlan(p.plan, ctx);
  } catch (err) {
    const code = isMeshMedicError(err) ? ` (${err.code})` : '';
    verification = { status: 'not-yet-verified', summary: `verification could not run${code}: ${err instanceof Error ? err.message : String(err)}`, attempts: 0 };
  }
  await audit(deps, p, 'verify', verification.status, verification.summary);
  const stored = await deps.store.updateResult(p.id, (r) => ({ ...r, verification }));
  const final = { ...result, verification };
  return { outcome: 'applied', proposal: stored ?? { ...p, state: 'applied', result: final }, result: stored?.result ?? final, repeated: false };
}

export type DryRunOutcome =
  | { ok: true; proposal: Proposal; change: Pick<Plan, 'target' | 'patchType' | 'patch' | 'diff' | 'blastRadius'>; answer: DryRunAnswer }
  | { ok: false; reason: string };

/** The confirmation step: the exact change and the API server's answer to it, before approval completes. */
export async function dryRunProposal(id: string, deps: ExecutorDeps, actor = ACTOR): Promise<DryRunOutcome> {
  const p = await deps.store.getProposal(id);
  if (!p) return { ok: false, reason: 'no such proposal (it may have expired and been removed)' };
  if (p.state !== 'pending' && p.state !== 'approved') return { ok: false, reason: `this proposal is ${p.state}` };
  if (clockOf(deps)().getTime() >= Date.parse(p.expiresAt)) return { ok: false, reason: `this proposal expired at ${p.expiresAt}` };
  const client = await deps.source.client(clusterOf(deps, p.cluster));
  const answer = await dryRunPlan(p.plan, client);
  await audit(deps, p, 'dry-run', answer.accepted ? 'accepted' : `rejected: ${answer.code}`, answer.accepted ? answer.diff.join('; ') : answer.message, actor);
  const { target, patchType, patch, diff, blastRadius } = p.plan;
  return { ok: true, proposal: p, change: { target, patchType, patch, diff, blastRadius }, answer };
}
