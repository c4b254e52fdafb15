// The approval policy, exhaustively: every combination of cluster kind, approver source, who
// clicks, earlier approvals, proposal state, expiry and the hourly limit, against the rules as the
// issue states them; plus the messages a refused user reads.

import { describe, expect, it } from 'vitest';
import {
  type ApprovalRequest,
  approversFor,
  DEFAULT_APPROVAL_SETTINGS,
  decideApproval,
  decideRejection,
  isApprover,
  parseApproverList,
  requiredApprovalsFor,
} from '../../src/approvals/policy.ts';
import { PROPOSAL_STATES, type ProposalState } from '../../src/approvals/types.ts';
import type { RegisteredCluster } from '../../src/domain/cluster.ts';

const NOW = new Date('2025-01-01T12:00:00Z');
const LATER = '2025-01-01T12:30:00Z';
const EARLIER = '2025-01-01T11:59:59Z';
const REQUESTER = 'U0REQ';
const LISTED = 'U0LISTED';
const MEMBER = 'U0MEMBER';
const STRANGER = 'U0STRANGER';
const GROUP = 'S0OPS';
const ENV_USER = 'U0ENV';

function cluster(production: boolean, approvers?: string[]): RegisteredCluster {
  return { name: 'prod-east', kubeconfig: '/k', mesh: 'm', role: 'primary', production, ...(approvers ? { approvers } : {}) };
}

function request(over: Partial<ApprovalRequest> & { state?: ProposalState; approvals?: string[]; expiresAt?: string; required?: number } = {}): ApprovalRequest {
  const c = over.cluster ?? cluster(false, [LISTED, GROUP, REQUESTER]);
  return {
    cluster: c,
    settings: over.settings ?? { defaultApprovers: [ENV_USER], maxAppliedPerHour: 5 },
    proposal: {
      requester: REQUESTER,
      state: over.state ?? 'pending',
      expiresAt: over.expiresAt ?? LATER,
      approvals: (over.approvals ?? []).map((user) => ({ user, at: EARLIER })),
      requiredApprovals: over.required ?? requiredApprovalsFor(c, DEFAULT_APPROVAL_SETTINGS),
    },
    user: over.user ?? LISTED,
    groups: over.groups ?? [],
    now: over.now ?? NOW,
    appliedLastHour: over.appliedLastHour ?? 0,
  };
}

describe('who the approvers are', () => {
  it('uses the cluster list when clusters.yaml sets one, even an empty one, else MESH_MEDIC_APPROVERS', () => {
    const settings = { defaultApprovers: [ENV_USER] };
    expect(approversFor(cluster(false, [LISTED]), settings)).toEqual([LISTED]);
    expect(approversFor(cluster(false, []), settings)).toEqual([]);
    expect(approversFor(cluster(false), settings)).toEqual([ENV_USER]);
  });

  it('matches a user id or any of the user groups the caller passes', () => {
    expect(isApprover(LISTED, [], [LISTED])).toBe(true);
    expect(isApprover(MEMBER, ['S0OTHER', GROUP], [GROUP])).toBe(true);
    expect(isApprover(STRANGER, ['S0OTHER'], [LISTED, GROUP])).toBe(false);
    expect(isApprover(GROUP, [], [LISTED])).toBe(false);
  });

  it('requires 2 approvals on production and 1 elsewhere by default, configurable, never fewer than 1', () => {
    expect(requiredApprovalsFor(cluster(true), DEFAULT_APPROVAL_SETTINGS)).toBe(2);
    expect(requiredApprovalsFor(cluster(false), DEFAULT_APPROVAL_SETTINGS)).toBe(1);
    expect(requiredApprovalsFor(cluster(true), { requiredApprovals: { production: 3, other: 2 } })).toBe(3);
    expect(requiredApprovalsFor(cluster(false), { requiredApprovals: { production: 3, other: 2 } })).toBe(2);
    expect(requiredApprovalsFor(cluster(true), { requiredApprovals: { production: 0, other: 0 } })).toBe(1);
  });

  it('parses MESH_MEDIC_APPROVERS separated by commas or spaces', () => {
    expect(parseApproverList(' U1ABC, S2DEF  W3GHI,,')).toEqual(['U1ABC', 'S2DEF', 'W3GHI']);
    expect(parseApproverList(undefined)).toEqual([]);
  });
});

