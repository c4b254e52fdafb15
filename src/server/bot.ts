// `mesh-medic bot`: the Bolt app behind one HTTP server, with a request-path Redis connection for
// the bounded enqueue. Start-up refuses to continue on a broken registry (the bot validates
// cluster names against it); it does not wait for Redis (that is what /readyz reports).

import type { RequestListener, ServerResponse } from 'node:http';
import { resolve } from 'node:path';
import type { Redis } from 'ioredis';
import type { App } from '@slack/bolt';
import { type AlertsHandler, createAlertsHandler } from '../alerts/index.ts';
import { CHECKS } from '../checks/index.ts';
import type { BotSettings } from '../config/env.ts';
import { loadRegistry } from '../config/registry.ts';
import type { Registry } from '../domain/cluster.ts';
import { EffectsStore } from '../queue/effects.ts';
import { DiagnosisProducer } from '../queue/producer.ts';
import { approvalSettingsFrom, createRemediationServices } from '../queue/remediation-services.ts';
import { closeRedis, createRedisConnection, redisReachable, waitUntilReady, withTimeout } from '../redis/connections.ts';
import { registerListeners } from '../slack/listeners/index.ts';
import { createSlackClient, SlackNotifier } from '../slack/notify.ts';
import { type HttpServerOptions, type Readiness, type RunningHttpServer, startHttpServer } from './http-server.ts';
import type { Logger } from './logger.ts';
import { createMetrics, type Metrics } from './metrics.ts';
import { loadPlaybooksOrWarn } from './playbooks.ts';
import { createSlackApp } from './slack-app.ts';

const REDIS_STARTUP_WAIT_MS = 5000;

export interface BotOptions {
  logger: Logger;
  /** Shared with workers in `mesh-medic all`; created here otherwise. */
  metrics?: Metrics;
  /** Default 0.0.0.0. */
  host?: string;
  /** Base directory for a relative clusters path (default: the process's cwd). */
  cwd?: string;
  extraRoutes?: HttpServerOptions['extraRoutes'];
}

export interface RunningBot {
  app: App;
  http: RunningHttpServer;
  /** `http://host:port/slack/events` (HTTP mode). */
  eventsUrl: string;
  producer: DiagnosisProducer;
  redis: Redis;
  registry: Registry;
  metrics: Metrics;
  socketMode: boolean;
  /** Stops taking requests, then closes Slack, the queue and Redis. */
  close(): Promise<void>;
}

export async function startBot(settings: BotSettings, opts: BotOptions): Promise<RunningBot> {
  const logger = opts.logger.child({ component: 'bot' });
  const registry = loadRegistry(resolve(opts.cwd ?? '.', settings.clustersPath));
  const redis = createRedisConnection(settings.redisUrl, 'request-path', { name: 'bot', logger });
  // Give Redis a moment so the first command after start-up does not meet a connection still
  // opening; a Redis that stays away does not stop the bot (commands answer "queue unavailable").
  if (!(await waitUntilReady(redis, REDIS_STARTUP_WAIT_MS))) logger.warn('redis not reachable at start-up; continuing');
  const producer = new DiagnosisProducer(redis);
  const metrics =
    opts.metrics ??
    createMetrics({ jobCounts: () => producer.withQueue((q) => q.getJobCounts()), redisUp: () => redisReachable(redis) });
  const slackClient = createSlackClient(settings.slack);
  const slack = new SlackNotifier(slackClient, { logger, onError: (e) => metrics.slackErrors.inc({ method: e.method, error: e.slackError }) });
  const readiness = async (): Promise<Readiness> => {
    const redisOk = await redisReachable(redis);
    return { ready: redisOk, checks: { redis: redisOk ? 'ok' : 'unreachable', registry: `ok (${registry.clusters.length} clusters)` } };
  };
  // Alertmanager's webhook (issue 6): it only enqueues, so it can serve before the Bolt App exists.
  const alerts: AlertsHandler | undefined = settings.alerts
    ? createAlertsHandler({
        settings: settings.alerts,
        ...(settings.channel ? { defaultChannel: settings.channel } : {}),
        registry: () => registry,
        playbooks: loadPlaybooksOrWarn(logger),
        producer,
        redis,
        metrics,
        logger,
      })
    : undefined;
  // The server listens before the Bolt App exists: Bolt verifies its token (auth.test) when it is
  // constructed, and in the sandbox the Web API it calls is served by this very server.
  const socketMode = Boolean(settings.slack.appToken);
  let events: RequestListener | undefined;
  const http = await startHttpServer({
    port: settings.port,
    ...(opts.host ? { host: opts.host } : {}),
    ...(socketMode ? {} : { slackEvents: (req, res) => (events ? events(req, res) : notReadyYet(res)) }),
    readiness,
    metrics,
    logger,
    ...(opts.extraRoutes ? { extraRoutes: opts.extraRoutes } : {}),
    ...(alerts ? { alerts } : {}),
  });
  const { app, eventsListener } = createSlackApp(settings.slack, logger);
  const remediation = createRemediationServices(redis, logger, { settings: approvalSettingsFrom(settings), k8s: settings.k8s });
  let workspaceUrl: string | undefined;
  const slashCommands = registerListeners(app, {
    registry: () => registry,
    checkIds: CHECKS.map((c) => c.id),
    playbooks: loadPlaybooksOrWarn(logger),
    producer,
    redis,
    effects: new EffectsStore(redis),
    slack,
    metrics,
    logger,
    workspaceUrl: () => workspaceUrl,
    remediation,
  });
  events = eventsListener?.(slashCommands);
  if (socketMode) await app.start();
  workspaceUrl = await fetchWorkspaceUrl(slackClient, logger);
  return {
    app,
    http,
    eventsUrl: `${http.url}/slack/events`,
    producer,
    redis,
    registry,
    metrics,
    socketMode,
    async close() {
      await http.close();
      if (socketMode) await app.stop().catch(() => undefined);
      await producer.close();
      await alerts?.close();
      await remediation.close();
      await closeRedis(redis);
    },
  };
}

function notReadyYet(res: ServerResponse): void {
  res.writeHead(503, { 'content-type': 'application/json; charset=utf-8', 'retry-after': '1' });
  res.end('{"error":"starting"}\n');
}

/** The workspace URL for thread links (auth.test); links degrade to plain text without it. */
async function fetchWorkspaceUrl(client: ReturnType<typeof createSlackClient>, logger: Logger): Promise<string | undefined> {
  try {
    const res = await withTimeout(client.auth.test(), 5000);
    return typeof res.url === 'string' ? res.url : undefined;
  } catch (err) {
    logger.warn({ err: (err as Error).message }, 'auth.test failed: thread links will be plain text');
    return undefined;
  }
}
