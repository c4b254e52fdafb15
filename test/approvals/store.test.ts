// The proposal store against a real redis-server: what is stored and for how long, and that every
// transition happens once under concurrency (double clicks, two approvers at once, many workers
// claiming the same apply), including the hourly limit enforced at claim time.

import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ApprovalStore, createApprovalStore, PROPOSAL_PREFIX, proposalKey } from '../../src/approvals/store.ts';
import { type AuditLog, createAuditLog } from '../../src/audit/audit-log.ts';
import type { Registry } from '../../src/domain/cluster.ts';
import type { ExecutionResult } from '../../src/remediations/result.ts';
import type { Plan } from '../../src/remediations/types.ts';
import { startRedis, type TestRedis } from '../helpers/redis.ts';

const A = 'U0ALICE';
const B = 'U0BOB';
const C = 'U0CAROL';
const REQUESTER = 'U0REQ';
const MIN = 60_000;

const registry: Registry = {
  path: '/test/clusters.yaml',
  meshes: [{ id: 'm' }],
  clusters: [
    { name: 'dev-1', kubeconfig: '/k', mesh: 'm', role: 'primary', production: false },
    { name: 'prod-1', kubeconfig: '/k', mesh: 'm', role: 'primary', production: true },
  ],
};

function plan(cluster: string, extra: Partial<Plan> = {}): Plan {
  return {
    kind: 'plan',
    remediation: 'label-istio-system-network',
    title: 'Label namespace istio-system topology.istio.io/network=n1',
    cluster,
    target: { cluster, apiVersion: 'v1', kind: 'Namespace', name: 'istio-system', resourceVersion: '42' },
    patchType: 'merge',
    patch: { metadata: { labels: { 'topology.istio.io/network': 'n1' } } },
    changes: [{ path: ['metadata', 'labels', 'topology.istio.io/network'], before: undefined, after: 'n1' }],
    diff: [`metadata.labels['topology.istio.io/network']: (absent) → "n1"`],
    blastRadius: 'No pod restarts',
    namespaces: ['istio-system'],
    reason: 'test',
    notes: [],
    followUps: [],
    verification: { kind: 'check', check: 'network-labels' },
    ...extra,
  };
}

let server: TestRedis;
let redis: Redis;
let audit: AuditLog;
let store: ApprovalStore;

beforeAll(async () => {
  server = await startRedis();
  redis = new Redis(server.url, { maxRetriesPerRequest: 1 });
  audit = createAuditLog({ redis, logger: pino({ level: 'info' }, new Writable({ write: (_c, _e, done) => done() })) });
});

afterAll(async () => {
  await redis?.quit();
  await server?.close();
});

beforeEach(async () => {
  await redis.flushall();
  store = createApprovalStore({ redis, registry, audit, settings: { defaultApprovers: [A, B, C] } });
});

async function approved(cluster = 'dev-1', s: ApprovalStore = store) {
  const p = await s.createProposal({ plan: plan(cluster), finding: { check: 'network-labels', summary: 'x' }, requester: REQUESTER });
  for (const user of cluster === 'prod-1' ? [A, B] : [A]) await s.recordApproval(p.id, user, []);
  expect((await s.getProposal(p.id))?.state).toBe('approved');
  return p;
}

const applied = (): ExecutionResult => ({ outcome: 'applied', at: new Date().toISOString() });

