// `POST /alerts`: Alertmanager's webhook. In order: method, bearer token (401), body size (413),
// JSON and schema (400 with the reason), then the receiver's bounded Redis writes (503 when Redis
// is away, so Alertmanager retries), then 202. Nothing here waits on Slack or a cluster.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Redis } from 'ioredis';
import client from 'prom-client';
import { isQueueUnavailable } from '../queue/errors.ts';
import type { Metrics } from '../server/metrics.ts';
import { DEFAULT_MAX_BODY_BYTES, hasBearerToken, readBoundedBody, sendJson } from './http.ts';
import { AlertReceiver, type IncidentOutcome, type ReceiverDeps } from './receiver.ts';
import { parseWebhookBody } from './schema.ts';
import { IncidentStore } from './store.ts';
import { AlertSyncQueue, noticeTtlMs } from './sync-queue.ts';

export const ALERTS_PATH = '/alerts';
export const ALERT_NOTIFICATIONS_METRIC = 'mesh_medic_alert_notifications_total';

/** Default gathering time of repeat notifications before a thread update. */
export const DEFAULT_SYNC_DEBOUNCE_MS = 1000;

export interface AlertsHandlerDeps extends Omit<ReceiverDeps, 'syncQueue' | 'incidents'> {
  /** The bot's request-path connection (no offline queue, short command timeout). */
  redis: Redis;
  metrics?: Metrics;
  /** Default 1 MiB. */
  maxBodyBytes?: number;
  syncDebounceMs?: number;
}

/** A node request listener for `POST /alerts`; `close()` releases its queue handle. */
export type AlertsHandler = ((req: IncomingMessage, res: ServerResponse) => void) & { close(): Promise<void> };

type RequestOutcome = 'unauthorized' | 'too_large' | 'invalid' | 'queue_unavailable' | IncidentOutcome;

export function createAlertsHandler(deps: AlertsHandlerDeps): AlertsHandler {
  const syncQueue = new AlertSyncQueue(deps.redis, {
    debounceMs: deps.syncDebounceMs ?? DEFAULT_SYNC_DEBOUNCE_MS,
    noticeTtlMs: noticeTtlMs(deps.settings.windowMs),
  });
  const receiver = new AlertReceiver({ ...deps, syncQueue, incidents: new IncidentStore(deps.redis) });
  const count = outcomeCounter(deps.metrics);
  const maxBytes = deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const logger = deps.logger.child({ component: 'alerts' });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'POST') {
      req.resume();
      return sendJson(res, 405, { error: 'POST only' }, { allow: 'POST' });
    }
    if (!hasBearerToken(req, deps.settings.token)) {
      req.resume();
      count('unauthorized');
      return sendJson(res, 401, { error: 'missing or wrong bearer token' }, { 'www-authenticate': 'Bearer realm="mesh-medic alerts"' });
    }
    const read = await readBoundedBody(req, maxBytes);
    if (!read.ok) {
      if (read.problem === 'aborted') return;
      count('too_large');
      return sendJson(res, 413, { error: `request body is larger than ${maxBytes} bytes` });
    }
    const parsed = parseWebhookBody(read.body);
    if (!parsed.ok) {
      count('invalid');
      logger.info({ reason: parsed.reason }, 'rejected an invalid alert webhook');
      return sendJson(res, 400, { error: parsed.reason });
    }
    try {
      const incidents = await receiver.receive(parsed.payload);
      for (const i of incidents) count(i.outcome);
      logger.info({ status: parsed.payload.status, alerts: parsed.payload.alerts.length, incidents }, 'alert notification received');
      return sendJson(res, 202, { status: 'accepted', incidents });
    } catch (err) {
      if (!isQueueUnavailable(err)) throw err;
      count('queue_unavailable');
      logger.warn({ err: err.message }, 'alert notification not accepted: queue unavailable');
      return sendJson(res, 503, { error: 'queue unavailable, nothing was started (Alertmanager retries)' }, { 'retry-after': '5' });
    }
  };

  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch((err: unknown) => {
      logger.error({ err: err instanceof Error ? err.message : String(err) }, 'alert webhook handler failed');
      sendJson(res, 500, { error: 'internal error' });
    });
  };
  return Object.assign(listener, { close: () => syncQueue.close() });
}

/** Counts requests by outcome on the process's registry (registered once per registry). */
function outcomeCounter(metrics: Metrics | undefined): (outcome: RequestOutcome) => void {
  if (!metrics) return () => {};
  const existing = metrics.registry.getSingleMetric(ALERT_NOTIFICATIONS_METRIC) as client.Counter<'outcome'> | undefined;
  const counter =
    existing ??
    new client.Counter({
      name: ALERT_NOTIFICATIONS_METRIC,
      help: 'Alertmanager webhook requests and the incidents in them, by outcome',
      labelNames: ['outcome'],
      registers: [metrics.registry],
    });
  return (outcome) => counter.inc({ outcome });
}
