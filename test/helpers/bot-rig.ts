// What the bot, approval and resilience tests all start for real: a redis-server, the fake Slack
// Web API, sandbox clusters replaying scenarios, and the bot wired as `mesh-medic bot` wires it.
// Workers are added by each harness (in this process, or as child processes a test can kill).

import { Writable } from 'node:stream';
import { type BotSettings, DEFAULT_K8S_CONFIG, type K8sAccessConfig } from '../../src/config/env.ts';
import type { ClusterSpec } from '../../src/sandbox/cluster-spec.ts';
import { type Sandbox, startSandbox } from '../../src/sandbox/sandbox.ts';
import { loadScenarios } from '../../src/sandbox/scenarios.ts';
import { type RunningBot, startBot } from '../../src/server/bot.ts';
import { createLogger, type Logger } from '../../src/server/logger.ts';
import { type RunningFakeSlackApi, startFakeSlackApi } from '../fakes/slack-api.ts';
import { startRedis, type TestRedis } from './redis.ts';

export interface BotRig {
  redis: TestRedis;
  slack: RunningFakeSlackApi;
  sandbox: Sandbox;
  bot: RunningBot;
  settings: BotSettings;
  /** Every log line written by the bot and by workers given `logger`. */
  logs: string[];
  logger: Logger;
  /** Stops what was added with own() (newest first), then the bot, the sandbox, Slack and Redis. */
  stop(): Promise<void>;
  /** Adds something for stop() to stop before the rig itself (workers, connections). */
  own(stoppable: { stop(): Promise<unknown> }): void;
}

export interface BotRigOptions {
  scenarios: string[];
  botToken: string;
  signingSecret: string;
  appendonly?: boolean;
  k8s?: Partial<K8sAccessConfig>;
  /** MESH_MEDIC_APPROVERS. */
  approvers?: string[];
  /** Changes the scenario clusters before the sandbox serves them. */
  mutate?: (clusters: ClusterSpec[]) => void;
  /** Further settings (default channel, alerts, …) merged over the rig's own. */
  settings?: Partial<BotSettings>;
  /** Runs once the fake Slack API is up, before the bot starts (users, user groups). */
  prepareSlack?: (slack: RunningFakeSlackApi) => void;
}

export function memoryLogger(logs: string[]): Logger {
  const destination = new Writable({
    write(chunk, _enc, done) {
      logs.push(String(chunk));
      done();
    },
  });
  return createLogger({ level: 'info', destination });
}

export async function startBotRig(opts: BotRigOptions): Promise<BotRig> {
  const logs: string[] = [];
  const logger = memoryLogger(logs);
  const started: { stop(): Promise<unknown> }[] = [];
  const stopAll = async () => {
    for (const s of started.splice(0).reverse()) await s.stop().catch(() => undefined);
  };
  try {
    const redis = await startRedis({ appendonly: opts.appendonly ?? false });
    started.push({ stop: () => redis.close() });
    const slack = await startFakeSlackApi({ botToken: opts.botToken });
    started.push({ stop: () => slack.close() });
    opts.prepareSlack?.(slack);
    const specs = loadScenarios(opts.scenarios);
    const clusters = specs.flatMap((s) => s.clusters);
    opts.mutate?.(clusters);
    const sandbox = await startSandbox({ clusters, meshes: specs.flatMap((s) => s.meshes) });
    started.push(sandbox);
    const settings: BotSettings = {
      slack: { botToken: opts.botToken, signingSecret: opts.signingSecret, apiUrl: slack.url },
      redisUrl: redis.url,
      clustersPath: sandbox.registryPath,
      port: 0,
      approvers: opts.approvers ?? [],
      k8s: { ...DEFAULT_K8S_CONFIG, ...opts.k8s },
      ...opts.settings,
    };
    const bot = await startBot(settings, { logger, host: '127.0.0.1' });
    started.push({ stop: () => bot.close() });
    return { redis, slack, sandbox, bot, settings, logs, logger, stop: stopAll, own: (s) => started.push(s) };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
