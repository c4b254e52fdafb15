// A `production: true` cluster: the requester cannot approve their own proposal, and two distinct
// approvers are needed; the first approval leaves the buttons in place and says in the thread that
// one more is needed. The second approver is approved through a Slack user group
// (usergroups.users.list), which is asked only because a group is among the approvers.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPROVE_ACTION_ID } from '../../src/slack/render/index.ts';
import {
  APPROVER,
  APPROVER_2,
  approveValues,
  CHANNEL,
  click,
  current,
  diagnoseForProposal,
  GROUP_MEMBER,
  type Harness,
  modalsFor,
  patches,
  type PostedProposal,
  readyModals,
  remediateJobs,
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
  h = await startHarness({
    scenarios: ['subset-missing-version-label'],
    mutate: (clusters) => {
      const review = clusters.find((c) => c.name === CLUSTER);
      if (!review) throw new Error('review-prod not in the scenario');
      review.production = true;
    },
  });
  // An approver asks for the diagnosis: on production they may not approve its fix themselves.
  posted = await diagnoseForProposal(h, CLUSTER, CHECK, APPROVER);
});

afterAll(async () => {
  await h?.stop();
});

const at = (p: PostedProposal) => ({ channel: p.channel, ts: p.message.ts });

describe('approvals on a production cluster', () => {
  it('the requester’s own approval is refused, with no modal and no patch', async () => {
    const before = patches(h, CLUSTER);
    await click(h, at(posted), APPROVE_ACTION_ID, posted.id, APPROVER);
    const shown = await waitForEphemeral(h, APPROVER, /Not done/);
    expect(shown).toContain('review-prod is a production cluster: the requester cannot approve their own proposal');
    expect(modalsFor(h, posted.id)).toEqual([]);
    expect(patches(h, CLUSTER)).toBe(before);
    expect(await remediateJobs(h)).toBe(0);
  });

  it('a first approval asks for one more in the thread and keeps the buttons', async () => {
    await click(h, at(posted), APPROVE_ACTION_ID, posted.id, APPROVER_2);
    const [modal] = await readyModals(h, posted.id);
    expect(modal!.view.submit).toEqual({ type: 'plain_text', text: 'Approve' });
    await submit(h, modal!, APPROVER_2);
    const note = await h.slack.waitFor(() => threadTexts(h, CHANNEL, posted.threadTs).find((t) => t.includes('more approval')), 15_000);
    expect(note).toContain('1 more approval needed');
    expect(approveValues(current(h, CHANNEL, posted.message.ts))).toEqual([posted.id]);
    expect(await remediateJobs(h)).toBe(0);
    // The same approver cannot count twice.
    await click(h, at(posted), APPROVE_ACTION_ID, posted.id, APPROVER_2);
    await waitForEphemeral(h, APPROVER_2, /you already approved this proposal/);
  });

  it('a member of an approver user group completes it: applied, and both approvers are named', async () => {
    await click(h, at(posted), APPROVE_ACTION_ID, posted.id, GROUP_MEMBER);
    const ready = await readyModals(h, posted.id, 2);
    const modal = ready.find((v) => (v.view.submit as { text?: string } | undefined)?.text === 'Approve and apply');
    expect(modal).toBeDefined();
    await submit(h, modal!, GROUP_MEMBER);
    const outcome = await h.slack.waitFor(() => threadTexts(h, CHANNEL, posted.threadTs).find((t) => t.includes('Applied')), 30_000);
    expect(outcome).toContain('verified');
    expect(stored(h, CLUSTER, 'deployments.apps', 'review', 'review').spec.template.metadata.labels.version).toBe('v1');
    const edited = await h.slack.waitFor(() => {
      const m = current(h, CHANNEL, posted.message.ts);
      return JSON.stringify(m.blocks).includes('applied') ? m : undefined;
    }, 15_000);
    expect(JSON.stringify(edited.blocks)).toContain(`Approved by <@${APPROVER_2}> and <@${GROUP_MEMBER}>`);
    expect(h.slack.calls.filter((c) => c.method === 'usergroups.users.list').length).toBeGreaterThan(0);
  });
});
