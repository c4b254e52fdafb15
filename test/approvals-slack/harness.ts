// The approval flow through Slack, everything real: redis-server, the fake Slack Web API, sandbox
// clusters, and mesh-medic's bot and worker wired as `mesh-medic all` wires them, with approvers
// configured. People act the way Slack delivers their actions: signed block_actions built from the
// message the bot posted (as the fake workspace stores it), signed view_submission of the modal
// the bot opened.

import type { K8sObject } from '../../src/domain/k8s-object.ts';
import { REMEDIATE_QUEUE } from '../../src/queue/remediation-queue.ts';
import { QUEUE_PREFIX } from '../../src/queue/names.ts';
import type { ClusterSpec } from '../../src/sandbox/cluster-spec.ts';
import type { Sandbox } from '../../src/sandbox/sandbox.ts';
import { type AppIdentity, blockActionsPayload, viewSubmissionPayload } from '../../src/sandbox/slack-emulator/interactions.ts';
import type { RunningBot, } from '../../src/server/bot.ts';
import { APPROVE_ACTION_ID } from '../../src/slack/render/index.ts';
import { type RunningWorker, startDiagnoseWorker } from '../../src/workers/index.ts';
import { startBotRig } from '../helpers/bot-rig.ts';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { RunningFakeSlackApi, StoredMessage, StoredView, } from '../fakes/slack-api.ts';
import type { TestRedis } from '../helpers/redis.ts';
import { blockActionsBody, nowSeconds, postToBolt, slashCommandBody } from '../helpers/slack-signing.ts';

export const CHANNEL = 'C0INCIDENTS';
export const OTHER_CHANNEL = 'C0PLATFORM';
export const REQUESTER = 'U0ONCALL01';
export const APPROVER = 'U0ALICE001';
export const APPROVER_2 = 'U0BOB00001';
export const STRANGER = 'U0MALLORY1';
export const GROUP = 'S0MESHOPS1';
export const GROUP_MEMBER = 'U0CAROL001';
export const SIGNING_SECRET = 'approvals-slack-signing-secret-9f2c';
const BOT_TOKEN = 'xoxb-approvals-slack-test-token';

export interface Harness {
  redis: TestRedis;
  slack: RunningFakeSlackApi;
  sandbox: Sandbox;
  bot: RunningBot;
  worker: RunningWorker;
  /** A plain connection for looking at (and, for the expiry test, ageing) what is stored. */
  inspect: Redis;
  logs: string[];
  stop(): Promise<void>;
}

export interface HarnessOptions {
  scenarios: string[];
  mutate?: (clusters: ClusterSpec[]) => void;
  approvers?: string[];
}

export async function startHarness(opts: HarnessOptions): Promise<Harness> {
  const rig = await startBotRig({
    scenarios: opts.scenarios,
    botToken: BOT_TOKEN,
    signingSecret: SIGNING_SECRET,
    approvers: opts.approvers ?? [APPROVER, APPROVER_2, GROUP],
    ...(opts.mutate ? { mutate: opts.mutate } : {}),
    prepareSlack: (slack) => slack.addUserGroup(GROUP, [GROUP_MEMBER]),
  });
  try {
    const worker = startDiagnoseWorker(rig.settings, { logger: rig.logger, metrics: rig.bot.metrics, progressIntervalMs: 200 });
    rig.own({ stop: () => worker.close() });
    const inspect = new Redis(rig.redis.url, { maxRetriesPerRequest: 1 });
    rig.own({ stop: () => inspect.quit() });
    return { redis: rig.redis, slack: rig.slack, sandbox: rig.sandbox, bot: rig.bot, worker, inspect, logs: rig.logs, stop: rig.stop };
  } catch (err) {
    await rig.stop();
    throw err;
  }
}

const app = (h: Harness): AppIdentity => ({ appId: 'A0MESHMEDIC', teamId: h.slack.teamId, teamDomain: 'mesh-medic-fake', botId: h.slack.botId, botUserId: h.slack.botUserId });

