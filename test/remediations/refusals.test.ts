// Everything that must NOT patch, against the live sandbox and real Redis: an unauthorised user,
// self-approval on a production cluster, a missing second approval, an expired proposal, a
// rejected one, the hourly limit, an object that changed after the diagnosis, and a finding that
// no longer holds. Each case checks the outcome a user sees and that no PATCH reached the cluster.

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApprovalStore } from '../../src/approvals/store.ts';
import { dryRunProposal, executeProposal } from '../../src/remediations/execute.ts';
import { proposeFix } from '../../src/remediations/propose.ts';
import { Kubectl, requireKubectl } from '../sandbox/kubectl.ts';
import { APPROVER, findingWithFix, type Harness, patchCount, REQUESTER, startHarness, storedObject } from './harness.ts';

const CLUSTER = 'review-prod';
const CHECK = 'subset-no-endpoints';
const GROUP = 'S0MESHOPS';
const GROUP_MEMBER = 'U0GROUPMEMBER';

let h: Harness;
let kubectl: Kubectl;

beforeAll(async () => {
  requireKubectl();
  h = await startHarness({
    scenarios: ['subset-missing-version-label'],
    registry: (r) => {
      const c = r.clusters.find((x) => x.name === CLUSTER)!;
      c.production = true;
      // The requester is an approver too: only the production rule stops self-approval.
      c.approvers = [APPROVER, REQUESTER, GROUP];
    },
  });
  kubectl = new Kubectl(h.sandbox.cluster(CLUSTER).kubeconfigPath);
});

afterAll(async () => {
  kubectl?.cleanup();
  await h?.close();
});

beforeEach(() => {
  h.sandbox.cluster(CLUSTER).requestLog.reset();
});

async function propose(requester = REQUESTER) {
  const finding = await findingWithFix(h, CLUSTER, CHECK, 'add-subset-label');
  const proposed = await proposeFix(finding, requester, h.deps);
  if (!proposed.ok) throw new Error(proposed.reason);
  return proposed.proposal;
}

async function approveTwice(id: string) {
  expect((await h.store.recordApproval(id, APPROVER, [])).outcome).toBe('needs-another-approval');
  expect((await h.store.recordApproval(id, GROUP_MEMBER, [GROUP])).outcome).toBe('approved');
}

function deploymentPatches(): number {
  return h.sandbox.cluster(CLUSTER).requestLog.counts()['patch deployments.apps'] ?? 0;
}

