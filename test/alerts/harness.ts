// What the alert tests start for real: redis-server, the fake Slack Web API, sandbox clusters
// replaying hosted-xds-timeout (hosted-east with its own channel in clusters.yaml), and
// mesh-medic's bot (with /alerts on) and worker, wired as `mesh-medic all` wires them.

import { Writable } from 'node:stream';
import type { BotSettings } from '../../src/config/env.ts';
import { DEFAULT_K8S_CONFIG } from '../../src/config/env.ts';
import type { WebhookPayload } from '../../src/alerts/index.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox.ts';
import { loadScenarios } from '../../src/sandbox/scenarios.ts';
import { type RunningBot, startBot } from '../../src/server/bot.ts';
import { createLogger } from '../../src/server/logger.ts';
import { type RunningWorker, startDiagnoseWorker, type WorkerOptions } from '../../src/workers/index.ts';
import { type RunningFakeSlackApi, startFakeSlackApi } from '../fakes/slack-api.ts';
import { startRedis, type TestRedis } from '../helpers/redis.ts';

export const ALERT_TOKEN = 'alert-test-token-3f9c1d2e8b7a';
export const EAST_CHANNEL = 'C0EASTALERTS';
export const DEFAULT_CHANNEL = 'C0MESHALERTS';
export const BOT_TOKEN = 'xoxb-alert-test-token-51b0';

export interface AlertHarness {
  redis: TestRedis;
  slack: RunningFakeSlackApi;
  sandbox: Sandbox;
  bot: RunningBot;
  worker: RunningWorker;
  /** `http://127.0.0.1:PORT/alerts` */
  alertsUrl: string;
  logs: string[];
  stop(): Promise<void>;
}

export interface AlertHarnessOptions {
  /** hosted-east's `channel` in clusters.yaml (default EAST_CHANNEL). */
  eastChannel?: string;
  /** MESH_MEDIC_CHANNEL (default DEFAULT_CHANNEL). */
  defaultChannel?: string;
  /** Channels the fake workspace knows by name, so posts by name land in them (as in Slack). */
  namedChannels?: { id: string; name: string }[];
  afterStep?: WorkerOptions['afterStep'];
}

export async function startAlertHarness(opts: AlertHarnessOptions = {}): Promise<AlertHarness> {
  const logs: string[] = [];
  const logger = createLogger({
    level: 'info',
    destination: new Writable({
      write(chunk, _enc, done) {
        logs.push(String(chunk));
        done();
      },
    }),
  });
  const started: { stop(): Promise<unknown> }[] = [];
  const stopAll = async () => {
    for (const s of started.reverse()) await s.stop().catch(() => undefined);
  };
  try {
    const redis = await startRedis();
    started.push({ stop: () => redis.close() });
    const slack = await startFakeSlackApi({ botToken: BOT_TOKEN });
    started.push({ stop: () => slack.close() });
    for (const c of opts.namedChannels ?? []) slack.addChannel(c.id, c.name);
    const specs = loadScenarios(['hosted-xds-timeout']);
    const clusters = specs.flatMap((s) => s.clusters);
    for (const c of clusters) if (c.name === 'hosted-east') c.channel = opts.eastChannel ?? EAST_CHANNEL;
    const sandbox = await startSandbox({ clusters, meshes: specs.flatMap((s) => s.meshes) });
    started.push(sandbox);
    const settings: BotSettings = {
      slack: { botToken: BOT_TOKEN, signingSecret: 'alert-test-signing-secret', apiUrl: slack.url },
      redisUrl: redis.url,
      clustersPath: sandbox.registryPath,
      port: 0,
      channel: opts.defaultChannel ?? DEFAULT_CHANNEL,
      approvers: [],
      k8s: DEFAULT_K8S_CONFIG,
      alerts: { token: ALERT_TOKEN, clusterLabel: 'cluster', windowMs: 10 * 60_000 },
    };
    const bot = await startBot(settings, { logger, host: '127.0.0.1' });
    started.push({ stop: () => bot.close() });
    const worker = startDiagnoseWorker(settings, { logger, metrics: bot.metrics, progressIntervalMs: 200, ...(opts.afterStep ? { afterStep: opts.afterStep } : {}) });
    started.push({ stop: () => worker.close() });
    return { redis, slack, sandbox, bot, worker, alertsUrl: `${bot.http.url}/alerts`, logs, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** A webhook payload as Alertmanager 0.25 sends it, for one group. */
export function webhookPayload(opts: {
  cluster?: string;
  alertname?: string;
  status?: 'firing' | 'resolved';
  pods?: string[];
  groupKey?: string;
}): WebhookPayload {
  const alertname = opts.alertname ?? 'IstioGatewayNotReady';
  const status = opts.status ?? 'firing';
  const clusterLabels: Record<string, string> = opts.cluster === undefined ? {} : { cluster: opts.cluster };
  const groupLabels = { alertname, ...clusterLabels };
  return {
    version: '4',
    status,
    receiver: 'mesh-medic',
    groupKey: opts.groupKey ?? `{}:{alertname="${alertname}", cluster="${opts.cluster ?? ''}"}`,
    truncatedAlerts: 0,
    groupLabels,
    commonLabels: groupLabels,
    commonAnnotations: {},
    externalURL: 'http://alertmanager.test',
    alerts: (opts.pods ?? ['istio-ingressgateway-1']).map((pod, i) => ({
      status,
      labels: { ...groupLabels, pod },
      annotations: { summary: 'gateway not ready' },
      startsAt: '2024-07-16T09:00:00Z',
      endsAt: status === 'resolved' ? '2024-07-16T09:10:00Z' : '0001-01-01T00:00:00Z',
      generatorURL: '',
      fingerprint: `f${i.toString(16).padStart(15, '0')}`,
    })),
  };
}

export function postWebhook(url: string, body: unknown, token: string | null = ALERT_TOKEN): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  return fetch(url, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
}
