// Seed 003 end to end, through the API (no Slack): diagnose the live sandbox cluster, propose the
// finding's fix, show the dry run, approve, execute, and check what a user would check: the
// Deployment's pod template gained exactly `version: v1`, the pods rolled, the check passes.
// Then undo it, and then race: double approvals and five concurrent executions patch once.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApprovalStore } from '../../src/approvals/store.ts';
import { applyPlan } from '../../src/remediations/apply.ts';
import { dryRunProposal, executeProposal } from '../../src/remediations/execute.ts';
import { proposeFix, proposeUndo } from '../../src/remediations/propose.ts';
import { APPROVER, findingWithFix, type Harness, liveFindings, patchCount, podsOf, REQUESTER, startHarness, storedObject, withoutVolatile } from './harness.ts';

const CLUSTER = 'review-prod';
const CHECK = 'subset-no-endpoints';

let h: Harness;
let racedId: string;

beforeAll(async () => {
  h = await startHarness({ scenarios: ['subset-missing-version-label'] });
});

afterAll(async () => {
  await h?.close();
});

function deployment() {
  return storedObject(h, CLUSTER, 'deployments.apps', 'review', 'review');
}

async function proposeAndApprove() {
  const finding = await findingWithFix(h, CLUSTER, CHECK, 'add-subset-label');
  const proposed = await proposeFix(finding, REQUESTER, h.deps);
  if (!proposed.ok) throw new Error(proposed.reason);
  const approval = await h.store.recordApproval(proposed.proposal.id, APPROVER, []);
  expect(approval.outcome).toBe('approved');
  return proposed.proposal;
}