describe('approval policy on a production cluster', () => {
  it('refuses an unauthorised user, audits it, and patches nothing', async () => {
    const p = await propose();
    const outcome = await h.store.recordApproval(p.id, 'U0STRANGER', ['S0OTHERS']);
    expect(outcome).toMatchObject({ outcome: 'refused', code: 'unauthorised' });
    if (outcome.outcome === 'refused') expect(outcome.reason).toContain(`not an approver for ${CLUSTER}`);
    expect(await executeProposal(p.id, h.deps)).toMatchObject({ outcome: 'not-approved' });
    expect(patchCount(h, CLUSTER)).toBe(0);
    const audit = await h.audit.latest({ cluster: CLUSTER, limit: 20 });
    expect(audit.find((e) => e.proposalId === p.id && e.actor === 'U0STRANGER')).toMatchObject({ action: 'refusal', result: 'refused: unauthorised' });
  });

  it('refuses self-approval by the requester', async () => {
    const p = await propose();
    expect(await h.store.recordApproval(p.id, REQUESTER, [])).toMatchObject({ outcome: 'refused', code: 'self-approval' });
    expect((await h.store.getProposal(p.id))?.approvals).toEqual([]);
    expect(patchCount(h, CLUSTER)).toBe(0);
  });

  it('needs two distinct approvers (a user-group member counts), and nothing runs after one', async () => {
    const p = await propose();
    expect(p.requiredApprovals).toBe(2);
    expect(await h.store.recordApproval(p.id, APPROVER, [])).toMatchObject({ outcome: 'needs-another-approval', remaining: 1 });
    expect(await h.store.recordApproval(p.id, APPROVER, [])).toMatchObject({ outcome: 'refused', code: 'duplicate-approval' });
    expect(await executeProposal(p.id, h.deps)).toMatchObject({ outcome: 'not-approved' });
    expect(patchCount(h, CLUSTER)).toBe(0);
    expect(await h.store.recordApproval(p.id, GROUP_MEMBER, [GROUP])).toMatchObject({ outcome: 'approved', firstTime: true });
    // Closed again without applying, so later cases start from the broken state.
    expect(await h.store.reject(p.id, APPROVER, [])).toMatchObject({ outcome: 'rejected' });
  });

  it('refuses an expired proposal and marks it expired', async () => {
    const p = await propose();
    const later = createApprovalStore({ redis: h.redis, registry: h.registry, audit: h.audit, now: () => new Date(Date.parse(p.expiresAt) + 1) });
    const outcome = await later.recordApproval(p.id, APPROVER, []);
    expect(outcome).toMatchObject({ outcome: 'refused', code: 'expired' });
    expect((await h.store.getProposal(p.id))?.state).toBe('expired');
    expect(await h.store.recordApproval(p.id, GROUP_MEMBER, [GROUP])).toMatchObject({ outcome: 'refused', code: 'not-pending' });
    expect(await executeProposal(p.id, h.deps)).toMatchObject({ outcome: 'not-approved' });
    expect(patchCount(h, CLUSTER)).toBe(0);
  });

  it('a rejected proposal cannot be approved or executed', async () => {
    const p = await propose();
    expect(await h.store.reject(p.id, GROUP_MEMBER, [GROUP], 'not during the release freeze')).toMatchObject({ outcome: 'rejected' });
    expect(await h.store.recordApproval(p.id, APPROVER, [])).toMatchObject({ outcome: 'refused', code: 'not-pending' });
    expect(await executeProposal(p.id, h.deps)).toMatchObject({ outcome: 'not-approved' });
    expect(patchCount(h, CLUSTER)).toBe(0);
    const audit = await h.audit.latest({ cluster: CLUSTER, limit: 50 });
    expect(audit.find((e) => e.proposalId === p.id && e.action === 'reject')).toMatchObject({ actor: GROUP_MEMBER, detail: 'not during the release freeze' });
  });

  it('refuses approval once the hourly limit of applied remediations is reached', async () => {
    const p = await propose();
    const limited = createApprovalStore({ redis: h.redis, registry: h.registry, audit: h.audit, settings: { maxAppliedPerHour: 0 } });
    expect(await limited.recordApproval(p.id, APPROVER, [])).toMatchObject({ outcome: 'refused', code: 'rate-limited' });
    expect(patchCount(h, CLUSTER)).toBe(0);
  });
});

describe('namespaces a plan declares', () => {
  it('refuses to patch an object outside them, with no patch', async () => {
    const planned = await propose();
    const p = await h.store.createProposal({ plan: { ...planned.plan, namespaces: ['default'] }, finding: { check: CHECK, summary: 'tampered' }, requester: REQUESTER });
    await approveTwice(p.id);
    h.sandbox.cluster(CLUSTER).requestLog.reset();
    const outcome = await executeProposal(p.id, h.deps);
    expect(outcome).toMatchObject({ outcome: 'refused', result: { reason: 'the plan declares namespaces [default] but patches namespace review' } });
    expect(patchCount(h, CLUSTER)).toBe(0);
  });
});

