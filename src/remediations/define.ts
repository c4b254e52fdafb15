// Every remediation applies, verifies and undoes the same way (a merge patch of field changes with
// a resourceVersion precondition); only plan() differs. This fills in the shared three.

import { applyPlan } from './apply.ts';
import type { Remediation } from './types.ts';
import { planUndo } from './undo.ts';
import { verifyPlan } from './verify.ts';

export function defineRemediation(spec: Pick<Remediation, 'id' | 'title' | 'answers' | 'permissions' | 'plan'>): Remediation {
  return {
    ...spec,
    apply: (plan, client) => applyPlan(plan, client),
    verify: (plan, ctx) => verifyPlan(plan, ctx),
    undo: (plan, ctx) => planUndo(plan, ctx),
  };
}
