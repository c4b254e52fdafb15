// What a remediation is. A check *proposes* a fix (RemediationProposal on its finding); a
// remediation turns that proposal into a Plan a person can approve: the exact object and
// resourceVersion, the exact patch, the diff in words, the blast radius and the undo data.
// Nothing here decides who may approve (src/approvals) or records anything (src/audit).
//
// Every remediation changes a few fields of one object, so a plan is a list of field changes
// (`path`, `before`, `after`). The patch is the JSON merge patch of the `after` values, the undo
// patch the merge patch of the `before` values (absent = null = remove): one model serves apply,
// dry run, verification ("are the fields still what we set?") and undo.

import type { RegisteredCluster, Registry } from '../domain/cluster.ts';
import type { Finding, PatchType, RemediationTarget } from '../domain/finding.ts';
import type { K8sClient } from '../k8s/client.ts';
import type { LiveSnapshotSource } from '../k8s/snapshot-source.ts';

/** One RBAC rule the remediation needs beyond diagnosis: exactly what plan/apply/undo call. */
export interface Permission {
  /** '' for the core group. */
  apiGroup: string;
  /** Resource plural, e.g. `deployments`. */
  resource: string;
  verbs: string[];
  /** When set, the calls stay inside these namespaces (a Role there is enough). */
  namespaces?: string[];
}

/** A JSON value at a path of the object; `undefined` when the field is absent. */
export type FieldValue = unknown;

/** One changed field. Paths are keys from the object root: ['metadata', 'labels', 'app']. */
export interface FieldChange {
  path: string[];
  before: FieldValue;
  after: FieldValue;
}

/** A change a person should consider next, e.g. restart the gateways after repointing istiod. */
export interface FollowUp {
  remediation: string;
  /** The object the follow-up would patch (its resourceVersion is read when it is planned). */
  target: Omit<RemediationTarget, 'resourceVersion'>;
  why: string;
}

/** What a plan re-runs to verify: the check the finding came from, or only its own fields (undo). */
export type Verification = { kind: 'check'; check: string } | { kind: 'fields' };

export interface Plan {
  kind: 'plan';
  remediation: string;
  title: string;
  cluster: string;
  /** The object, with the resourceVersion read when the plan was made. */
  target: RemediationTarget;
  patchType: PatchType;
  /** The change alone; apply() adds the resourceVersion precondition. */
  patch: unknown;
  changes: FieldChange[];
  /** Human-readable before → after of the changed fields only. */
  diff: string[];
  /** What else moves when this is applied: pods that roll, proxies that reconnect. */
  blastRadius: string;
  /** Every namespace the change touches; the executor refuses a target outside them. */
  namespaces: string[];
  /** Why, in words (from the finding's proposal). */
  reason: string;
  /** Caveats a person must read: who may revert it, what the durable fix is. */
  notes: string[];
  followUps: FollowUp[];
  verification: Verification;
  /** Set on undo plans: the remediation this one reverses. */
  undoOf?: string;
}

export interface Refusal {
  kind: 'refusal';
  remediation: string;
  reason: string;
  /** What a person can do instead (by hand), in order. */
  manualSteps: string[];
}

export type PlanOutcome = Plan | Refusal;

export interface PlanContext {
  client: K8sClient;
  cluster: RegisteredCluster;
  registry: Registry;
  now: Date;
}

export type VerifyStatus = 'verified' | 'not-yet-verified' | 'failed';

export interface VerifyResult {
  status: VerifyStatus;
  summary: string;
  /** Check re-runs made (0 for field-only verification). */
  attempts: number;
}

export interface VerifyOptions {
  /** Give up polling after this long (default 10 s). */
  timeoutMs?: number;
  /** First wait between attempts; doubles up to maxDelayMs (defaults 250 ms, 2 s). */
  initialDelayMs?: number;
  maxDelayMs?: number;
}

export interface VerifyContext {
  registry: Registry;
  source: LiveSnapshotSource;
  options?: VerifyOptions;
}

export type ApplyResult =
  | { outcome: 'applied'; resourceVersion: string; object: ObjectSummary }
  | { outcome: 'refused'; reason: string }
  | { outcome: 'failed'; reason: string; code: string };

/** An object as we keep it: metadata and the changed fields, never Secret data. */
export interface ObjectSummary {
  resourceVersion: string;
  generation?: number;
  /** Values at each change's path, in the order of plan.changes. */
  values: FieldValue[];
}

export interface Remediation {
  id: string;
  title: string;
  /** Check ids whose findings this remediation answers. */
  answers: string[];
  permissions: Permission[];
  /** Reads the target now; refuses when it moved since the diagnosis or the fix is not safe. */
  plan(finding: Finding, ctx: PlanContext): Promise<PlanOutcome>;
  /** Patches with the resourceVersion precondition; a 409 is a refusal, never retried. */
  apply(plan: Plan, client: K8sClient): Promise<ApplyResult>;
  /** Re-runs the check (bounded polling) and confirms the fields still hold what was set. */
  verify(plan: Plan, ctx: VerifyContext): Promise<VerifyResult>;
  /** The reverse plan, from the stored previous values (itself a proposal needing approval). */
  undo(plan: Plan, ctx: PlanContext): Promise<PlanOutcome>;
}
