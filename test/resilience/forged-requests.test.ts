// Requests that must not start or change anything. Unsigned, wrongly signed and replayed requests
// (slash commands and button clicks) get 401 from the real Bolt receiver. Correctly signed button
// clicks whose value is forged — a made-up proposal id, a real proposal posted on someone else's
// message, a value that is not an id, a huge value — get a refusal only the clicker sees, and
// nothing is queued, approved or patched (the sandbox request log has no PATCH).

import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApprovalStore } from '../../src/approvals/store.ts';
import type { Proposal } from '../../src/approvals/types.ts';
import { createAuditLog } from '../../src/audit/audit-log.ts';
import { loadRegistry } from '../../src/config/registry.ts';
import { RemediationRecords } from '../../src/queue/remediation-records.ts';
import type { Plan } from '../../src/remediations/types.ts';
import { APPROVE_ACTION_ID, REJECT_ACTION_ID } from '../../src/slack/render/index.ts';
import { blockActionsBody, buttonClickPayload, nowSeconds, postToBolt, signRequest, slashCommandBody } from '../helpers/slack-signing.ts';
import { blockTexts, CHANNEL, type Rig, SIGNING_SECRET, startRig, USER, until } from './harness.ts';
import { unescapedUserText } from './shown-text.ts';

const OTHER_CHANNEL = 'C0OTHERTEAM';

let rig: Rig;
let direct: Redis;
let proposal: Proposal;

beforeAll(async () => {
  // The clicking user is an approver: every refusal below is about the forged button, not about who clicked.
  rig = await startRig({ scenarios: ['hosted-xds-timeout'], approvers: [USER] });
  direct = new Redis(rig.redis.url, { maxRetriesPerRequest: null });
  const quiet = pino({ level: 'info' }, new Writable({ write: (_c, _e, done) => done() }));
  const store = createApprovalStore({
    redis: direct,
    registry: loadRegistry(rig.sandbox.registryPath),
    audit: createAuditLog({ redis: direct, logger: quiet }),
    settings: { defaultApprovers: [USER] },
  });
  proposal = await store.createProposal({ plan: networkLabelPlan(), finding: { check: 'gateway-readiness', summary: 'gateway not ready' }, requester: 'U0SOMEONE9' });
  // Someone else's proposal: its buttons were posted in another team's channel, on another message.
  await new RemediationRecords(direct).saveLocation(proposal.id, { channel: OTHER_CHANNEL, threadTs: '1700000000.000900', messageTs: '1700000000.000950' });
});

afterAll(async () => {
  direct?.disconnect();
  await rig?.stop();
});

function networkLabelPlan(): Plan {
  return {
    kind: 'plan',
    remediation: 'label-istio-system-network',
    title: 'Label namespace istio-system topology.istio.io/network=network1',
    cluster: 'hosted-east',
    target: { cluster: 'hosted-east', apiVersion: 'v1', kind: 'Namespace', name: 'istio-system', resourceVersion: '1' },
    patchType: 'merge',
    patch: { metadata: { labels: { 'topology.istio.io/network': 'network1' } } },
    changes: [{ path: ['metadata', 'labels', 'topology.istio.io/network'], before: undefined, after: 'network1' }],
    diff: [`metadata.labels['topology.istio.io/network']: (absent) → "network1"`],
    blastRadius: 'No pod restarts',
    namespaces: ['istio-system'],
    reason: 'test',
    notes: [],
    followUps: [],
    verification: { kind: 'check', check: 'network-labels' },
  };
}

/** BullMQ job ids of every queue under mesh-medic's prefix (diagnoses and remediations). */
async function queuedJobKeys(): Promise<string[]> {
  const keys = await direct.keys('mesh-medic:*:id');
  const jobs: string[] = [];
  for (const k of keys) if (Number(await direct.get(k)) > 0) jobs.push(k);
  return jobs;
}

const patches = () =>
  [...rig.sandbox.clusters.values()].flatMap((c) => c.requestLog.entries().filter((e) => ['patch', 'update', 'create', 'delete'].includes(e.verb)));

