// What the alert tests start for real: redis-server, the fake Slack Web API, sandbox clusters
// replaying hosted-xds-timeout (hosted-east with its own channel in clusters.yaml), and
// mesh-medic's bot (with /alerts on) and worker, wired as `mesh-medic all` wires them.

import type { WebhookPayload } from '../../src/alerts/index.ts';
import type { Sandbox } from '../../src/sandbox/sandbox.ts';
import type { RunningBot, } from '../../src/server/bot.ts';
import { type RunningWorker, startDiagnoseWorker, type WorkerOptions } from '../../src/workers/index.ts';
import type { RunningFakeSlackApi, } from '../fakes/slack-api.ts';
import { startBotRig } from '../helpers/bot-rig.ts';
import type { TestRedis } from '../helpers/redis.ts';

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
  const rig = await startBotRig({
    scenarios: ['hosted-xds-timeout'],
    botToken: BOT_TOKEN,
    signingSecret: 'alert-test-signing-secret',
    prepareSlack: (slack) => {
      for (const c of opts.namedChannels ?? []) slack.addChannel(c.id, c.name);
    },
    mutate: (clusters) => {
      for (const c of clusters) if (c.name === 'hosted-east') c.channel = opts.eastChannel ?? EAST_CHANNEL;
    },
    settings: {
      channel: opts.defaultChannel ?? DEFAULT_CHANNEL,
      alerts: { token: ALERT_TOKEN, clusterLabel: 'cluster', windowMs: 10 * 60_000 },
    },
  });
  try {
    const worker = startDiagnoseWorker(rig.settings, { logger: rig.logger, metrics: rig.bot.metrics, progressIntervalMs: 200, ...(opts.afterStep ? { afterStep: opts.afterStep } : {}) });
    rig.own({ stop: () => worker.close() });
    return { redis: rig.redis, slack: rig.slack, sandbox: rig.sandbox, bot: rig.bot, worker, alertsUrl: `${rig.bot.http.url}/alerts`, logs: rig.logs, stop: rig.stop };
  } catch (err) {
    await rig.stop();
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
