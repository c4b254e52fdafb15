// What the resilience tests start for real: a redis-server, the fake Slack Web API, sandbox
// clusters replaying a scenario and the bot, wired as `mesh-medic bot` wires them. Workers are
// started separately (in this process, or as `mesh-medic worker` child processes that a test can
// SIGKILL), because what happens to jobs while no worker runs is part of what these tests prove.

import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { K8sAccessConfig } from '../../src/config/env.ts';
import { EffectsStore } from '../../src/queue/effects.ts';
import { type RunningWorker, startDiagnoseWorker, type WorkerOptions } from '../../src/workers/index.ts';
import { blockTexts } from '../bot/harness.ts';
import { type BotRig, startBotRig } from '../helpers/bot-rig.ts';
import { freePort } from '../helpers/redis.ts';
import { nowSeconds, postToBolt, slashCommandBody } from '../helpers/slack-signing.ts';

export { blockTexts } from '../bot/harness.ts';

export const CHANNEL = 'C0RESILIENCE';
export const USER = 'U0ONCALL01';
export const SIGNING_SECRET = 'resilience-signing-secret-91c4';
export const BOT_TOKEN = 'xoxb-resilience-bot-token-3f0e';
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export type Rig = BotRig;

export interface RigOptions {
  scenarios: string[];
  appendonly?: boolean;
  k8s?: Partial<K8sAccessConfig>;
  /** MESH_MEDIC_APPROVERS. */
  approvers?: string[];
}

export function startRig(opts: RigOptions): Promise<Rig> {
  return startBotRig({ ...opts, botToken: BOT_TOKEN, signingSecret: SIGNING_SECRET });
}

/** A diagnosis worker inside the test process, stopped with the rig. */
export function startWorker(rig: Rig, opts: Partial<WorkerOptions> = {}): RunningWorker {
  const worker = startDiagnoseWorker(rig.settings, { logger: rig.logger, progressIntervalMs: 200, ...opts });
  rig.own({ stop: () => worker.close() });
  return worker;
}

export interface WorkerProcess {
  child: ChildProcess;
  /** Everything it wrote to stdout and stderr so far (JSON log lines). */
  output(): string;
  /** Resolves when its output matches `pattern`; rejects if it exits first or after `timeoutMs`. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
  kill(signal: NodeJS.Signals): Promise<void>;
}

/**
 * `node bin/mesh-medic.js worker` as its own process, configured only through the environment,
 * as in production. `env` adds variables (MESH_MEDIC_JOB_LOCK_MS, ...).
 */
export async function spawnWorkerProcess(rig: Rig, env: Record<string, string> = {}): Promise<WorkerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['bin/mesh-medic.js', 'worker', '--host', '127.0.0.1', '--concurrency', '2'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/tmp',
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: rig.slack.url,
      REDIS_URL: rig.redis.url,
      MESH_MEDIC_CLUSTERS: rig.sandbox.registryPath,
      MESH_MEDIC_K8S_TIMEOUT_MS: String(rig.settings.k8s.timeoutMs),
      PORT: String(port),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    text += chunk.toString('utf8');
    for (const l of listeners) l();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const proc: WorkerProcess = {
    child,
    output: () => text,
    waitForOutput(pattern, timeoutMs = 20_000) {
      return new Promise<void>((resolve, reject) => {
        const done = (err?: Error) => {
          listeners.delete(check);
          clearTimeout(timer);
          if (err) reject(err);
          else resolve();
        };
        const check = () => {
          if (pattern.test(text)) done();
          else if (child.exitCode !== null || child.signalCode !== null) done(new Error(`worker exited (${child.exitCode ?? child.signalCode}) before ${pattern}:\n${text}`));
        };
        const timer = setTimeout(() => done(new Error(`worker output did not match ${pattern} within ${timeoutMs} ms:\n${text}`)), timeoutMs);
        listeners.add(check);
        void exited.then(check);
        check();
      });
    },
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
  rig.own({ stop: () => proc.kill('SIGKILL') });
  return proc;
}

export interface SlashResponse {
  status: number;
  /** The raw HTTP body of the ack. */
  body: string;
  ack?: { response_type?: string; text?: string; blocks?: unknown[] };
  /** The ack's text and every text in its blocks. */
  ackText: string;
}

export async function slash(rig: Pick<Rig, 'bot' | 'slack'>, text: string, opts: { user?: string; channel?: string } = {}): Promise<SlashResponse> {
  const channel = opts.channel ?? CHANNEL;
  const user = opts.user ?? USER;
  const body = slashCommandBody({ text, channel_id: channel, user_id: user, team_id: rig.slack.teamId, response_url: rig.slack.responseUrl({ channel, user }) });
  const res = await postToBolt(rig.bot.eventsUrl, SIGNING_SECRET, body, { timestamp: nowSeconds() });
  let ack: SlashResponse['ack'];
  if (res.body !== '') ack = JSON.parse(res.body);
  return { status: res.status, body: res.body, ...(ack ? { ack } : {}), ackText: [ack?.text ?? '', ...blockTexts(ack?.blocks ?? [])].join('\n') };
}

export const messageText = (m: { text: string; blocks: unknown[] }): string => [m.text, ...blockTexts(m.blocks)].join('\n');

/** Top-level messages of the channel. */
export const parentsOf = (rig: Rig, channel = CHANNEL) => rig.slack.messages(channel).filter((m) => !m.thread_ts);

/** The parent of `cluster` once it shows a verdict, leaving out parents in `seen`. */
export function finishedParent(rig: Rig, cluster: string, seen: ReadonlySet<string> = new Set(), timeoutMs = 40_000) {
  return rig.slack.waitFor(
    (s) =>
      s
        .messages(CHANNEL)
        .find((m) => !m.thread_ts && !seen.has(m.ts) && m.text.startsWith(`${cluster}:`) && /failing check|could not decide|Could not diagnose/i.test(m.text)),
    timeoutMs,
  );
}

/** The thread replies of a parent, as text (what a person reads as the report). */
export function reportOf(rig: Rig, parentTs: string): string[] {
  return rig.slack.thread(CHANNEL, parentTs).slice(1).map(messageText);
}

/** Jobs in the diagnosis queue in any state. */
export async function totalJobs(rig: Rig): Promise<number> {
  const counts = await rig.bot.producer.withQueue((q) => q.getJobCounts());
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

/** Until no diagnosis waits or runs (a worker finishes a job just after its last post). */
export async function queueIdle(rig: Rig): Promise<void> {
  for (;;) {
    const c = await rig.bot.producer.withQueue((q) => q.getJobCounts('active', 'waiting', 'delayed', 'prioritized'));
    if (Object.values(c).every((n) => n === 0)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Polls `probe` until it returns something truthy; fails naming `what` after `timeoutMs`. */
export async function until<T>(what: string, probe: () => Promise<T | undefined | null | false> | T | undefined | null | false, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The recorded parent message of the one active diagnosis of `cluster` (what a rerun reuses). */
export async function recordedParent(rig: Rig, cluster: string): Promise<{ jobId: string; channel: string; ts: string }> {
  const effects = new EffectsStore(rig.bot.redis);
  return until(`the recorded parent of ${cluster}'s diagnosis`, async () => {
    const active = await rig.bot.producer.withQueue((q) => q.getJobs(['active']));
    const job = active.find((j) => (j.data as { cluster?: string }).cluster === cluster);
    const thread = job?.id ? await effects.threadOf(job.id) : undefined;
    return thread && job?.id ? { jobId: job.id, ...thread } : undefined;
  });
}
