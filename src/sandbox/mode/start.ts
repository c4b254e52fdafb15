// Sandbox mode (issue 7): `npm start` with no Slack credentials. Starts, in this one process tree,
// a private redis-server (unless REDIS_URL is set), the sandbox clusters of every scenario (unless
// MESH_MEDIC_CLUSTERS is set), the bot with the local Slack emulator on its own server (page at
// `/`, Web API at `/api/`), and a worker; prints one line per thing started; stop() undoes it all,
// in the order that lets running work finish: worker, emulator and bot, clusters, redis, files.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BotSettings, SandboxEnv } from '../../config/env.ts';
import { type PrivateRedis, requireRedisServer, startPrivateRedis } from '../../redis/private-server.ts';
import { redactRedisUrl } from '../../redis/connections.ts';
import { startBot } from '../../server/bot.ts';
import type { Logger } from '../../server/logger.ts';
import { startDiagnoseWorker } from '../../workers/index.ts';
import { startSandbox } from '../sandbox.ts';
import { loadScenarios } from '../scenarios.ts';
import { createSlackEmulator, DEFAULT_CHANNELS, DEFAULT_USERS } from '../slack-emulator/index.ts';
import { generateSlackCredentials, writeCredentialsFile } from './credentials.ts';

export interface SandboxModeOptions {
  logger: Logger;
  /** Human lines ("redis: …"), one per call. */
  print: (line: string) => void;
  /** Base directory for a relative MESH_MEDIC_CLUSTERS. */
  cwd: string;
  /** Where the bot listens; default 127.0.0.1 (the emulator page acts as anyone: keep it local). */
  host?: string;
  /** Worker concurrency (default: the worker's). */
  concurrency?: number;
}

export interface RunningSandboxMode {
  /** What a person opens: `http://localhost:PORT`. */
  url: string;
  /** The bot's own URL (`http://127.0.0.1:PORT`). */
  botUrl: string;
  /** The run's directory (credentials, sandbox kubeconfigs); removed by stop(). */
  dir: string;
  /** The private redis-server, when one was started. */
  redis?: PrivateRedis;
  /** Last resort on a forced exit: kills the private redis-server synchronously. */
  killNow(): void;
  /** Stops everything this run started; idempotent. */
  stop(): Promise<void>;
}

type Stopper = { what: string; stop: () => Promise<void> };

const DEFAULT_CHANNEL = DEFAULT_CHANNELS[0]!.id;
const DEFAULT_APPROVER = DEFAULT_USERS[0]!;
const EXAMPLE = '/mesh diagnose hosted-east';

export async function startSandboxMode(env: SandboxEnv, opts: SandboxModeOptions): Promise<RunningSandboxMode> {
  // Before anything starts: a missing redis-server should cost the user nothing to clean up.
  if (!env.redisUrl) requireRedisServer(env.searchPath);
  const stoppers: Stopper[] = [];
  const stopAll = () => runStoppers(stoppers, opts.logger);
  try {
    return await startAll(env, opts, stoppers, stopAll);
  } catch (err) {
    await stopAll();
    throw err;
  }
}

