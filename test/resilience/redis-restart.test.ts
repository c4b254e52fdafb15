// Redis restarted (append-only file on) while diagnoses wait in the queue with no worker running
// and a fix waits for approval: after the restart nothing is lost. The queued diagnoses run when a
// worker starts and post their reports; the pending proposal is still there and can be approved.

import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApprovalStore } from '../../src/approvals/store.ts';
import { createAuditLog, latestAudit } from '../../src/audit/audit-log.ts';
import { loadRegistry } from '../../src/config/registry.ts';
import { waitUntilReady } from '../../src/redis/connections.ts';
import type { Plan } from '../../src/remediations/types.ts';
import { finishedParent, parentsOf, type Rig, reportOf, slash, startRig, startWorker, totalJobs } from './harness.ts';

const APPROVER = 'U0APPROVER1';
const REQUESTER = 'U0ONCALL01';

let rig: Rig;
let direct: Redis;

beforeAll(async () => {
  rig = await startRig({ scenarios: ['hosted-xds-timeout'], appendonly: true });
  // Like a worker's connection: waits out the outage instead of failing commands.
  direct = new Redis(rig.redis.url, { maxRetriesPerRequest: null });
});

afterAll(async () => {
  direct?.disconnect();
  await rig?.stop();
});

function approvalStore() {
  const quiet = pino({ level: 'info' }, new Writable({ write: (_c, _e, done) => done() }));
  return createApprovalStore({
    redis: direct,
    registry: loadRegistry(rig.sandbox.registryPath),
    audit: createAuditLog({ redis: direct, logger: quiet }),
    settings: { defaultApprovers: [APPROVER] },
  });
}

/** A plan as the remediation catalog makes it (the store keeps it verbatim; nothing applies it here). */
function networkLabelPlan(cluster: string): Plan {
  return {
    kind: 'plan',
    remediation: 'label-istio-system-network',
    title: 'Label namespace istio-system topology.istio.io/network=network1',
    cluster,
    target: { cluster, apiVersion: 'v1', kind: 'Namespace', name: 'istio-system', resourceVersion: '1' },
    patchType: 'merge',
    patch: { metadata: { labels: { 'topology.istio.io/network': 'network1' } } },
    changes: [{ path: ['metadata', 'labels', 'topology.istio.io/network'], before: undefined, after: 'network1' }],
    diff: [`metadata.labels['topology.istio.io/network']: (absent) → "network1"`],
    blastRadius: 'No pod restarts',
    namespaces: ['istio-system'],
    reason: 'the network label is missing',
    notes: [],
    followUps: [],
    verification: { kind: 'check', check: 'network-labels' },
  };
}

describe('Redis restarted with work waiting', () => {
  it('keeps queued diagnoses and a pending proposal: the diagnoses complete and the proposal can be approved', async () => {
    // No worker runs yet: both requests wait in the queue.
    expect((await slash(rig, 'diagnose hosted-east')).ackText).toContain('Queued a diagnosis of *hosted-east*');
    expect((await slash(rig, 'diagnose hosted-cp')).ackText).toContain('Queued a diagnosis of *hosted-cp*');
    const waiting = await rig.bot.producer.withQueue((q) => q.getJobCounts('waiting'));
    expect(waiting.waiting).toBe(2);
    const proposal = await approvalStore().createProposal({
      plan: networkLabelPlan('hosted-east'),
      finding: { check: 'network-labels', summary: 'istio-system has no network label' },
      requester: REQUESTER,
    });

    await rig.redis.stop('SIGTERM');
    await rig.redis.start();
    expect(await waitUntilReady(rig.bot.redis, 10_000)).toBe(true);

    // The proposal survived, unchanged, and is still approvable.
    const store = approvalStore();
    const kept = await store.getProposal(proposal.id);
    expect(kept).toMatchObject({ id: proposal.id, state: 'pending', cluster: 'hosted-east', plan: JSON.parse(JSON.stringify(proposal.plan)), approvals: [] });
    const approved = await store.recordApproval(proposal.id, APPROVER, []);
    expect(approved).toMatchObject({ outcome: 'approved', firstTime: true, proposal: { state: 'approved' } });
    const audit = await latestAudit(direct, { cluster: 'hosted-east', limit: 10 });
    expect(audit.map((e) => e.action)).toEqual(expect.arrayContaining(['proposal-created', 'approval']));

    // A worker starts only now and finds both diagnoses.
    startWorker(rig);
    const east = await finishedParent(rig, 'hosted-east');
    const cp = await finishedParent(rig, 'hosted-cp');
    expect(east.text).toMatch(/^hosted-east: 3 failing checks/);
    expect(cp.text).toMatch(/^hosted-cp: no failing checks/);
    expect(reportOf(rig, east.ts).join('\n')).toMatch(/FAIL\* · critical · `istiod-remote-endpoints`/);
    expect(reportOf(rig, cp.ts).join('\n')).toMatch(/^Diagnosis of hosted-cp$/m);
    // Each request became exactly one run: two jobs, two parents.
    expect(await totalJobs(rig)).toBe(2);
    expect(parentsOf(rig)).toHaveLength(2);
  });
});