describe('refusals a user reads', () => {
  it('names the approver source for an unauthorised user', () => {
    const fromYaml = decideApproval(request({ user: STRANGER }));
    expect(fromYaml).toEqual({ allow: false, code: 'unauthorised', reason: 'you are not an approver for prod-east (neither you nor a group of yours is in the approvers of prod-east in clusters.yaml)' });
    const fromEnv = decideApproval(request({ cluster: cluster(false), user: STRANGER }));
    expect(fromEnv).toMatchObject({ code: 'unauthorised', reason: expect.stringContaining('MESH_MEDIC_APPROVERS') });
  });

  it('says how to configure approvers when there are none', () => {
    const none = decideApproval(request({ cluster: cluster(false), settings: { defaultApprovers: [], maxAppliedPerHour: 5 } }));
    expect(none).toMatchObject({ code: 'no-approvers', reason: 'nobody may approve fixes on prod-east: set approvers for it in clusters.yaml or MESH_MEDIC_APPROVERS' });
  });

  it('explains self-approval, expiry, duplicates and the hourly limit', () => {
    const prod = cluster(true, [LISTED, REQUESTER]);
    expect(decideApproval(request({ cluster: prod, user: REQUESTER }))).toMatchObject({ code: 'self-approval', reason: expect.stringContaining('production cluster') });
    expect(decideApproval(request({ expiresAt: EARLIER }))).toMatchObject({ code: 'expired', reason: expect.stringContaining('run a fresh diagnosis') });
    expect(decideApproval(request({ cluster: prod, approvals: [LISTED] }))).toMatchObject({ code: 'duplicate-approval', reason: expect.stringContaining('2 distinct approvers') });
    expect(decideApproval(request({ appliedLastHour: 5 }))).toMatchObject({ code: 'rate-limited', reason: expect.stringContaining('limit 5') });
  });

  it('lets the requester approve their own proposal off production', () => {
    expect(decideApproval(request({ user: REQUESTER }))).toEqual({ allow: true, complete: true, remaining: 0 });
  });

  it('expires exactly at expiresAt', () => {
    expect(decideApproval(request({ expiresAt: NOW.toISOString() }))).toMatchObject({ code: 'expired' });
    expect(decideApproval(request({ expiresAt: new Date(NOW.getTime() + 1).toISOString() }))).toMatchObject({ allow: true });
  });
});

describe('every combination', () => {
  const users = [REQUESTER, LISTED, MEMBER, STRANGER] as const;
  const approverLists = [undefined, [], [LISTED, GROUP, REQUESTER], [LISTED]] as const;
  const priorApprovals = [[], [LISTED], [MEMBER], [LISTED, MEMBER]] as const;
  const cases: ApprovalRequest[] = [];
  for (const production of [false, true])
    for (const approvers of approverLists)
      for (const defaults of [[], [ENV_USER, GROUP]])
        for (const user of users)
          for (const prior of priorApprovals)
            for (const state of PROPOSAL_STATES)
              for (const expired of [false, true])
                for (const applied of [0, 4, 5]) {
                  const c = cluster(production, approvers ? [...approvers] : undefined);
                  cases.push(
                    request({
                      cluster: c,
                      settings: { defaultApprovers: defaults, maxAppliedPerHour: 5 },
                      user,
                      groups: user === MEMBER ? [GROUP] : [],
                      approvals: [...prior],
                      state,
                      expiresAt: expired ? EARLIER : LATER,
                      appliedLastHour: applied,
                    }),
                  );
                }

  /** The rules, stated independently of the implementation's structure. */
  function expected(r: ApprovalRequest): string {
    const approvers = r.cluster.approvers ?? r.settings.defaultApprovers;
    if (r.proposal.state !== 'pending') return 'not-pending';
    if (Date.parse(r.proposal.expiresAt) <= r.now.getTime()) return 'expired';
    if (approvers.length === 0) return 'no-approvers';
    if (!approvers.includes(r.user) && !r.groups.some((g) => approvers.includes(g))) return 'unauthorised';
    if (r.cluster.production && r.user === r.proposal.requester) return 'self-approval';
    if (r.proposal.approvals.some((a) => a.user === r.user)) return 'duplicate-approval';
    if (r.appliedLastHour >= 5) return 'rate-limited';
    const needed = r.cluster.production ? 2 : 1;
    return r.proposal.approvals.length + 1 >= needed ? 'approved' : 'needs-another-approval';
  }

  it(`decides ${cases.length} cases as the rules say`, () => {
    let allowed = 0;
    for (const r of cases) {
      const d = decideApproval(r);
      const got = d.allow ? (d.complete ? 'approved' : 'needs-another-approval') : d.code;
      expect(got, JSON.stringify({ ...r, now: undefined })).toBe(expected(r));
      if (d.allow) {
        allowed++;
        expect(d.remaining).toBe(Math.max(0, r.proposal.requiredApprovals - r.proposal.approvals.length - 1));
      } else {
        expect(d.reason.length).toBeGreaterThan(20);
      }
    }
    // The matrix exercises both sides.
    expect(allowed).toBeGreaterThan(50);
    expect(allowed).toBeLessThan(cases.length / 4);
  });
});

describe('reject', () => {
  it('lets the requester or an approver close a pending or approved proposal, nobody else, nothing later', () => {
    const base = { cluster: cluster(true, [LISTED, GROUP]), settings: { defaultApprovers: [], maxAppliedPerHour: 5 }, groups: [] as string[] };
    const proposal = (state: ProposalState) => ({ requester: REQUESTER, state, expiresAt: LATER, approvals: [], requiredApprovals: 2 });
    expect(decideRejection({ ...base, proposal: proposal('pending'), user: REQUESTER })).toEqual({ allow: true });
    expect(decideRejection({ ...base, proposal: proposal('approved'), user: LISTED })).toEqual({ allow: true });
    expect(decideRejection({ ...base, proposal: proposal('pending'), user: MEMBER, groups: [GROUP] })).toEqual({ allow: true });
    expect(decideRejection({ ...base, proposal: proposal('pending'), user: STRANGER })).toMatchObject({ allow: false, code: 'unauthorised' });
    for (const state of ['applying', 'applied', 'refused', 'failed', 'rejected', 'expired'] as const) {
      expect(decideRejection({ ...base, proposal: proposal(state), user: LISTED })).toMatchObject({ allow: false, code: 'not-pending' });
    }
  });
});
