// Seed 003 end to end through Slack: a signed `/mesh diagnose` of review-prod posts the report with
// Approve / Reject; an approver's signed click opens the confirmation modal with the exact change
// and the API server's dry run; submitting it queues the remediation job, which patches the
// Deployment exactly as planned, verifies it, says so in the thread and replaces the buttons with
// who approved and the outcome, offering Undo. Undo (approved like any fix) restores the object,
// and `/mesh audit` lists what happened.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLUSTER_CHANGES_KEY } from '../../src/queue/names.ts';
import { APPROVE_ACTION_ID } from '../../src/slack/render/index.ts';
import { UNDO_ACTION_ID } from '../../src/slack/render/remediation.ts';
import {
  APPROVER,
  APPROVER_2,
  approveValues,
  CHANNEL,
  click,
  current,
  diagnoseForProposal,
  type Harness,
  modalsFor,
  patches,
  type PostedProposal,
  REQUESTER,
  readyModals,
  remediateJobs,
  slash,
  startHarness,
  stored,
  submit,
  threadTexts,
  waitForEphemeral,
} from './harness.ts';

const CLUSTER = 'review-prod';
const CHECK = 'subset-no-endpoints';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ scenarios: ['subset-missing-version-label'] });
});

afterAll(async () => {
  await h?.stop();
});

const deployment = () => stored(h, CLUSTER, 'deployments.apps', 'review', 'review');

function texts(blocks: unknown): string {
  return JSON.stringify(blocks);
}

