// A proposal: one plan, waiting for approval, stored server-side. Slack buttons carry only its id;
// what to change always comes from here, never from the click's payload.

import type { ExecutionResult } from '../remediations/result.ts';
import type { Plan } from '../remediations/types.ts';
import type { RefusalCode } from './policy.ts';

export const PROPOSAL_STATES = ['pending', 'approved', 'applying', 'applied', 'refused', 'failed', 'rejected', 'expired'] as const;
export type ProposalState = (typeof PROPOSAL_STATES)[number];

/** States nothing leaves. */
export const FINAL_STATES: ReadonlySet<ProposalState> = new Set(['applied', 'refused', 'failed', 'rejected', 'expired']);

export interface Approval {
  user: string;
  at: string;
}

export interface Rejection {
  user: string;
  at: string;
  reason?: string;
}

export interface Proposal {
  id: string;
  remediation: string;
  /** The check whose finding this answers (null for undo and follow-ups without a finding). */
  check: string | null;
  findingSummary: string;
  cluster: string;
  requester: string;
  createdAt: string;
  expiresAt: string;
  requiredApprovals: number;
  plan: Plan;
  state: ProposalState;
  approvals: Approval[];
  rejection?: Rejection;
  result?: ExecutionResult;
  /** Undo proposals: the proposal whose fix this reverses. */
  undoOf?: string;
  /** Follow-ups: the proposal that suggested this one. */
  parent?: string;
  /** Bumped by every transition (optimistic concurrency). */
  version: number;
}

export type ApprovalOutcome =
  | { outcome: 'approved'; proposal: Proposal; /** false when this user's approval was already recorded (a double click, a retried request). */ firstTime: boolean }
  | { outcome: 'needs-another-approval'; proposal: Proposal; remaining: number }
  | { outcome: 'refused'; code: RefusalCode; reason: string; proposal?: Proposal };

export type RejectOutcome = { outcome: 'rejected'; proposal: Proposal } | { outcome: 'refused'; code: RefusalCode; reason: string; proposal?: Proposal };

export type ApplyingOutcome =
  | { ok: true; proposal: Proposal; /** The previous executor died mid-apply: find out whether its patch landed. */ takeover: boolean }
  | { ok: false; code: 'not-found' | 'not-approved' | 'rate-limited'; state?: ProposalState; reason: string; proposal?: Proposal };
