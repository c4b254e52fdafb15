// The approval policy as an operator sets it: environment variables, read by the config module and
// handed to the approval store the way the bot and the worker do (readBotEnv -> approvalSettingsFrom
// -> createApprovalStore), against a real redis-server.

import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ApprovalStore, createApprovalStore } from '../../src/approvals/store.ts';
import { type AuditLog, createAuditLog } from '../../src/audit/audit-log.ts';
import { readBotEnv } from '../../src/config/env.ts';
import type { Registry } from '../../src/domain/cluster.ts';
import { approvalSettingsFrom } from '../../src/queue/remediation-services.ts';
import type { Plan } from '../../src/remediations/types.ts';
import { startRedis, type TestRedis } from '../helpers/redis.ts';

const REQUESTER = 'U0REQUEST1';
const ALICE = 'U0ALICE001';
const BOB = 'U0BOB00001';
const MIN = 60_000;

const BASE_ENV = {
  SLACK_BOT_TOKEN: 'xoxb-policy-from-env-token',
  SLACK_SIGNING_SECRET: 'policy-from-env-secret',
  REDIS_URL: 'redis://127.0.0.1:1/0',
  MESH_MEDIC_CLUSTERS: '/test/clusters.yaml',
  MESH_MEDIC_APPROVERS: `${REQUESTER},${ALICE},${BOB}`,
};

const registry: Registry = {
  path: '/test/clusters.yaml',
  meshes: [{ id: 'm' }],
  clusters: [
    { name: 'dev-1', kubeconfig: '/k', mesh: 'm', role: 'primary', production: false },
    { name: 'prod-1', kubeconfig: '/k', mesh: 'm', role: 'primary', production: true },
  ],
};

function plan(cluster: string): Plan {
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
  };
}

let server: TestRedis;
let redis: Redis;
let audit: AuditLog;

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
});

/** The store a bot or worker started with this environment works with. */
function storeFor(env: NodeJS.ProcessEnv): ApprovalStore {
  return createApprovalStore({ redis, registry, audit, settings: approvalSettingsFrom(readBotEnv({ ...BASE_ENV, ...env })) });
}

describe('approval policy from the environment', () => {
  it('by default a production fix needs two approvers besides the requester before it can be applied', async () => {
    const store = storeFor({});
    const p = await store.createProposal({ plan: plan('prod-1'), finding: null, requester: REQUESTER });
    expect(p.requiredApprovals).toBe(2);
    expect(await store.recordApproval(p.id, REQUESTER, [])).toMatchObject({ outcome: 'refused', code: 'self-approval' });
    expect(await store.recordApproval(p.id, ALICE, [])).toMatchObject({ outcome: 'needs-another-approval', remaining: 1 });
    expect(await store.markApplying(p.id)).toMatchObject({ ok: false, code: 'not-approved', state: 'pending' });
    expect(await store.recordApproval(p.id, BOB, [])).toMatchObject({ outcome: 'approved', firstTime: true });
    expect(await store.markApplying(p.id)).toMatchObject({ ok: true });
  });

  it('with MESH_MEDIC_PRODUCTION_APPROVALS=1 one approver (never the requester) is enough on production', async () => {
    const store = storeFor({ MESH_MEDIC_PRODUCTION_APPROVALS: '1' });
    const p = await store.createProposal({ plan: plan('prod-1'), finding: null, requester: REQUESTER });
    expect(p.requiredApprovals).toBe(1);
    expect(await store.recordApproval(p.id, REQUESTER, [])).toMatchObject({ outcome: 'refused', code: 'self-approval' });
    expect(await store.recordApproval(p.id, ALICE, [])).toMatchObject({ outcome: 'approved', firstTime: true });
    const claim = await store.markApplying(p.id);
    expect(claim).toMatchObject({ ok: true });
    expect(claim.ok && claim.proposal.approvals.map((a) => a.user)).toEqual([ALICE]);
  });

  it('MESH_MEDIC_APPROVALS, MESH_MEDIC_REMEDIATIONS_PER_HOUR and MESH_MEDIC_PROPOSAL_TTL change what the store enforces', async () => {
    const store = storeFor({ MESH_MEDIC_APPROVALS: '2', MESH_MEDIC_REMEDIATIONS_PER_HOUR: '1', MESH_MEDIC_PROPOSAL_TTL: '10m' });
    const first = await store.createProposal({ plan: plan('dev-1'), finding: null, requester: REQUESTER });
    expect(first.requiredApprovals).toBe(2);
    expect(Date.parse(first.expiresAt) - Date.parse(first.createdAt)).toBe(10 * MIN);
    expect(await store.recordApproval(first.id, ALICE, [])).toMatchObject({ outcome: 'needs-another-approval' });
    expect(await store.recordApproval(first.id, BOB, [])).toMatchObject({ outcome: 'approved' });
    expect(await store.markApplying(first.id)).toMatchObject({ ok: true });
    // One apply an hour: the next approval is refused with the configured limit in its reason.
    const second = await store.createProposal({ plan: plan('dev-1'), finding: null, requester: REQUESTER });
    expect(await store.recordApproval(second.id, ALICE, [])).toMatchObject({ outcome: 'refused', code: 'rate-limited', reason: expect.stringContaining('(limit 1)') });
  });
});