describe('createProposal / getProposal', () => {
  it('stores the plan under an unguessable id with expiry and a TTL of expiry plus retention', async () => {
    const p = await store.createProposal({ plan: plan('dev-1'), finding: { check: 'network-labels', summary: 'istio-system unlabelled' }, requester: REQUESTER });
    const q = await store.createProposal({ plan: plan('dev-1'), finding: null, requester: REQUESTER });
    expect(p.id).toMatch(/^[0-9a-f]{32}$/);
    expect(q.id).not.toBe(p.id);
    expect(Date.parse(p.expiresAt) - Date.parse(p.createdAt)).toBe(30 * MIN);
    const ttl = await redis.pttl(proposalKey(p.id));
    expect(ttl).toBeGreaterThan(30 * MIN + 7 * 24 * 60 * MIN - MIN);
    expect(ttl).toBeLessThanOrEqual(30 * MIN + 7 * 24 * 60 * MIN);
    expect(await store.getProposal(p.id)).toEqual({ ...p, plan: JSON.parse(JSON.stringify(p.plan)) });
    expect(p).toMatchObject({ state: 'pending', check: 'network-labels', findingSummary: 'istio-system unlabelled', requiredApprovals: 1, approvals: [] });
    const [entry] = await audit.latest({ limit: 1 });
    expect(entry).toMatchObject({ action: 'proposal-created', actor: REQUESTER, proposalId: q.id, result: 'pending' });
  });

  it('needs two approvals on production clusters', async () => {
    const p = await store.createProposal({ plan: plan('prod-1'), finding: null, requester: REQUESTER });
    expect(p.requiredApprovals).toBe(2);
  });

  it('answers undefined for unknown or malformed ids (never a key built from arbitrary input)', async () => {
    expect(await store.getProposal('0'.repeat(32))).toBeUndefined();
    expect(await store.getProposal(`../${'a'.repeat(32)}`)).toBeUndefined();
    expect(await store.recordApproval('nope', A, [])).toMatchObject({ outcome: 'refused', code: 'not-found' });
  });

  it('refuses to store a plan that carries secret material', async () => {
    const leaky = plan('dev-1', { notes: ['-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----'] });
    await expect(store.createProposal({ plan: leaky, finding: null, requester: REQUESTER })).rejects.toThrow(/secret-looking content/);
    expect(await redis.keys(`${PROPOSAL_PREFIX}*`)).toEqual([]);
  });
});

describe('approvals under concurrency', () => {
  it('a double (or tenfold) click by one approver approves once', async () => {
    const p = await store.createProposal({ plan: plan('dev-1'), finding: null, requester: REQUESTER });
    const outcomes = await Promise.all(Array.from({ length: 10 }, () => store.recordApproval(p.id, A, [])));
    expect(outcomes.filter((o) => o.outcome === 'approved' && o.firstTime)).toHaveLength(1);
    expect(outcomes.every((o) => o.outcome === 'approved')).toBe(true);
    expect((await store.getProposal(p.id))?.approvals.map((a) => a.user)).toEqual([A]);
    const approvals = (await audit.latest({ limit: 50 })).filter((e) => e.action === 'approval');
    expect(approvals).toHaveLength(1);
  });

  it('two approvers at once on production: one needs another, the other completes it', async () => {
    const p = await store.createProposal({ plan: plan('prod-1'), finding: null, requester: REQUESTER });
    const outcomes = await Promise.all([store.recordApproval(p.id, A, []), store.recordApproval(p.id, B, []), store.recordApproval(p.id, A, [])]);
    const kinds = outcomes.map((o) => o.outcome).sort();
    expect(kinds.filter((k) => k === 'needs-another-approval')).toHaveLength(1);
    expect(outcomes.filter((o) => o.outcome === 'approved' && o.firstTime)).toHaveLength(1);
    const stored = await store.getProposal(p.id);
    expect(stored?.state).toBe('approved');
    expect(stored?.approvals.map((a) => a.user).sort()).toEqual([A, B]);
  });

  it('a third approval after approval is refused as not pending', async () => {
    const p = await approved();
    expect(await store.recordApproval(p.id, C, [])).toMatchObject({ outcome: 'refused', code: 'not-pending' });
  });
});