describe('the cluster moved on', () => {
  it('refuses to propose when the object changed after the diagnosis', async () => {
    const finding = await findingWithFix(h, CLUSTER, CHECK, 'add-subset-label');
    await kubectl.ok(['-n', 'review', 'annotate', 'deployment', 'review', 'example.com/touched-before-proposal=yes']);
    const proposed = await proposeFix(finding, REQUESTER, h.deps);
    expect(proposed.ok).toBe(false);
    if (!proposed.ok) {
      expect(proposed.reason).toMatch(/Deployment review\/review in review-prod changed since the diagnosis \(resourceVersion \d+ → \d+\)/);
      expect(proposed.manualSteps[0]).toContain(`/mesh diagnose ${CLUSTER}`);
    }
  });

  it('refuses to apply when the object changed after approval, with no patch', async () => {
    const p = await propose();
    await approveTwice(p.id);
    await kubectl.ok(['-n', 'review', 'annotate', 'deployment', 'review', 'example.com/touched-after-approval=yes']);
    const before = storedObject(h, CLUSTER, 'deployments.apps', 'review', 'review');
    // The confirmation step already shows the API server's refusal.
    const dry = await dryRunProposal(p.id, h.deps, APPROVER);
    expect(dry.ok && dry.answer).toMatchObject({ accepted: false, code: 'K8S_CONFLICT', message: expect.stringContaining('409 Conflict') });
    h.sandbox.cluster(CLUSTER).requestLog.reset();
    const outcome = await executeProposal(p.id, h.deps);
    expect(outcome.outcome).toBe('refused');
    if (outcome.outcome !== 'refused') return;
    expect(outcome.result.reason).toContain('changed since the diagnosis');
    expect(outcome.result.nextStep).toContain('Run a fresh diagnosis');
    expect(outcome.proposal.state).toBe('refused');
    expect(patchCount(h, CLUSTER)).toBe(0);
    expect(storedObject(h, CLUSTER, 'deployments.apps', 'review', 'review')).toEqual(before);
    // A refused apply gives its hourly slot back.
    expect(await h.store.appliedLastHour(CLUSTER)).toBe(0);
  });

  it('refuses to apply when the finding no longer holds (fixed another way), with no patch', async () => {
    const p = await propose();
    await approveTwice(p.id);
    // Someone fixed the DestinationRule instead: the subset now selects the existing pods.
    await kubectl.ok(['-n', 'review', 'patch', 'destinationrule', 'review', '--type', 'merge', '-p', '{"spec":{"subsets":[{"name":"v1","labels":{"app":"review"}}]}}']);
    h.sandbox.cluster(CLUSTER).requestLog.reset();
    const outcome = await executeProposal(p.id, h.deps);
    expect(outcome.outcome).toBe('refused');
    if (outcome.outcome !== 'refused') return;
    expect(outcome.result.reason).toContain('the finding no longer holds');
    expect(outcome.result.nextStep).toContain('Run a fresh diagnosis');
    expect(deploymentPatches()).toBe(0);
    expect(patchCount(h, CLUSTER)).toBe(0);
    // Break it again for the cases below.
    await kubectl.ok(['-n', 'review', 'patch', 'destinationrule', 'review', '--type', 'merge', '-p', '{"spec":{"subsets":[{"name":"v1","labels":{"version":"v1"}}]}}']);
  });
});

describe('add-subset-label with more than one candidate workload', () => {
  it('refuses with manual steps when a second Deployment matches the Service selector', async () => {
    const finding = await findingWithFix(h, CLUSTER, CHECK, 'add-subset-label');
    // A scaled-to-zero canary has no pods, so the check (which looks at pods) still proposes the
    // fix; the plan looks at Deployments and cannot tell which one is version v1.
    const canary = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'review-canary', namespace: 'review' },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'review', track: 'canary' } },
        template: { metadata: { labels: { app: 'review', track: 'canary' } }, spec: { containers: [{ name: 'review', image: 'review:canary' }] } },
      },
    };
    await kubectl.ok(['apply', '--validate=false', '-f', '-'], JSON.stringify(canary));
    h.sandbox.cluster(CLUSTER).requestLog.reset();
    const proposed = await proposeFix(finding, REQUESTER, h.deps);
    expect(proposed.ok).toBe(false);
    if (proposed.ok) return;
    expect(proposed.reason).toBe("2 Deployments in review match Service review's selector (review, review-canary); an automatic fix needs exactly one, review");
    expect(proposed.manualSteps.join('\n')).toMatch(/add version=v1 to its pod template only.*Never change spec\.selector/is);
    expect(patchCount(h, CLUSTER)).toBe(0);
  });
});