/** Sends `/mesh <text>` signed, as `user` in `channel`. */
export async function slash(h: Harness, text: string, user = REQUESTER, channel = CHANNEL) {
  const body = slashCommandBody({ text, channel_id: channel, user_id: user, team_id: h.slack.teamId, response_url: h.slack.responseUrl({ channel, user }) });
  return postToBolt(h.bot.eventsUrl, SIGNING_SECRET, body, { timestamp: nowSeconds() });
}

export interface PostedProposal {
  id: string;
  channel: string;
  /** The diagnosis thread. */
  threadTs: string;
  /** The report message carrying the buttons. */
  message: StoredMessage;
}

/** Every Approve button value in a message. */
export function approveValues(m: { blocks: unknown[] }): string[] {
  const out: string[] = [];
  for (const b of m.blocks as { type?: string; elements?: { action_id?: string; value?: string }[] }[]) {
    if (b.type !== 'actions') continue;
    for (const el of b.elements ?? []) if (el.action_id === APPROVE_ACTION_ID && el.value) out.push(el.value);
  }
  return out;
}

/** Runs `/mesh diagnose <cluster> <check>` and waits for the report message with an Approve button. */
export async function diagnoseForProposal(h: Harness, cluster: string, check: string, user = REQUESTER): Promise<PostedProposal> {
  await diagnosesIdle(h);
  const seen = new Set(h.slack.messages(CHANNEL).flatMap((m) => approveValues(m)));
  const res = await slash(h, `diagnose ${cluster} ${check}`, user);
  if (res.status !== 200) throw new Error(`diagnose answered ${res.status}: ${res.body}`);
  const message = await h.slack.waitFor(
    (api) => api.messages(CHANNEL).find((m) => m.thread_ts && approveValues(m).some((v) => !seen.has(v))),
    30_000,
  );
  const id = approveValues(message).find((v) => !seen.has(v))!;
  return { id, channel: CHANNEL, threadTs: message.thread_ts!, message };
}

/** Waits until no diagnosis is waiting or running (a new request would join it instead). */
async function diagnosesIdle(h: Harness): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const counts = await h.bot.producer.withQueue((q) => q.getJobCounts('active', 'waiting', 'delayed', 'prioritized'));
    if (Object.values(counts).every((n) => n === 0)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('diagnoses still running after 30 s');
}

/** The stored message as it is now (edits applied). */
export function current(h: Harness, channel: string, ts: string): StoredMessage {
  const m = h.slack.findMessage(channel, ts);
  if (!m || !('edits' in m)) throw new Error(`no message ${ts} in ${channel}`);
  return m;
}

/** Where a button with this action id and value is in a message's blocks. */
function buttonRef(m: { blocks: unknown[] }, actionId: string, value: string) {
  const blocks = m.blocks as { type?: string; elements?: { action_id?: string; value?: string }[]; accessory?: { action_id?: string; value?: string } }[];
  for (const [blockIndex, b] of blocks.entries()) {
    if (b.accessory?.action_id === actionId && b.accessory.value === value) return { blockIndex, element: 'accessory' as const };
    const element = (b.elements ?? []).findIndex((el) => el.action_id === actionId && el.value === value);
    if (element >= 0) return { blockIndex, element };
  }
  return undefined;
}

export interface ClickOptions {
  /** Send this value instead of the button's (a forged payload). */
  forgeValue?: string;
  /** Pretend the click came from another channel. */
  channel?: string;
  /** Click on this version of the message (e.g. as it was before its buttons were replaced). */
  message?: StoredMessage;
}