describe('markApplying / markResult', () => {
  it('lets exactly one of many concurrent claims apply', async () => {
    const p = await approved();
    const claims = await Promise.all(Array.from({ length: 10 }, () => store.markApplying(p.id)));
    expect(claims.filter((c) => c.ok)).toHaveLength(1);
    expect(claims.filter((c) => !c.ok).every((c) => !c.ok && c.code === 'not-approved' && c.state === 'applying')).toBe(true);
    expect(await store.appliedLastHour('dev-1')).toBe(1);
  });

  it('never claims a pending, rejected or unknown proposal', async () => {
    const pending = await store.createProposal({ plan: plan('dev-1'), finding: null, requester: REQUESTER });
    expect(await store.markApplying(pending.id)).toMatchObject({ ok: false, code: 'not-approved', state: 'pending' });
    await store.reject(pending.id, A, []);
    expect(await store.markApplying(pending.id)).toMatchObject({ ok: false, code: 'not-approved', state: 'rejected' });
    expect(await store.markApplying('f'.repeat(32))).toMatchObject({ ok: false, code: 'not-found' });
  });

  it('records the result once; a result without a patch gives the hourly slot back', async () => {
    const p = await approved();
    expect(await store.markResult(p.id, applied(), { patched: true })).toBe(false);
    await store.markApplying(p.id);
    const refused: ExecutionResult = { outcome: 'refused', at: new Date().toISOString(), reason: 'moved' };
    expect(await store.markResult(p.id, refused, { patched: false })).toBe(true);
    expect(await store.markResult(p.id, applied(), { patched: true })).toBe(false);
    expect(await store.getProposal(p.id)).toMatchObject({ state: 'refused', result: { reason: 'moved' } });
    expect(await store.appliedLastHour('dev-1')).toBe(0);

    const q = await approved();
    await store.markApplying(q.id);
    await store.markResult(q.id, applied(), { patched: true });
    expect(await store.appliedLastHour('dev-1')).toBe(1);
    // Finished proposals (and their undo data) are kept for the retention period from now.
    expect(await redis.pttl(proposalKey(q.id))).toBeLessThanOrEqual(7 * 24 * 60 * MIN);
    const updated = await store.updateResult(q.id, (r) => ({ ...r, verification: { status: 'verified', summary: 'ok', attempts: 1 } }));
    expect(updated?.result?.verification?.status).toBe('verified');
  });

  it('lets a later claim take over an apply whose executor died, only after the stale time, once', async () => {
    let t = Date.now();
    const clocked = createApprovalStore({ redis, registry, audit, settings: { defaultApprovers: [A], staleApplyingMs: 10 * MIN }, now: () => new Date(t) });
    const p = await approved('dev-1', clocked);
    expect(await clocked.markApplying(p.id)).toMatchObject({ ok: true, takeover: false });
    t += 9 * MIN;
    expect(await clocked.markApplying(p.id)).toMatchObject({ ok: false, code: 'not-approved', state: 'applying' });
    t += 2 * MIN;
    const claims = await Promise.all(Array.from({ length: 5 }, () => clocked.markApplying(p.id)));
    expect(claims.filter((c) => c.ok && c.takeover)).toHaveLength(1);
    expect(claims.filter((c) => c.ok)).toHaveLength(1);
    // The dead executor's apply slot is reused, not counted twice.
    expect(await clocked.appliedLastHour('dev-1')).toBe(1);
  });

  it('enforces the hourly limit when claiming: the proposal ends refused with the reason', async () => {
    const limited = createApprovalStore({ redis, registry, audit, settings: { defaultApprovers: [A, B], maxAppliedPerHour: 1 } });
    const first = await approved('dev-1', limited);
    const second = await approved('dev-1', limited);
    expect(await limited.markApplying(first.id)).toMatchObject({ ok: true });
    const claim = await limited.markApplying(second.id);
    expect(claim).toMatchObject({ ok: false, code: 'rate-limited' });
    expect(await limited.getProposal(second.id)).toMatchObject({ state: 'refused', result: { outcome: 'refused', reason: expect.stringContaining('limit of 1 applied remediations per hour on dev-1') } });
    // Other clusters have their own budget.
    const prod = await approved('prod-1', limited);
    expect(await limited.markApplying(prod.id)).toMatchObject({ ok: true });
  });
});
