// The Slack pipeline as benchmarks 1, 3, 4 and 5 run it: a private redis-server (production's
// sandbox code), the fake Slack Web API in the benchmark process, and mesh-medic's bot and workers
// as their own processes (`node bin/mesh-medic.js bot|worker`), configured only through their
// environment as in production. Secrets here are made up per run and never printed.

import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { DiagnosisProducer } from '../../src/queue/producer.ts';
import { DIAGNOSE_QUEUE, QUEUE_PREFIX } from '../../src/queue/names.ts';
import { closeRedis, createRedisConnection, waitUntilReady } from '../../src/redis/connections.ts';
import { freePort, type PrivateRedis, startPrivateRedis } from '../../src/redis/private-server.ts';
import { type RunningFakeSlackApi, startFakeSlackApi } from '../../src/sandbox/slack-emulator/web-api/web-api.ts';
import { silentLogger } from '../../src/server/logger.ts';

/** Where redis-server and node are looked up (the benchmark does not read the environment). */
export const SEARCH_PATH = [dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin', '/usr/sbin'].join(':');
export const BENCH_CHANNEL = 'C0MESHBENCH';
export const BENCH_USER = 'U0BENCH001';

export interface Pipeline {
  redis: PrivateRedis;
  slack: RunningFakeSlackApi;
  botToken: string;
  signingSecret: string;
  /** A request-path connection and producer, as the bot has (enqueue, job counts). */
  connection: Redis;
  producer: DiagnosisProducer;
  /** The diagnosis queue, for job timestamps and clean-up between rounds. */
  queue: Queue;
  stop(): Promise<void>;
}

export async function startPipeline(): Promise<Pipeline> {
  const botToken = `xoxb-bench-${randomBytes(8).toString('hex')}`;
  const signingSecret = randomBytes(16).toString('hex');
  const redis = await startPrivateRedis({ searchPath: SEARCH_PATH });
  const slack = await startFakeSlackApi({ botToken }).catch(async (err: unknown) => {
    await redis.stop();
    throw err;
  });
  const connection = createRedisConnection(redis.url, 'request-path', { name: 'bench', logger: silentLogger() });
  await waitUntilReady(connection, 5_000);
  const producer = new DiagnosisProducer(connection);
  const queue = new Queue(DIAGNOSE_QUEUE, { connection, prefix: QUEUE_PREFIX });
  queue.on('error', () => {});
  return {
    redis,
    slack,
    botToken,
    signingSecret,
    connection,
    producer,
    queue,
    async stop() {
      await queue.close().catch(() => undefined);
      await producer.close();
      await closeRedis(connection).catch(() => undefined);
      await slack.close().catch(() => undefined);
      await redis.stop();
    },
  };
}

/** Forgets every job and Slack message of the previous round (jobs, effects, dedup keys). */
export async function clearRound(p: Pipeline): Promise<void> {
  await p.connection.flushdb();
  p.slack.reset();
}

/** Jobs in the diagnosis queue in any state. */
export async function diagnoseJobs(p: Pipeline): Promise<number> {
  const counts = await p.queue.getJobCounts();
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

export interface MeshMedicProcess {
  child: ChildProcess;
  port: number;
  url: string;
  output(): string;
  /** SIGTERM (graceful stop), SIGKILL after 10 s. */
  stop(): Promise<void>;
}

export interface SpawnOptions {
  clustersPath: string;
  root: string;
  /** Extra environment (MESH_MEDIC_ALERT_TOKEN, MESH_MEDIC_K8S_TIMEOUT_MS, NODE_OPTIONS, ...). */
  env?: Record<string, string>;
  args?: string[];
}

const READY = { bot: /bot listening/, worker: /worker started/ } as const;
const OUTPUT_TAIL = 20_000;

/**
 * Opt-in CPU profiles of the spawned bot/worker while investigating: with MESH_MEDIC_BENCH_CPU_PROF
 * set to a directory, each process writes a .cpuprofile there when it exits. Read here (bench code,
 * not src/config) because it configures the benchmark, not mesh-medic.
 */
function profilingArgs(): string[] {
  const dir = process.env.MESH_MEDIC_BENCH_CPU_PROF;
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
}

/** `node bin/mesh-medic.js bot|worker`, waited for until it logs that it serves. */
export async function spawnMeshMedic(p: Pipeline, command: 'bot' | 'worker', opts: SpawnOptions): Promise<MeshMedicProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [...profilingArgs(), 'bin/mesh-medic.js', command, '--host', '127.0.0.1', ...(opts.args ?? [])], {
    cwd: opts.root,
    env: {
      PATH: SEARCH_PATH,
      SLACK_BOT_TOKEN: p.botToken,
      SLACK_SIGNING_SECRET: p.signingSecret,
      SLACK_API_URL: p.slack.url,
      REDIS_URL: p.redis.url,
      MESH_MEDIC_CLUSTERS: opts.clustersPath,
      MESH_MEDIC_CHANNEL: BENCH_CHANNEL,
      PORT: String(port),
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const onData = (chunk: Buffer) => {
    text = (text + chunk.toString('utf8')).slice(-OUTPUT_TAIL);
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const proc: MeshMedicProcess = {
    child,
    port,
    url: `http://127.0.0.1:${port}`,
    output: () => text,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
  const deadline = performance.now() + 60_000;
  while (!READY[command].test(text)) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`mesh-medic ${command} exited before serving:\n${text.slice(-2_000)}`);
    if (performance.now() > deadline) {
      await proc.stop();
      throw new Error(`mesh-medic ${command} did not start within 60 s:\n${text.slice(-2_000)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return proc;
}

/** What the fake Slack saw, with the benchmark clock's time of each call. */
export interface SlackCall {
  at: number;
  method: string;
  channel?: string;
  threadTs?: string;
  ts?: string;
  text: string;
}

export function recordSlack(p: Pipeline): { calls: SlackCall[]; stop: () => void } {
  const calls: SlackCall[] = [];
  const stop = p.slack.subscribe((e) => {
    if (e.type !== 'call') return;
    const a = e.call.args as Record<string, unknown>;
    calls.push({
      at: performance.now(),
      method: e.call.method,
      ...(typeof a.channel === 'string' ? { channel: a.channel } : {}),
      ...(typeof a.thread_ts === 'string' ? { threadTs: a.thread_ts } : {}),
      ...(typeof a.ts === 'string' ? { ts: a.ts } : {}),
      text: typeof a.text === 'string' ? a.text : '',
    });
  });
  return { calls, stop };
}

/** A parent message edited to its verdict (what a person sees when the diagnosis is over). */
export const isVerdict = (c: SlackCall): boolean => c.method === 'chat.update' && !/^Diagnosing |^Diagnosis of .* failed/.test(c.text);
export const isProgress = (c: SlackCall): boolean => c.method === 'chat.update' && /^Diagnosing .*checks done/.test(c.text);
export const isReportPart = (c: SlackCall): boolean => c.method === 'chat.postMessage' && c.threadTs !== undefined;
export const isParentPost = (c: SlackCall): boolean => c.method === 'chat.postMessage' && c.threadTs === undefined;

/** Polls until `probe` is truthy; throws naming `what` after `timeoutMs`. */
export async function until<T>(what: string, probe: () => T | undefined | null | false | Promise<T | undefined | null | false>, timeoutMs: number): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (performance.now() > deadline) throw new Error(`gave up waiting for ${what} after ${Math.round(timeoutMs / 1000)} s`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