async function startAll(env: SandboxEnv, opts: SandboxModeOptions, stoppers: Stopper[], stopAll: () => Promise<void>): Promise<RunningSandboxMode> {
  const { print, logger } = opts;
  print('mesh-medic sandbox mode (SLACK_BOT_TOKEN is unset): everything runs here, with a local Slack emulator instead of Slack');
  const dir = await mkdtemp(join(tmpdir(), 'mesh-medic-start-'));
  stoppers.push({ what: 'files', stop: () => rm(dir, { recursive: true, force: true }) });

  const redis = env.redisUrl ? undefined : await startPrivateRedis({ searchPath: env.searchPath });
  if (redis) stoppers.push({ what: 'redis', stop: () => redis.stop() });
  const redisUrl = redis?.url ?? (env.redisUrl as string);
  print(redis ? `redis:    private redis-server (pid ${redis.pid}) on ${redis.url}, data in ${redis.dir}` : `redis:    ${redactRedisUrl(redisUrl)} (REDIS_URL)`);

  const clustersPath = env.clustersPath ?? (await startClusters(dir, stoppers, print));
  const creds = generateSlackCredentials();
  await writeCredentialsFile(dir, creds);

  const host = opts.host ?? '127.0.0.1';
  const local = `http://127.0.0.1:${env.port}`;
  const settings: BotSettings = {
    slack: { ...creds, apiUrl: `${local}/api/` },
    redisUrl,
    clustersPath,
    port: env.port,
    channel: env.channel ?? DEFAULT_CHANNEL,
    approvers: env.approvers.length > 0 ? env.approvers : [DEFAULT_APPROVER.id],
    k8s: env.k8s,
    ...(env.approvalPolicy ? { approvalPolicy: env.approvalPolicy } : {}),
  };
  const emulator = createSlackEmulator({ botUrl: `${local}/slack/events`, baseUrl: `${local}/`, ...creds });
  const bot = await startBot(settings, { logger, host, cwd: opts.cwd, extraRoutes: async (req, res) => emulator.handle(req, res) }).catch((err: unknown) => {
    emulator.close();
    throw err;
  });
  // The emulator's event streams first: an open stream would hold the server's close() forever.
  stoppers.push({ what: 'bot and emulator', stop: () => closeBotAndEmulator(bot, emulator) });
  print(`bot:      listening on ${bot.http.url} (/slack/events, /healthz, /readyz, /metrics), ${bot.registry.clusters.length} clusters registered`);
  if (host !== '127.0.0.1' && host !== 'localhost') print(`warning:  listening on ${host}: anyone who can reach it can use the emulator page as any user`);

  const worker = startDiagnoseWorker(settings, { logger, metrics: bot.metrics, cwd: opts.cwd, ...(opts.concurrency ? { concurrency: opts.concurrency } : {}) });
  stoppers.push({ what: 'worker', stop: () => worker.close() });
  print(`worker:   diagnosis worker running in this process (concurrency ${opts.concurrency ?? 4})`);
  const approvers = settings.approvers.join(', ');
  print(`emulator: Slack emulator page at / and its Web API at /api/; users ${DEFAULT_USERS.map((u) => u.name).join(', ')} (approvers: ${approvers === DEFAULT_APPROVER.id ? DEFAULT_APPROVER.name : approvers}); credentials in ${dir}`);
  const url = `http://localhost:${bot.http.port}`;
  print(`open ${url} and type ${EXAMPLE} — Ctrl-C stops everything`);
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= stopAll();
    return stopping;
  };
  return { url, botUrl: bot.http.url, dir, ...(redis ? { redis } : {}), killNow: () => redis?.killNow(), stop };
}

async function startClusters(dir: string, stoppers: Stopper[], print: (line: string) => void): Promise<string> {
  const specs = loadScenarios('all');
  const sandbox = await startSandbox({ clusters: specs.flatMap((s) => s.clusters), meshes: specs.flatMap((s) => s.meshes), dir: join(dir, 'clusters') });
  stoppers.push({ what: 'sandbox clusters', stop: () => sandbox.stop() });
  print(`clusters: ${sandbox.clusters.size} sandbox clusters from ${specs.length} scenarios (HTTPS on 127.0.0.1), registry ${sandbox.registryPath}`);
  return sandbox.registryPath;
}

// A browser tab still open on the page keeps a connection alive; after the streams end, give
// requests in flight a moment, then cut what is left so Ctrl-C never hangs on a tab.
const FORCE_CLOSE_AFTER_MS = 2000;

async function closeBotAndEmulator(bot: Awaited<ReturnType<typeof startBot>>, emulator: ReturnType<typeof createSlackEmulator>): Promise<void> {
  emulator.close();
  const timer = setTimeout(() => bot.http.server.closeAllConnections(), FORCE_CLOSE_AFTER_MS);
  try {
    await bot.close();
  } finally {
    clearTimeout(timer);
  }
}

/** Newest first; one failing stop does not keep the rest running. */
async function runStoppers(stoppers: Stopper[], logger: Logger): Promise<void> {
  while (stoppers.length > 0) {
    const s = stoppers.pop() as Stopper;
    try {
      await s.stop();
    } catch (err) {
      logger.warn({ err: err instanceof Error ? err.message : String(err), what: s.what }, 'could not stop cleanly');
    }
  }
}
