// After a patch: are the fields still what we set (something reconciling them back is the most
// likely way a fix silently fails), and does the check the finding came from stop reporting the
// problem? The check is re-run with a bounded, backing-off poll: a rollout or an endpoint
// controller may need a moment on a real cluster.

import { setTimeout as sleep } from 'node:timers/promises';
import type { RegisteredCluster } from '../domain/cluster.ts';
import type { Finding } from '../domain/finding.ts';
import { diagnose } from '../engine/diagnose.ts';
import { driftedChanges, formatPath, formatValue, valueAt } from './changes.ts';
import { openFindingsAbout } from './finding-match.ts';
import { describeTarget, isRefusal, readTarget } from './plan-support.ts';
import type { Plan, VerifyContext, VerifyResult } from './types.ts';

const DEFAULTS = { timeoutMs: 10_000, initialDelayMs: 250, maxDelayMs: 2_000 };

export interface CheckState {
  /** Failing or warning findings about the plan's target. */
  open: Finding[];
  /** The check could not run (unreadable kinds, crash): neither proof of fixed nor of broken. */
  errored: Finding | undefined;
  /** What the check says when nothing about the target is open (its pass summary, if any). */
  summary: string;
}

/** Runs the plan's check once against the live cluster. */
export async function checkState(plan: Plan, check: string, ctx: VerifyContext): Promise<CheckState> {
  const report = await diagnose({ registry: ctx.registry, cluster: plan.cluster, checkIds: [check], source: ctx.source });
  const open = openFindingsAbout(report.findings, check, plan.target);
  const errored = report.findings.find((f) => f.check === check && f.status === 'error');
  const passed = report.findings.find((f) => f.check === check && f.status === 'pass');
  return { open, errored, summary: passed?.summary ?? `${check} reports nothing about ${describeTarget(plan.target)}` };
}

/** A `failed` result when the target is gone or a changed field no longer holds our value. */
async function fieldsProblem(plan: Plan, ctx: VerifyContext): Promise<VerifyResult | undefined> {
  const client = await ctx.source.client(clusterOf(plan, ctx));
  const current = await readTarget(client, plan.remediation, plan.target);
  if (isRefusal(current)) return { status: 'failed', summary: current.reason, attempts: 0 };
  const drifted = driftedChanges(current, plan.changes, 'after');
  if (drifted.length === 0) return undefined;
  const what = drifted.map((c) => `${formatPath(c.path)} is ${formatValue(valueAt(current, c.path))}, not ${formatValue(c.after)}`);
  return {
    status: 'failed',
    summary: `${describeTarget(plan.target)} no longer holds the change (${what.join('; ')}): something changed it back${plan.notes.length > 0 ? ` — ${plan.notes[0]}` : ''}`,
    attempts: 0,
  };
}

function clusterOf(plan: Plan, ctx: VerifyContext): RegisteredCluster {
  const cluster = ctx.registry.clusters.find((c) => c.name === plan.cluster);
  if (!cluster) throw new Error(`cluster ${plan.cluster} is not in the registry`);
  return cluster;
}

export async function verifyPlan(plan: Plan, ctx: VerifyContext): Promise<VerifyResult> {
  const opts = { ...DEFAULTS, ...ctx.options };
  const problem = await fieldsProblem(plan, ctx);
  if (problem) return problem;
  if (plan.verification.kind === 'fields') {
    return { status: 'verified', summary: `${describeTarget(plan.target)} holds the planned values again`, attempts: 0 };
  }
  const check = plan.verification.check;
  const deadline = Date.now() + opts.timeoutMs;
  let delay = opts.initialDelayMs;
  let attempts = 0;
  for (;;) {
    attempts++;
    const state = await checkState(plan, check, ctx);
    if (state.open.length === 0 && !state.errored) {
      return { status: 'verified', summary: `${check} passes for ${describeTarget(plan.target)}: ${state.summary}`, attempts };
    }
    if (Date.now() + delay > deadline) return notYet(plan, check, state, attempts);
    await sleep(delay);
    delay = Math.min(delay * 2, opts.maxDelayMs);
  }
}

function notYet(plan: Plan, check: string, state: CheckState, attempts: number): VerifyResult {
  const still = state.open[0]?.summary ?? state.errored?.summary ?? 'no result';
  return {
    status: 'not-yet-verified',
    summary: `The change is in place on ${describeTarget(plan.target)}, but ${check} still reports: ${still}`,
    attempts,
  };
}
