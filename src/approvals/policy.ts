// Who may approve or reject a proposal, and when: a pure function of the cluster's registry entry,
// the settings, the proposal and the clicking user. No I/O, so every rule is tested exhaustively.
//
// Rules, in the order a refusal is reported:
//   1. only a pending proposal can be approved;       2. not after it expired;
//   3. someone must be configured as approver;         4. the user (or one of their user groups) is one;
//   5. on production clusters the requester cannot approve their own proposal;
//   6. one approval per person (two distinct people when two are required);
//   7. at most N applied remediations per cluster per hour.

import type { RegisteredCluster } from '../domain/cluster.ts';
import type { Approval, ProposalState } from './types.ts';

export interface ApprovalSettings {
  /** MESH_MEDIC_APPROVERS: Slack user (U…/W…) or user-group (S…) ids; a cluster's `approvers` replace it. */
  defaultApprovers: readonly string[];
  /** Distinct approvals a proposal needs. */
  requiredApprovals: { production: number; other: number };
  /** Applied remediations per cluster per rolling hour. */
  maxAppliedPerHour: number;
  /** How long a proposal can be approved after it was made. */
  expiryMs: number;
  /** How long proposals (and their undo data) are kept after they expire or finish. */
  retentionMs: number;
  /** An apply still running after this long is taken to be dead and may be taken over. */
  staleApplyingMs: number;
}

export const DEFAULT_APPROVAL_SETTINGS: ApprovalSettings = {
  defaultApprovers: [],
  requiredApprovals: { production: 2, other: 1 },
  maxAppliedPerHour: 5,
  expiryMs: 30 * 60 * 1000,
  retentionMs: 7 * 24 * 60 * 60 * 1000,
  staleApplyingMs: 10 * 60 * 1000,
};

export type RefusalCode =
  | 'not-found'
  | 'not-pending'
  | 'expired'
  | 'no-approvers'
  | 'unauthorised'
  | 'self-approval'
  | 'duplicate-approval'
  | 'rate-limited';

export type Refused = { allow: false; code: RefusalCode; reason: string };
export type ApprovalDecision = { allow: true; complete: boolean; remaining: number } | Refused;

export interface ProposalView {
  requester: string;
  state: ProposalState;
  expiresAt: string;
  approvals: readonly Approval[];
  requiredApprovals: number;
}

export interface ApprovalRequest {
  cluster: RegisteredCluster;
  settings: Pick<ApprovalSettings, 'defaultApprovers' | 'maxAppliedPerHour'>;
  proposal: ProposalView;
  user: string;
  /** Slack user groups the user belongs to (the caller looks them up). */
  groups: readonly string[];
  now: Date;
  /** Remediations applied on this cluster in the last hour. */
  appliedLastHour: number;
}

/** The cluster's own list when clusters.yaml sets one (even empty), else MESH_MEDIC_APPROVERS. */
export function approversFor(cluster: RegisteredCluster, settings: Pick<ApprovalSettings, 'defaultApprovers'>): readonly string[] {
  return cluster.approvers ?? settings.defaultApprovers;
}

export function requiredApprovalsFor(cluster: RegisteredCluster, settings: Pick<ApprovalSettings, 'requiredApprovals'>): number {
  const n = cluster.production ? settings.requiredApprovals.production : settings.requiredApprovals.other;
  return Math.max(1, Math.floor(n));
}

export function isApprover(user: string, groups: readonly string[], approvers: readonly string[]): boolean {
  return approvers.includes(user) || groups.some((g) => approvers.includes(g));
}

export function isExpired(proposal: Pick<ProposalView, 'expiresAt'>, now: Date): boolean {
  return now.getTime() >= Date.parse(proposal.expiresAt);
}

function refused(code: RefusalCode, reason: string): Refused {
  return { allow: false, code, reason };
}

/** Rules 3 and 4: shared by approve and reject. */
function authorisation(req: Pick<ApprovalRequest, 'cluster' | 'settings' | 'user' | 'groups'>): Refused | undefined {
  const approvers = approversFor(req.cluster, req.settings);
  if (approvers.length === 0) {
    return refused(
      'no-approvers',
      `nobody may approve fixes on ${req.cluster.name}: set approvers for it in clusters.yaml or MESH_MEDIC_APPROVERS`,
    );
  }
  if (!isApprover(req.user, req.groups, approvers)) {
    const source = req.cluster.approvers ? `the approvers of ${req.cluster.name} in clusters.yaml` : 'MESH_MEDIC_APPROVERS';
    return refused('unauthorised', `you are not an approver for ${req.cluster.name} (neither you nor a group of yours is in ${source})`);
  }
  return undefined;
}

export function decideApproval(req: ApprovalRequest): ApprovalDecision {
  const p = req.proposal;
  if (p.state !== 'pending') return refused('not-pending', `this proposal is ${p.state}, not pending approval`);
  if (isExpired(p, req.now)) return refused('expired', `this proposal expired at ${p.expiresAt}: run a fresh diagnosis for a new one`);
  const unauthorised = authorisation(req);
  if (unauthorised) return unauthorised;
  if (req.cluster.production && req.user === p.requester) {
    return refused('self-approval', `${req.cluster.name} is a production cluster: the requester cannot approve their own proposal`);
  }
  if (p.approvals.some((a) => a.user === req.user)) {
    return refused('duplicate-approval', `you already approved this proposal: it needs ${p.requiredApprovals} distinct approvers`);
  }
  if (req.appliedLastHour >= req.settings.maxAppliedPerHour) {
    return refused(
      'rate-limited',
      `${req.appliedLastHour} remediations were applied on ${req.cluster.name} in the last hour (limit ${req.settings.maxAppliedPerHour}): try again later`,
    );
  }
  const count = p.approvals.length + 1;
  return { allow: true, complete: count >= p.requiredApprovals, remaining: Math.max(0, p.requiredApprovals - count) };
}

/** Reject closes a pending or approved (not yet applying) proposal: its requester or an approver may. */
export function decideRejection(req: Omit<ApprovalRequest, 'appliedLastHour' | 'now'>): { allow: true } | Refused {
  const state = req.proposal.state;
  if (state !== 'pending' && state !== 'approved') return refused('not-pending', `this proposal is ${state}: it can no longer be rejected`);
  if (req.user === req.proposal.requester) return { allow: true };
  return authorisation(req) ?? { allow: true };
}

/** MESH_MEDIC_APPROVERS text -> ids (comma or whitespace separated); the config module validates them. */
export function parseApproverList(text: string | undefined): string[] {
  return (text ?? '')
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
