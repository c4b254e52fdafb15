// Proposals in Redis: hash `mesh-medic:proposal:<id>` (random, unguessable id) with the immutable
// part as one JSON field and the mutable state beside it. Every transition is a compare-and-set
// (on a version field, or a Lua script for approved -> applying), so a double click, two approvers
// at once or a retried request change the state once. The policy decides; this module only reads,
// asks the policy, and writes atomically (retrying the read when another writer got there first).

import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { AuditLog } from '../audit/audit-log.ts';
import { redactValue } from '../audit/redact.ts';
import type { AuditAction } from '../audit/types.ts';
import type { RegisteredCluster, Registry } from '../domain/cluster.ts';
import { MeshMedicError } from '../domain/errors.ts';
import type { ExecutionResult } from '../remediations/result.ts';
import type { Plan } from '../remediations/types.ts';
import {
  type ApprovalSettings,
  DEFAULT_APPROVAL_SETTINGS,
  decideApproval,
  decideRejection,
  type RefusalCode,
  requiredApprovalsFor,
} from './policy.ts';
import { CAS_SCRIPT, MARK_APPLYING_SCRIPT, MARK_RESULT_SCRIPT } from './scripts.ts';
import type { ApplyingOutcome, ApprovalOutcome, Proposal, ProposalState, RejectOutcome } from './types.ts';

export const PROPOSAL_PREFIX = 'mesh-medic:proposal:';
const APPLIED_PREFIX = 'mesh-medic:applied:';
const HOUR_MS = 60 * 60 * 1000;
const ID_PATTERN = /^[0-9a-f]{32}$/;
/** Concurrent writers retry their read-decide-write this many times before giving up. */
const MAX_CAS_ATTEMPTS = 20;

export const proposalKey = (id: string): string => `${PROPOSAL_PREFIX}${id}`;
const appliedKey = (cluster: string): string => `${APPLIED_PREFIX}${cluster}`;

export interface ApprovalStoreDeps {
  redis: Redis;
  registry: Registry;
  audit: AuditLog;
  settings?: Partial<ApprovalSettings>;
  now?: () => Date;
}

export interface CreateProposalInput {
  plan: Plan;
  /** The finding the plan answers; null for undo and follow-ups. */
  finding: { check: string; summary: string } | null;
  requester: string;
  undoOf?: string;
  parent?: string;
  /** Default: settings.expiryMs (30 minutes). */
  expiresInMs?: number;
}

export interface ApprovalStore {
  readonly settings: ApprovalSettings;
  createProposal(input: CreateProposalInput): Promise<Proposal>;
  getProposal(id: string): Promise<Proposal | undefined>;
  recordApproval(id: string, user: string, groups: readonly string[]): Promise<ApprovalOutcome>;
  reject(id: string, user: string, groups: readonly string[], reason?: string): Promise<RejectOutcome>;
  /** approved -> applying, once: the compare-and-set that guarantees one apply. */
  markApplying(id: string): Promise<ApplyingOutcome>;
  /** applying -> applied | refused | failed; `patched: false` gives the hourly slot back. */
  markResult(id: string, result: ExecutionResult, opts: { patched: boolean }): Promise<boolean>;
  /** Rewrites the stored result of a finished proposal (the verification outcome after applied). */
  updateResult(id: string, update: (result: ExecutionResult) => ExecutionResult): Promise<Proposal | undefined>;
  appliedLastHour(cluster: string): Promise<number>;
}

type Immutable = Omit<Proposal, 'state' | 'approvals' | 'rejection' | 'result' | 'version'>;

function decode(raw: Record<string, string>): Proposal | undefined {
  if (!raw.doc || !raw.state || raw.version === undefined) return undefined;
  const doc = JSON.parse(raw.doc) as Immutable;
  const p: Proposal = { ...doc, state: raw.state as ProposalState, approvals: JSON.parse(raw.approvals ?? '[]'), version: Number(raw.version) };
  if (raw.rejection) p.rejection = JSON.parse(raw.rejection);
  if (raw.result) p.result = JSON.parse(raw.result);
  return p;
}

/**
 * Plans are stored and later applied verbatim, so they are never silently redacted: a plan that
 * would need redaction (a Secret payload key, a PEM block, a token, a kubeconfig) is a bug and
 * is refused loudly instead of being written to Redis.
 */
function assertNoSecrets(plan: Plan): void {
  if (JSON.stringify(redactValue(plan)) !== JSON.stringify(plan)) {
    throw new MeshMedicError('INTERNAL', `plan ${plan.remediation} for ${plan.cluster} holds secret-looking content: it is not stored`);
  }
}