describe('add-subset-label on subset-missing-version-label', () => {
  let before: ReturnType<typeof deployment>;
  let appliedId: string;

  it('plans exactly the label on the pod template, with diff, blast radius and dry run', async () => {
    before = deployment();
    const finding = await findingWithFix(h, CLUSTER, CHECK, 'add-subset-label');
    const proposed = await proposeFix(finding, REQUESTER, h.deps);
    expect(proposed.ok).toBe(true);
    if (!proposed.ok) return;
    const { plan } = proposed.proposal;
    expect(plan.target).toMatchObject({ kind: 'Deployment', namespace: 'review', name: 'review', resourceVersion: before.metadata.resourceVersion });
    expect(plan.patch).toEqual({ spec: { template: { metadata: { labels: { version: 'v1' } } } } });
    expect(plan.diff).toEqual([`spec.template.metadata.labels.version: (absent) → "v1"`]);
    expect(plan.blastRadius).toContain('Rolls 1 pod of review/review');
    expect(plan.namespaces).toEqual(['review']);
    expect(proposed.proposal).toMatchObject({ state: 'pending', requester: REQUESTER, check: CHECK, requiredApprovals: 1 });

    const patchesBefore = patchCount(h, CLUSTER);
    const dry = await dryRunProposal(proposed.proposal.id, h.deps, APPROVER);
    expect(dry.ok).toBe(true);
    if (!dry.ok) return;
    expect(dry.answer).toMatchObject({ accepted: true, diff: [`spec.template.metadata.labels.version: (absent) → "v1"`] });
    // A dry run is one PATCH with dryRun=All, and the object does not change.
    expect(patchCount(h, CLUSTER)).toBe(patchesBefore + 1);
    expect(deployment()).toEqual(before);
    await h.store.reject(proposed.proposal.id, REQUESTER, [], 'shown in the dry-run test only');
  });

  it('approve -> execute applies it, rolls the pods and verifies with the check', async () => {
    const proposal = await proposeAndApprove();
    const oldPods = podsOf(h, CLUSTER, 'review', 'review').map((p) => p.metadata.name);
    const outcome = await executeProposal(proposal.id, h.deps);
    expect(outcome.outcome, JSON.stringify(outcome)).toBe('applied');
    if (outcome.outcome !== 'applied') return;
    appliedId = proposal.id;
    expect(outcome.result.verification?.status).toBe('verified');
    expect(outcome.proposal.state).toBe('applied');

    const after = deployment();
    expect(after.spec.template.metadata.labels).toEqual({ ...before.spec.template.metadata.labels, version: 'v1' });
    expect(after.spec.selector).toEqual(before.spec.selector);
    // Nothing else changed: the label, resourceVersion, generation, status and the rollout's
    // revision annotation are the only differences.
    const expected = withoutVolatile(before);
    expected.spec.template.metadata.labels = { ...expected.spec.template.metadata.labels, version: 'v1' };
    expect(withoutVolatile(after)).toEqual(expected);
    expect(after.metadata.generation).toBe((before.metadata.generation ?? 1) + 1);

    const newPods = podsOf(h, CLUSTER, 'review', 'review');
    expect(newPods.length).toBeGreaterThan(0);
    expect(newPods.every((p) => p.metadata.labels?.version === 'v1' && !oldPods.includes(p.metadata.name))).toBe(true);
    const findings = await liveFindings(h, CLUSTER, CHECK);
    expect(findings.map((f) => f.status)).toEqual(['pass']);
    expect(outcome.result.undo?.changes).toEqual([{ path: ['spec', 'template', 'metadata', 'labels', 'version'], after: 'v1' }]);
  });

  it('a retried job after applied returns the stored result and patches nothing', async () => {
    const patches = patchCount(h, CLUSTER);
    const again = await executeProposal(appliedId, h.deps);
    expect(again).toMatchObject({ outcome: 'applied', repeated: true });
    expect(patchCount(h, CLUSTER)).toBe(patches);
  });

  it('undo is its own approved proposal and restores the object', async () => {
    const undo = await proposeUndo(appliedId, REQUESTER, h.deps);
    expect(undo.ok).toBe(true);
    if (!undo.ok) return;
    expect(undo.proposal).toMatchObject({ undoOf: appliedId, state: 'pending' });
    expect(undo.proposal.plan.diff).toEqual([`spec.template.metadata.labels.version: "v1" → (absent)`]);
    // Nothing happens before approval.
    expect(await executeProposal(undo.proposal.id, h.deps)).toMatchObject({ outcome: 'not-approved' });
    expect((await h.store.recordApproval(undo.proposal.id, APPROVER, [])).outcome).toBe('approved');
    const outcome = await executeProposal(undo.proposal.id, h.deps);
    expect(outcome.outcome, JSON.stringify(outcome)).toBe('applied');
    if (outcome.outcome !== 'applied') return;
    expect(outcome.result.verification?.status).toBe('verified');
    expect(withoutVolatile(deployment())).toEqual(withoutVolatile(before));
    expect(podsOf(h, CLUSTER, 'review', 'review').every((p) => p.metadata.labels?.version === undefined)).toBe(true);
    expect((await liveFindings(h, CLUSTER, CHECK)).some((f) => f.status === 'fail')).toBe(true);
  });

  it('double approvals and five concurrent executions apply exactly once', async () => {
    const finding = await findingWithFix(h, CLUSTER, CHECK, 'add-subset-label');
    const proposed = await proposeFix(finding, REQUESTER, h.deps);
    if (!proposed.ok) throw new Error(proposed.reason);
    const id = proposed.proposal.id;
    // A double click and a second approver clicking at the same moment.
    const approvals = await Promise.all([
      h.store.recordApproval(id, APPROVER, []),
      h.store.recordApproval(id, APPROVER, []),
      h.store.recordApproval(id, 'U0APPROVER2', []),
    ]);
    const firstTimes = approvals.filter((a) => a.outcome === 'approved' && a.firstTime);
    expect(firstTimes).toHaveLength(1);
    expect((await h.store.getProposal(id))?.approvals).toHaveLength(1);

    const generation = deployment().metadata.generation ?? 0;
    h.sandbox.cluster(CLUSTER).requestLog.reset();
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => executeProposal(id, h.deps)));
    const fresh = outcomes.filter((o) => o.outcome === 'applied' && !o.repeated);
    expect(fresh, JSON.stringify(outcomes.map((o) => o.outcome))).toHaveLength(1);
    expect(outcomes.every((o) => o.outcome === 'applied' || o.outcome === 'in-progress')).toBe(true);
    // One dry run and one patch, from the one executor that won markApplying.
    expect(h.sandbox.cluster(CLUSTER).requestLog.counts()['patch deployments.apps']).toBe(2);
    expect(deployment().metadata.generation).toBe(generation + 1);
    const entries = await h.audit.latest({ cluster: CLUSTER, limit: 200 });
    expect(entries.filter((e) => e.proposalId === id && e.action === 'apply')).toHaveLength(1);
    racedId = id;
  });

  it('an executor that died after its patch landed is taken over later, without a second patch', async () => {
    // Back to the broken state, through an approved undo.
    const undo = await proposeUndo(racedId, REQUESTER, h.deps);
    if (!undo.ok) throw new Error(undo.reason);
    await h.store.recordApproval(undo.proposal.id, APPROVER, []);
    expect((await executeProposal(undo.proposal.id, h.deps)).outcome).toBe('applied');

    const proposal = await proposeAndApprove();
    // The worker that dies: it claims the apply, its patch lands, then it is gone.
    expect(await h.store.markApplying(proposal.id)).toMatchObject({ ok: true, takeover: false });
    const client = await h.source.client(h.cluster(CLUSTER));
    expect((await applyPlan(proposal.plan, client)).outcome).toBe('applied');
    const patches = patchCount(h, CLUSTER);
    // A retry soon after waits for the running apply rather than patching.
    expect(await executeProposal(proposal.id, h.deps)).toMatchObject({ outcome: 'in-progress' });
    // Past the stale time the retry takes over and finds the change already in place.
    const later = createApprovalStore({ redis: h.redis, registry: h.registry, audit: h.audit, now: () => new Date(Date.now() + 11 * 60_000) });
    const outcome = await executeProposal(proposal.id, { ...h.deps, store: later });
    expect(outcome).toMatchObject({ outcome: 'applied', repeated: false, result: { reason: 'an earlier attempt was interrupted after its patch landed' } });
    if (outcome.outcome === 'applied') expect(outcome.result.verification?.status).toBe('verified');
    expect(patchCount(h, CLUSTER)).toBe(patches);
    expect(await h.store.getProposal(proposal.id)).toMatchObject({ state: 'applied' });
  });
});