/** A signed block_actions for the button `actionId` naming `value` on message `ts`, clicked by `user`. */
export async function click(h: Harness, where: { channel: string; ts: string }, actionId: string, value: string, user: string, opts: ClickOptions = {}) {
  const message = opts.message ?? current(h, where.channel, where.ts);
  const ref = buttonRef(message, actionId, value);
  if (!ref) throw new Error(`no ${actionId} button for ${value} on ${where.ts}`);
  const channel = opts.channel ?? where.channel;
  const payload = blockActionsPayload({
    app: app(h),
    actor: { id: user, name: user.toLowerCase() },
    channel: { id: channel, name: channel.toLowerCase() },
    message,
    ephemeral: false,
    ref,
    triggerId: `${Date.now()}.${Math.floor(Math.random() * 1e6)}.trigger`,
    responseUrl: h.slack.responseUrl({ channel, user, messageTs: where.ts }),
    actionTs: `${nowSeconds()}.000001`,
  });
  if (!payload) throw new Error('button vanished');
  if (opts.forgeValue !== undefined) (payload.actions as { value: string }[])[0]!.value = opts.forgeValue;
  if (opts.channel) {
    (payload.container as { channel_id: string }).channel_id = channel;
  }
  return postToBolt(h.bot.eventsUrl, SIGNING_SECRET, blockActionsBody(payload), { timestamp: nowSeconds() });
}

/** The confirmation modals opened for a proposal (latest version of each). */
export function modalsFor(h: Harness, id: string): StoredView[] {
  return h.slack.views().filter((v) => v.view.private_metadata === id);
}

/** Waits until `count` modals for the proposal show the dry-run answer (they can be submitted). */
export async function readyModals(h: Harness, id: string, count = 1): Promise<StoredView[]> {
  return h.slack.waitFor((api) => {
    const ready = api.views().filter((v) => v.view.private_metadata === id && v.view.submit);
    return ready.length >= count ? ready : undefined;
  }, 20_000);
}

/** A signed view_submission of a modal by `user`. */
export async function submit(h: Harness, view: StoredView, user: string) {
  const payload = viewSubmissionPayload({ app: app(h), actor: { id: user, name: user.toLowerCase() }, view, submitted: [], triggerId: `${Date.now()}.1.trigger` });
  return postToBolt(h.bot.eventsUrl, SIGNING_SECRET, blockActionsBody(payload), { timestamp: nowSeconds() });
}

/** Ephemeral messages `user` has been shown, as text. */
export function ephemeralTexts(h: Harness, user: string): string[] {
  return h.slack.ephemerals().filter((e) => e.user === user).map((e) => `${e.text}\n${JSON.stringify(e.blocks)}`);
}

/** Waits for a new ephemeral to `user` matching `pattern`. */
export function waitForEphemeral(h: Harness, user: string, pattern: RegExp): Promise<string> {
  return h.slack.waitFor(() => ephemeralTexts(h, user).find((t) => pattern.test(t)), 15_000);
}

/** Replies in a thread, as text (text plus every block text). */
export function threadTexts(h: Harness, channel: string, threadTs: string): string[] {
  return h.slack.thread(channel, threadTs).slice(1).map((m) => `${m.text}\n${JSON.stringify(m.blocks)}`);
}

/** Jobs in the remediate queue, in any state. */
export async function remediateJobs(h: Harness): Promise<number> {
  const queue = new Queue(REMEDIATE_QUEUE, { connection: h.inspect, prefix: QUEUE_PREFIX });
  try {
    const counts = await queue.getJobCounts();
    return Object.values(counts).reduce((a, b) => a + b, 0);
  } finally {
    await queue.close();
  }
}

/** Non-read requests a sandbox cluster answered (each dry run and each real patch is one PATCH). */
export function patches(h: Harness, cluster: string): number {
  return h.sandbox.cluster(cluster).requestLog.entries().filter((e) => e.verb === 'patch').length;
}

export function stored(h: Harness, cluster: string, plural: string, namespace: string | undefined, name: string): K8sObject {
  const obj = h.sandbox.cluster(cluster).store.get(plural, namespace, name);
  if (!obj) throw new Error(`no ${plural} ${namespace}/${name} in ${cluster}`);
  return structuredClone(obj);
}
