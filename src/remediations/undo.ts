// Undo is a plan like any other (and needs its own approval): set each changed field back to the
// value recorded before the fix. It is refused when someone changed one of those fields since:
// then undo would overwrite their change rather than ours.

import { driftedChanges, formatPath, formatValue, reversed, valueAt } from './changes.ts';
import { buildPlan, describeTarget, isRefusal, readTarget, refuse } from './plan-support.ts';
import type { Plan, PlanContext, PlanOutcome } from './types.ts';

export async function planUndo(plan: Plan, ctx: PlanContext): Promise<PlanOutcome> {
  if (plan.undoOf !== undefined) {
    return refuse(plan.remediation, 'this plan is itself an undo: apply the original fix again through a fresh diagnosis instead');
  }
  const current = await readTarget(ctx.client, plan.remediation, plan.target);
  if (isRefusal(current)) return current;
  const drifted = driftedChanges(current, plan.changes, 'after');
  if (drifted.length > 0) {
    const what = drifted.map((c) => `${formatPath(c.path)} is now ${formatValue(valueAt(current, c.path))}`);
    return refuse(
      plan.remediation,
      `${describeTarget(plan.target)} was changed after the fix (${what.join('; ')}): undo would overwrite that change`,
      plan.changes.map((c) => `Set ${formatPath(c.path)} of ${describeTarget(plan.target)} back to ${formatValue(c.before)} by hand if that is still right.`),
    );
  }
  return buildPlan({
    remediation: plan.remediation,
    title: `Undo: ${plan.title}`,
    target: { ...plan.target, resourceVersion: current.metadata.resourceVersion ?? '' },
    changes: reversed(plan.changes),
    blastRadius: plan.blastRadius,
    namespaces: plan.namespaces,
    reason: `Restore the values ${describeTarget(plan.target)} had before ${plan.remediation} changed them.`,
    notes: ['Undo brings the original problem back: the finding this fix answered will fail again.'],
    verification: { kind: 'fields' },
    undoOf: plan.remediation,
  });
}