describe('approve → confirm with dry run → apply → verified, then undo', () => {
  let posted: PostedProposal;
  let before: ReturnType<typeof deployment>;

  it('the report carries Approve / Reject naming a stored proposal, and nothing else', async () => {
    before = deployment();
    posted = await diagnoseForProposal(h, CLUSTER, CHECK);
    expect(posted.id).toMatch(/^[0-9a-f]{32}$/);
    const buttons = (posted.message.blocks as { type: string; elements?: { value?: string; action_id?: string }[] }[]).filter((b) => b.type === 'actions');
    expect(buttons.flatMap((b) => b.elements ?? []).map((e) => [e.action_id, e.value])).toEqual([
      [APPROVE_ACTION_ID, posted.id],
      ['remediation_reject', posted.id],
    ]);
  });

  it('an approver’s click opens the confirmation with the exact change and the server-side dry run', async () => {
    const patchesBefore = patches(h, CLUSTER);
    const res = await click(h, { channel: CHANNEL, ts: posted.message.ts }, APPROVE_ACTION_ID, posted.id, APPROVER);
    expect(res.status).toBe(200);
    const [modal] = await readyModals(h, posted.id);
    const shown = texts(modal!.view.blocks);
    expect(shown).toContain('spec.template.metadata.labels.version: (absent) → \\"v1\\"');
    expect(shown).toContain('Server-side dry run: accepted');
    expect(shown).toContain('Rolls 1 pod of review/review');
    expect(shown).toContain('Namespaces touched:* `review`');
    expect(modal!.view.private_metadata).toBe(posted.id);
    // The dry run is one PATCH (dryRun=All); the object did not change and nothing was queued.
    expect(patches(h, CLUSTER)).toBe(patchesBefore + 1);
    expect(deployment()).toEqual(before);
    expect(await remediateJobs(h)).toBe(0);
  });

  it('submitting applies it: the thread says verified, the object changed exactly as planned, the buttons show who and Undo', async () => {
    const [modal] = await readyModals(h, posted.id);
    expect((await submit(h, modal!, APPROVER)).status).toBe(200);
    const outcome = await h.slack.waitFor(() => threadTexts(h, CHANNEL, posted.threadTs).find((t) => t.includes('Applied')), 30_000);
    expect(outcome).toContain('Applied · verified');
    // Every worker's next diagnosis re-reads this cluster rather than a peer read cached before the fix.
    expect(Number(await h.inspect.hget(CLUSTER_CHANGES_KEY, CLUSTER))).toBeGreaterThan(Date.now() - 60_000);
    const after = deployment();
    expect(after.spec.template.metadata.labels).toEqual({ ...before.spec.template.metadata.labels, version: 'v1' });
    expect(after.spec.selector).toEqual(before.spec.selector);
    expect({ ...after.spec, template: undefined }).toEqual({ ...before.spec, template: undefined });
    expect(await remediateJobs(h)).toBe(1);

    const edited = await h.slack.waitFor(() => {
      const m = current(h, CHANNEL, posted.message.ts);
      return texts(m.blocks).includes('verified') ? m : undefined;
    }, 15_000);
    expect(approveValues(edited)).toEqual([]);
    const decision = texts(edited.blocks);
    expect(decision).toMatch(new RegExp(`Approved by <@${APPROVER}> at \\d\\d:\\d\\d UTC · applied · verified`));
    expect(decision).toContain(`"action_id":"${UNDO_ACTION_ID}","value":"${posted.id}"`);
    await waitForEphemeral(h, APPROVER, /being applied/);
  });

  it('Undo proposes the reverse change; once approved it restores the object', async () => {
    const res = await click(h, { channel: CHANNEL, ts: posted.message.ts }, UNDO_ACTION_ID, posted.id, REQUESTER);
    expect(res.status).toBe(200);
    const undoMessage = await h.slack.waitFor(
      (api) => api.thread(CHANNEL, posted.threadTs).find((m) => m.text.startsWith('Undo proposed') && approveValues(m).length === 1),
      15_000,
    );
    const undoId = approveValues(undoMessage)[0]!;
    expect(undoId).not.toBe(posted.id);
    expect(texts(undoMessage.blocks)).toContain('spec.template.metadata.labels.version: \\"v1\\" → (absent)');
    // A second Undo click proposes nothing new.
    await click(h, { channel: CHANNEL, ts: posted.message.ts }, UNDO_ACTION_ID, posted.id, REQUESTER).catch(() => undefined);
    await waitForEphemeral(h, REQUESTER, /already proposed|Undo proposed/);

    await click(h, { channel: CHANNEL, ts: undoMessage.ts }, APPROVE_ACTION_ID, undoId, APPROVER_2);
    const [modal] = await readyModals(h, undoId);
    await submit(h, modal!, APPROVER_2);
    await h.slack.waitFor(() => threadTexts(h, CHANNEL, posted.threadTs).filter((t) => t.includes('Applied')).length >= 2 || undefined, 30_000);
    const restored = deployment();
    expect(restored.spec.template.metadata.labels).toEqual(before.spec.template.metadata.labels);
    expect(h.slack.thread(CHANNEL, posted.threadTs).filter((m) => m.text.startsWith('Undo proposed'))).toHaveLength(1);
    expect(modalsFor(h, undoId)).toHaveLength(1);
  });

  it('/mesh audit lists the proposal, the approvals, the apply and the verification', async () => {
    const res = await slash(h, `audit ${CLUSTER}`, APPROVER);
    expect(res.status).toBe(200);
    const shown = await waitForEphemeral(h, APPROVER, /Audit log of review-prod/);
    for (const word of ['proposal-created', 'approval', 'dry-run', 'apply', 'verify', 'undo-proposed']) expect(shown).toContain(`*${word}*`);
    expect(shown).toContain(`<@${APPROVER}>`);
    expect(shown).toContain('Deployment review/review');
    expect(shown).not.toMatch(/xoxb-|BEGIN [A-Z ]*PRIVATE KEY|client-key-data/);
  });

  it('/metrics counts the approvals and the applied remediations by outcome', async () => {
    const metrics = await (await fetch(`${h.bot.http.url}/metrics`)).text();
    expect(metrics).toMatch(/mesh_medic_approvals_total\{outcome="approved"\} [1-9]/);
    expect(metrics).toMatch(/mesh_medic_remediations_total\{remediation="add-subset-label",outcome="applied"\} 1\b/);
  });
});
