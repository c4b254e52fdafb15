// What must NOT change the cluster, through signed Slack requests: an unauthorised user, forged
// button payloads (a made-up id, a real id clicked from another channel, a value that is not an
// id), an expired proposal, a rejected one, and an object that changed between the confirmation
// and the apply (refused in the thread). Then the races: a double click and two approvers at
// once queue one job and patch once.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_STREAM } from '../../src/audit/audit-log.ts';
import { APPROVE_ACTION_ID, REJECT_ACTION_ID } from '../../src/slack/render/index.ts';
import {
  APPROVER,
  APPROVER_2,
  approveValues,
  CHANNEL,
  click,
  current,
  diagnoseForProposal,
  ephemeralTexts,
  type Harness,
  modalsFor,
  OTHER_CHANNEL,
  patches,
  type PostedProposal,
  REQUESTER,
  readyModals,
  remediateJobs,
  STRANGER,
  startHarness,
  stored,
  submit,
  threadTexts,
  waitForEphemeral,
} from './harness.ts';

const CLUSTER = 'review-prod';
const CHECK = 'subset-no-endpoints';

let h: Harness;
let posted: PostedProposal;

beforeAll(async () => {
  h = await startHarness({ scenarios: ['subset-missing-version-label'] });
  posted = await diagnoseForProposal(h, CLUSTER, CHECK);
});

afterAll(async () => {
  await h?.stop();
});

const deployment = () => stored(h, CLUSTER, 'deployments.apps', 'review', 'review');
const at = (p: PostedProposal) => ({ channel: p.channel, ts: p.message.ts });

async function auditRefusals(): Promise<string[]> {
  const entries = await h.inspect.xrange(AUDIT_STREAM, '-', '+');
  return entries.map(([, fields]) => fields[fields.indexOf('record') + 1]!).filter((r) => r.includes('"action":"refusal"'));
}

/** Nothing patched, nothing queued, no modal for `id`, and the buttons are still there. */
async function expectNothingHappened(id: string, patchesBefore: number) {
  expect(patches(h, CLUSTER)).toBe(patchesBefore);
  expect(await remediateJobs(h)).toBe(0);
  expect(modalsFor(h, id)).toEqual([]);
  expect(approveValues(current(h, CHANNEL, posted.message.ts))).toEqual([posted.id]);
}

