// Everything the bot tests start for real: a redis-server, the fake Slack Web API, sandbox
// clusters replaying a scenario, and mesh-medic's bot and worker wired to them exactly as
// `mesh-medic all` wires them (same settings type; only the port and log sink differ).

import type { BotSettings } from '../../src/config/env.ts';
import type { Sandbox } from '../../src/sandbox/sandbox.ts';
import type { RunningBot, } from '../../src/server/bot.ts';
import type { Logger } from '../../src/server/logger.ts';
import { type RunningWorker, startDiagnoseWorker, type WorkerOptions } from '../../src/workers/index.ts';
import { startBotRig } from '../helpers/bot-rig.ts';
import type { RunningFakeSlackApi, } from '../fakes/slack-api.ts';
import { nowSeconds, postToBolt, slashCommandBody } from '../helpers/slack-signing.ts';
import type { TestRedis } from '../helpers/redis.ts';

export const CHANNEL = 'C0INCIDENTS';
export const OTHER_CHANNEL = 'C0PLATFORM';
export const USER = 'U0ONCALL01';
export const SIGNING_SECRET = 'bot-test-signing-secret-5d1e';
export const BOT_TOKEN = 'xoxb-bot-test-token-77aa';

export interface Harness {
  redis: TestRedis;
  slack: RunningFakeSlackApi;
  sandbox: Sandbox;
  bot: RunningBot;
  worker: RunningWorker;
  settings: BotSettings;
  /** Every log line written by the bot and the worker. */
  logs: string[];
  logger: Logger;
  stop(): Promise<void>;
}

export async function startHarness(opts: { scenarios: string[]; appendonly?: boolean; worker?: Partial<WorkerOptions> }): Promise<Harness> {
  const rig = await startBotRig({ scenarios: opts.scenarios, appendonly: opts.appendonly, botToken: BOT_TOKEN, signingSecret: SIGNING_SECRET });
  try {
    const worker = startDiagnoseWorker(rig.settings, { logger: rig.logger, metrics: rig.bot.metrics, progressIntervalMs: 200, ...opts.worker });
    rig.own({ stop: () => worker.close() });
    return { ...rig, worker };
  } catch (err) {
    await rig.stop();
    throw err;
  }
}

export interface CommandOptions {
  channel?: string;
  user?: string;
  /** Signing time (default now). */
  timestamp?: number;
  /** `null`: unsigned; a string: that signature instead of the right one. */
  signature?: string | null;
  secret?: string;
}

export interface CommandResponse {
  status: number;
  /** The ack's JSON body (what Slack shows the user at once), if any. */
  ack?: { response_type?: string; text?: string; blocks?: unknown[] };
  /** Every mrkdwn/plain text in the ack's blocks, joined. */
  ackText: string;
}

/** Sends `/mesh <text>` to the real Bolt receiver, signed as Slack signs it (or deliberately not). */
export async function slash(h: Harness, text: string, opts: CommandOptions = {}): Promise<CommandResponse> {
  const channel = opts.channel ?? CHANNEL;
  const user = opts.user ?? USER;
  const body = slashCommandBody({
    text,
    channel_id: channel,
    user_id: user,
    team_id: h.slack.teamId,
    response_url: h.slack.responseUrl({ channel, user }),
  });
  const post = await postToBolt(h.bot.eventsUrl, opts.secret ?? SIGNING_SECRET, body, {
    timestamp: opts.timestamp ?? nowSeconds(),
    ...(opts.signature !== undefined ? { signature: opts.signature } : {}),
  });
  let ack: CommandResponse['ack'];
  try {
    ack = post.body ? JSON.parse(post.body) : undefined;
  } catch {
    ack = undefined;
  }
  return { status: post.status, ...(ack ? { ack } : {}), ackText: blockTexts(ack?.blocks ?? []).join('\n') };
}

/** Every mrkdwn or plain text in a list of blocks. */
export function blockTexts(blocks: unknown): string[] {
  const out: string[] = [];
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if ((o.type === 'mrkdwn' || o.type === 'plain_text') && typeof o.text === 'string') out.push(o.text);
      for (const value of Object.values(o)) visit(value);
    }
  };
  visit(blocks);
  return out;
}

/** Jobs in the diagnosis queue in any state (nothing is removed within a test run). */
export async function totalJobs(h: Harness): Promise<number> {
  const counts = await h.bot.producer.withQueue((q) => q.getJobCounts());
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

async function readKey(r: Harness['bot']['redis'], key: string): Promise<unknown> {
  switch (await r.type(key)) {
    case 'string':
      return r.get(key);
    case 'hash':
      return r.hgetall(key);
    case 'list':
      return r.lrange(key, '0', '-1');
    case 'set':
      return r.smembers(key);
    case 'zset':
      return r.zrange(key, '0', '-1');
    case 'stream':
      return r.xrange(key, '-', '+');
    default:
      return '(other type)';
  }
}

/** Every key and value in Redis, as text (to prove what is, and is not, stored there). */
export async function redisDump(h: Harness): Promise<string> {
  const r = h.bot.redis;
  const out: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await r.scan(cursor, 'COUNT', '500');
    cursor = next;
    for (const key of keys) {
      out.push(`${key} ${JSON.stringify(await readKey(r, key))}`);
    }
  } while (cursor !== '0');
  return out.join('\n');
}