function click(actionId: string, value: string, at: { channel?: string; messageTs?: string } = {}) {
  const channel = at.channel ?? CHANNEL;
  return buttonClickPayload({
    actionId,
    value,
    userId: USER,
    channelId: channel,
    teamId: rig.slack.teamId,
    messageTs: at.messageTs ?? '1700000000.000100',
    responseUrl: rig.slack.responseUrl({ channel, user: USER }),
  });
}

describe('unsigned, forged and replayed requests', () => {
  it('get 401 for slash commands and button clicks alike, and start nothing', async () => {
    const command = slashCommandBody({ text: 'diagnose hosted-east', channel_id: CHANNEL, user_id: USER, team_id: rig.slack.teamId, response_url: rig.slack.responseUrl({ channel: CHANNEL, user: USER }) });
    const approve = blockActionsBody(click(APPROVE_ACTION_ID, proposal.id, { channel: OTHER_CHANNEL, messageTs: '1700000000.000950' }));
    for (const body of [command, approve]) {
      const answers = await Promise.all([
        postToBolt(rig.bot.eventsUrl, SIGNING_SECRET, body, { signature: null }),
        postToBolt(rig.bot.eventsUrl, 'not-the-signing-secret', body),
        postToBolt(rig.bot.eventsUrl, SIGNING_SECRET, body, { signature: `v0=${'0'.repeat(64)}` }),
        postToBolt(rig.bot.eventsUrl, SIGNING_SECRET, body, { timestamp: nowSeconds() - 6 * 60 }),
        // Dated ahead: would stay replayable past Slack's five-minute window.
        postToBolt(rig.bot.eventsUrl, SIGNING_SECRET, body, { timestamp: nowSeconds() + 6 * 60 }),
        // A valid signature over another body, replayed with this one.
        postToBolt(rig.bot.eventsUrl, SIGNING_SECRET, body, { signature: signRequest(SIGNING_SECRET, 'text=help')['x-slack-signature'] }),
      ]);
      expect(answers.map((a) => a.status)).toEqual([401, 401, 401, 401, 401, 401]);
    }
    expect(await queuedJobKeys()).toEqual([]);
    expect(rig.slack.messages()).toEqual([]);
    expect(rig.slack.ephemerals()).toEqual([]);
    expect(rig.slack.views()).toEqual([]);
  });
});

describe('signed clicks with forged button values', () => {
  // '' stands for the real proposal's id, which exists only once beforeAll has run.
  const forged: [string, string][] = [
    ['a made-up proposal id', 'f'.repeat(32)],
    ["someone else's proposal, clicked here", ''],
    ['a value that is not an id', '<!channel> ../../etc/passwd *x*'],
    ['a huge value', `${'9'.repeat(32)}${'<@U123>'.repeat(20_000)}`],
  ];

  it.each(forged)('%s: refused to the clicker only, nothing queued, approved or patched', async (_what, rawValue) => {
    const value = rawValue === '' ? proposal.id : rawValue;
    for (const actionId of [APPROVE_ACTION_ID, REJECT_ACTION_ID]) {
      const before = rig.slack.ephemerals().length;
      const res = await postToBolt(rig.bot.eventsUrl, SIGNING_SECRET, blockActionsBody(click(actionId, value)));
      expect(res.status).toBe(200);
      const answer = await until('the refusal', () => rig.slack.ephemerals().slice(before)[0]);
      expect(answer.user).toBe(USER);
      const text = [answer.text, ...blockTexts(answer.blocks)].join('\n');
      expect(text).toMatch(/nothing was (done|changed)/i);
      for (const t of [answer.text, ...blockTexts(answer.blocks)]) expect(unescapedUserText(t, value)).toEqual([]);
    }
    expect(await queuedJobKeys()).toEqual([]);
    expect(patches()).toEqual([]);
    expect(rig.slack.messages()).toEqual([]);
    expect(rig.slack.views()).toEqual([]);
    const stored = await createApprovalStore({ redis: direct, registry: loadRegistry(rig.sandbox.registryPath), audit: createAuditLog({ redis: direct, logger: pino({ enabled: false }) }) }).getProposal(proposal.id);
    expect(stored).toMatchObject({ state: 'pending', approvals: [], version: 0 });
  });
});