describe('refused clicks change nothing', () => {
  it('a user who is not an approver gets an ephemeral refusal, audited', async () => {
    const before = patches(h, CLUSTER);
    await click(h, at(posted), APPROVE_ACTION_ID, posted.id, STRANGER);
    const shown = await waitForEphemeral(h, STRANGER, /Not done/);
    expect(shown).toContain('you are not an approver for review-prod');
    await expectNothingHappened(posted.id, before);
    expect((await auditRefusals()).some((r) => r.includes(STRANGER) && r.includes('refused: unauthorised'))).toBe(true);
  });

  it('forged payloads: a made-up id, a value that is not an id, a real id clicked from another channel', async () => {
    const before = patches(h, CLUSTER);
    const forged = ['0123456789abcdef0123456789abcdef', 'add-subset-label review/review {"patch":1}', posted.id];
    await click(h, at(posted), APPROVE_ACTION_ID, posted.id, APPROVER, { forgeValue: forged[0]! });
    await click(h, at(posted), APPROVE_ACTION_ID, posted.id, APPROVER, { forgeValue: forged[1]! });
    await click(h, at(posted), APPROVE_ACTION_ID, posted.id, APPROVER, { channel: OTHER_CHANNEL });
    await h.slack.waitFor(() => ephemeralTexts(h, APPROVER).filter((t) => t.includes('does not belong to a proposal posted on this message')).length >= 3 || undefined, 15_000);
    await expectNothingHappened(posted.id, before);
    expect(modalsFor(h, forged[0]!)).toEqual([]);
    expect((await auditRefusals()).filter((r) => r.includes('forged-or-misplaced-button'))).toHaveLength(3);
  });

  it('an expired proposal cannot be approved', async () => {
    const expiring = await diagnoseForProposal(h, CLUSTER, CHECK);
    // Time passes: the proposal's expiry is now behind us.
    const key = `mesh-medic:proposal:${expiring.id}`;
    const doc = JSON.parse((await h.inspect.hget(key, 'doc'))!);
    await h.inspect.hset(key, 'doc', JSON.stringify({ ...doc, expiresAt: new Date(Date.now() - 1000).toISOString() }));
    const before = patches(h, CLUSTER);
    await click(h, at(expiring), APPROVE_ACTION_ID, expiring.id, APPROVER);
    const shown = await waitForEphemeral(h, APPROVER, /expired at/);
    expect(shown).toContain('run a fresh diagnosis');
    expect(patches(h, CLUSTER)).toBe(before);
    expect(modalsFor(h, expiring.id)).toEqual([]);
    expect(await remediateJobs(h)).toBe(0);
  });

  it('Reject closes the proposal: the buttons say who rejected it and a later Approve is refused', async () => {
    const rejected = await diagnoseForProposal(h, CLUSTER, CHECK);
    await click(h, at(rejected), REJECT_ACTION_ID, rejected.id, REQUESTER);
    const edited = await h.slack.waitFor(() => {
      const m = current(h, CHANNEL, rejected.message.ts);
      return JSON.stringify(m.blocks).includes('Rejected by') ? m : undefined;
    }, 15_000);
    expect(JSON.stringify(edited.blocks)).toMatch(new RegExp(`Rejected by <@${REQUESTER}> at \\d\\d:\\d\\d UTC`));
    expect(approveValues(edited)).toEqual([]);
    const before = patches(h, CLUSTER);
    // The old buttons (a stale client, a replayed click) name a closed proposal.
    await click(h, at(rejected), APPROVE_ACTION_ID, rejected.id, APPROVER, { message: rejected.message });
    await waitForEphemeral(h, APPROVER, /this proposal is rejected/);
    expect(patches(h, CLUSTER)).toBe(before);
    expect(modalsFor(h, rejected.id)).toEqual([]);
    expect(await remediateJobs(h)).toBe(0);
  });

  it('an object changed after the diagnosis is refused in the thread, with no patch', async () => {
    const moved = await diagnoseForProposal(h, CLUSTER, CHECK);
    await click(h, at(moved), APPROVE_ACTION_ID, moved.id, APPROVER);
    const [modal] = await readyModals(h, moved.id);
    // Someone edits the Deployment between the confirmation and the apply.
    const edited = deployment();
    edited.metadata.annotations = { ...(edited.metadata.annotations ?? {}), 'team.example/owner': 'payments' };
    h.sandbox.cluster(CLUSTER).store.put(edited);
    const changed = deployment();
    const before = patches(h, CLUSTER);
    await submit(h, modal!, APPROVER);
    const outcome = await h.slack.waitFor(() => threadTexts(h, CHANNEL, moved.threadTs).find((t) => t.includes('Refused')), 30_000);
    expect(outcome).toContain('nothing was changed');
    expect(outcome).toContain('/mesh diagnose review-prod');
    expect(outcome).toMatch(/resourceVersion|changed since/);
    expect(patches(h, CLUSTER)).toBe(before);
    expect(deployment()).toEqual(changed);
    const buttons = await h.slack.waitFor(() => {
      const m = current(h, CHANNEL, moved.message.ts);
      return JSON.stringify(m.blocks).includes('refused') ? m : undefined;
    }, 15_000);
    expect(JSON.stringify(buttons.blocks)).not.toContain('remediation_undo');
  });
});

describe('double clicks and concurrent approvals apply once', () => {
  it('two clicks by one approver and one by another, all submitted at once: one job, one patch', async () => {
    const raced = await diagnoseForProposal(h, CLUSTER, CHECK);
    const jobsBefore = await remediateJobs(h);
    const responses = await Promise.all([
      click(h, at(raced), APPROVE_ACTION_ID, raced.id, APPROVER),
      click(h, at(raced), APPROVE_ACTION_ID, raced.id, APPROVER),
      click(h, at(raced), APPROVE_ACTION_ID, raced.id, APPROVER_2),
    ]);
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200]);
    const modals = await readyModals(h, raced.id, 3);
    const before = patches(h, CLUSTER);
    const users = [APPROVER, APPROVER, APPROVER_2];
    await Promise.all(modals.map((m, i) => submit(h, m, users[i]!)));
    await h.slack.waitFor(() => threadTexts(h, CHANNEL, raced.threadTs).find((t) => t.includes('Applied')), 30_000);
    // Let every late answer arrive before counting.
    await h.slack.waitFor(() => ephemeralTexts(h, APPROVER_2).find((t) => /approved, not pending|already approved|Already approved/i.test(t)), 15_000);
    expect(await remediateJobs(h)).toBe(jobsBefore + 1);
    // The executor's own dry run and the one real patch.
    expect(patches(h, CLUSTER)).toBe(before + 2);
    expect(deployment().spec.template.metadata.labels.version).toBe('v1');
    expect(threadTexts(h, CHANNEL, raced.threadTs).filter((t) => t.includes('Applied'))).toHaveLength(1);
  });
});