export function createApprovalStore(deps: ApprovalStoreDeps): ApprovalStore {
  const settings: ApprovalSettings = { ...DEFAULT_APPROVAL_SETTINGS, ...deps.settings };
  const now = deps.now ?? (() => new Date());
  const { redis, audit } = deps;

  const clusterOf = (name: string): RegisteredCluster | undefined => deps.registry.clusters.find((c) => c.name === name);

  async function getProposal(id: string): Promise<Proposal | undefined> {
    if (!ID_PATTERN.test(id)) return undefined;
    return decode(await redis.hgetall(proposalKey(id)));
  }

  async function cas(p: Proposal, fields: Record<string, string>): Promise<boolean> {
    const args = Object.entries(fields).flat();
    return (await redis.eval(CAS_SCRIPT, 1, proposalKey(p.id), String(p.version), ...args)) === 1;
  }

  function record(p: Proposal, actor: string, action: AuditAction, result: string, detail?: string, withPatch = false) {
    const { target } = p.plan;
    return audit.append({
      actor,
      action,
      cluster: p.cluster,
      object: { apiVersion: target.apiVersion, kind: target.kind, ...(target.namespace ? { namespace: target.namespace } : {}), name: target.name },
      proposalId: p.id,
      remediation: p.remediation,
      result,
      ...(withPatch ? { patch: p.plan.patch } : {}),
      ...(detail !== undefined ? { detail } : {}),
    });
  }

  async function refusal(p: Proposal | undefined, id: string, user: string, code: RefusalCode, reason: string) {
    if (p) await record(p, user, 'refusal', `refused: ${code}`, reason);
    else {
      await audit.append({ actor: user, action: 'refusal', cluster: '-', object: { apiVersion: '-', kind: '-', name: '-' }, proposalId: id.slice(0, 64), remediation: '-', result: `refused: ${code}`, detail: reason });
    }
    return { outcome: 'refused' as const, code, reason, ...(p ? { proposal: p } : {}) };
  }

  async function appliedLastHour(cluster: string): Promise<number> {
    const since = now().getTime() - HOUR_MS;
    return redis.zcount(appliedKey(cluster), `(${since}`, '+inf');
  }

  /** A pending proposal past its expiry becomes `expired` (once; losing the race is fine). */
  async function expire(p: Proposal): Promise<void> {
    if (p.state !== 'pending' && p.state !== 'approved') return;
    if (await cas(p, { state: 'expired' })) await record(p, 'mesh-medic', 'expired', 'expired', `not approved before ${p.expiresAt}`);
  }

  return {
    settings,
    getProposal,

    async createProposal(input) {
      assertNoSecrets(input.plan);
      const cluster = clusterOf(input.plan.cluster);
      if (!cluster) throw new Error(`cluster ${input.plan.cluster} is not registered`);
      const created = now();
      const expiresIn = input.expiresInMs ?? settings.expiryMs;
      const doc: Immutable = {
        id: randomBytes(16).toString('hex'),
        remediation: input.plan.remediation,
        check: input.finding?.check ?? null,
        findingSummary: input.finding?.summary ?? input.plan.reason,
        cluster: cluster.name,
        requester: input.requester,
        createdAt: created.toISOString(),
        expiresAt: new Date(created.getTime() + expiresIn).toISOString(),
        requiredApprovals: requiredApprovalsFor(cluster, settings),
        plan: input.plan,
        ...(input.undoOf ? { undoOf: input.undoOf } : {}),
        ...(input.parent ? { parent: input.parent } : {}),
      };
      const key = proposalKey(doc.id);
      await redis
        .multi()
        .hset(key, { doc: JSON.stringify(doc), state: 'pending', approvals: '[]', version: '0' })
        .pexpire(key, expiresIn + settings.retentionMs)
        .exec();
      const proposal: Proposal = { ...doc, state: 'pending', approvals: [], version: 0 };
      const action: AuditAction = input.undoOf ? 'undo-proposed' : input.parent ? 'follow-up-proposed' : 'proposal-created';
      await record(proposal, input.requester, action, 'pending', input.plan.diff.join('; '), true);
      return proposal;
    },

    async recordApproval(id, user, groups) {
      for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
        const p = await getProposal(id);
        if (!p) return refusal(undefined, id, user, 'not-found', 'no such proposal (it may have expired and been removed)');
        const after = p.state === 'approved' || p.state === 'applying' || p.state === 'applied';
        if (after && p.approvals.some((a) => a.user === user)) return { outcome: 'approved', proposal: p, firstTime: false };
        const cluster = clusterOf(p.cluster);
        if (!cluster) return refusal(p, id, user, 'not-found', `cluster ${p.cluster} is no longer registered`);
        const at = now();
        const decision = decideApproval({
          cluster,
          settings,
          proposal: p,
          user,
          groups,
          now: at,
          appliedLastHour: await appliedLastHour(p.cluster),
        });
        if (!decision.allow) {
          if (decision.code === 'expired') await expire(p);
          return refusal(p, id, user, decision.code, decision.reason);
        }
        const approvals = [...p.approvals, { user, at: at.toISOString() }];
        const state: ProposalState = decision.complete ? 'approved' : 'pending';
        if (!(await cas(p, { state, approvals: JSON.stringify(approvals) }))) continue;
        const updated: Proposal = { ...p, state, approvals, version: p.version + 1 };
        await record(updated, user, 'approval', decision.complete ? 'approved' : 'needs-another-approval', `${approvals.length}/${p.requiredApprovals} approvals`);
        return decision.complete
          ? { outcome: 'approved', proposal: updated, firstTime: true }
          : { outcome: 'needs-another-approval', proposal: updated, remaining: decision.remaining };
      }
      throw new Error(`proposal ${id}: too many concurrent updates`);
    },

    async reject(id, user, groups, reason) {
      for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
        const p = await getProposal(id);
        if (!p) return refusal(undefined, id, user, 'not-found', 'no such proposal (it may have expired and been removed)');
        const cluster = clusterOf(p.cluster);
        if (!cluster) return refusal(p, id, user, 'not-found', `cluster ${p.cluster} is no longer registered`);
        const decision = decideRejection({ cluster, settings, proposal: p, user, groups });
        if (!decision.allow) return refusal(p, id, user, decision.code, decision.reason);
        const rejection = { user, at: now().toISOString(), ...(reason ? { reason } : {}) };
        if (!(await cas(p, { state: 'rejected', rejection: JSON.stringify(rejection) }))) continue;
        const updated: Proposal = { ...p, state: 'rejected', rejection, version: p.version + 1 };
        await record(updated, user, 'reject', 'rejected', reason);
        return { outcome: 'rejected', proposal: updated };
      }
      throw new Error(`proposal ${id}: too many concurrent updates`);
    },

    async markApplying(id) {
      const p = await getProposal(id);
      if (!p) return { ok: false, code: 'not-found', reason: 'no such proposal (it may have expired and been removed)' };
      const at = now();
      const limitReason = `the limit of ${settings.maxAppliedPerHour} applied remediations per hour on ${p.cluster} is reached: nothing was changed; try again later`;
      const refusedResult: ExecutionResult = { outcome: 'refused', at: at.toISOString(), reason: limitReason };
      const reply = (await redis.eval(
        MARK_APPLYING_SCRIPT,
        2,
        proposalKey(id),
        appliedKey(p.cluster),
        String(at.getTime()),
        String(HOUR_MS),
        String(settings.maxAppliedPerHour),
        id,
        at.toISOString(),
        JSON.stringify(refusedResult),
        String(settings.staleApplyingMs),
      )) as string[];
      const fresh = await getProposal(id);
      if ((reply[0] === 'ok' || reply[0] === 'takeover') && fresh) return { ok: true, proposal: fresh, takeover: reply[0] === 'takeover' };
      if (reply[0] === 'rate') {
        if (fresh) await record(fresh, 'mesh-medic', 'refusal', 'refused: rate-limited', limitReason);
        return { ok: false, code: 'rate-limited', reason: limitReason, ...(fresh ? { proposal: fresh, state: fresh.state } : {}) };
      }
      if (reply[0] === 'missing' || !fresh) return { ok: false, code: 'not-found', reason: 'no such proposal' };
      return { ok: false, code: 'not-approved', state: fresh.state, reason: `this proposal is ${fresh.state}, not approved`, proposal: fresh };
    },

    async markResult(id, result, opts) {
      const p = await getProposal(id);
      if (!p) return false;
      const reply = await redis.eval(
        MARK_RESULT_SCRIPT,
        2,
        proposalKey(id),
        appliedKey(p.cluster),
        result.outcome,
        JSON.stringify(result),
        opts.patched ? '0' : '1',
        id,
        String(settings.retentionMs),
      );
      return reply === 1;
    },

    async updateResult(id, update) {
      for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
        const p = await getProposal(id);
        if (!p?.result) return p;
        const result = update(p.result);
        if (await cas(p, { result: JSON.stringify(result) })) return { ...p, result, version: p.version + 1 };
      }
      throw new Error(`proposal ${id}: too many concurrent updates`);
    },

    appliedLastHour,
  };
}

