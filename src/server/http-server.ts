// The one HTTP server on PORT: Slack's events (Bolt's HTTPReceiver listener, in HTTP mode),
// /healthz, /readyz, /metrics and /alerts. Issue 7's sandbox mounts its Slack emulator through
// `extraRoutes`, so everything still shares one port.

import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from './logger.ts';
import type { Metrics } from './metrics.ts';

export const SLACK_EVENTS_PATH = '/slack/events';

export interface Readiness {
  ready: boolean;
  /** One entry per dependency: "ok" or what is wrong. */
  checks: Record<string, string>;
}

export interface HttpServerOptions {
  port: number;
  /** Default 0.0.0.0 (a container's port must be reachable); tests use 127.0.0.1. */
  host?: string;
  /** Bolt's request listener; absent in Socket Mode and for worker-only processes. */
  slackEvents?: RequestListener;
  readiness: () => Promise<Readiness>;
  metrics: Metrics;
  /** Tried first for every request; resolves true when it answered (the sandbox's emulator). */
  extraRoutes?: (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;
  /** Alertmanager's webhook (src/alerts); absent when MESH_MEDIC_ALERT_TOKEN is unset. */
  alerts?: RequestListener;
  logger: Logger;
}

export interface RunningHttpServer {
  server: Server;
  port: number;
  /** `http://host:port` */
  url: string;
  close(): Promise<void>;
}

export async function startHttpServer(opts: HttpServerOptions): Promise<RunningHttpServer> {
  const server = createServer((req, res) => {
    route(opts, req, res).catch((err: unknown) => {
      opts.logger.error({ err: err instanceof Error ? err.message : String(err), path: pathOf(req) }, 'HTTP handler failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.end();
    });
  });
  const host = opts.host ?? '0.0.0.0';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const shownHost = host === '0.0.0.0' ? '127.0.0.1' : host;
  return {
    server,
    port,
    url: `http://${shownHost}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive connections would hold close() open; requests in flight still finish.
        server.closeIdleConnections();
      }),
  };
}

/** A path URL would return unchanged: letters, digits, `/`, `_`, `-`, then nothing or a query. */
const PLAIN_PATH = /^\/(?!\/)[A-Za-z0-9/_-]*(?=\?|$)/;

/**
 * The request's path. Plain targets (`/slack/events`, `/metrics?x=1`), nearly every request, are
 * read without building a URL object (a cost per request in a burst of slash commands); anything
 * else (dots, escapes, absolute form) goes through URL's normalisation as before.
 */
function pathOf(req: IncomingMessage): string {
  const url = req.url ?? '/';
  return PLAIN_PATH.exec(url)?.[0] ?? new URL(url, 'http://x').pathname;
}

async function route(opts: HttpServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (opts.extraRoutes && (await opts.extraRoutes(req, res))) return;
  const path = pathOf(req);
  const method = req.method ?? 'GET';
  switch (path) {
    case SLACK_EVENTS_PATH:
      if (!opts.slackEvents) return sendJson(res, 404, { error: 'Slack events are not served here (Socket Mode or worker-only process)' });
      if (method !== 'POST') return sendJson(res, 405, { error: 'POST only' });
      opts.slackEvents(req, res);
      return;
    case '/healthz':
      return sendJson(res, 200, { status: 'ok' });
    case '/readyz': {
      const readiness = await opts.readiness();
      return sendJson(res, readiness.ready ? 200 : 503, readiness);
    }
    case '/metrics': {
      const body = await opts.metrics.registry.metrics();
      res.writeHead(200, { 'content-type': opts.metrics.registry.contentType });
      res.end(body);
      return;
    }
    case '/alerts':
      if (!opts.alerts) return sendJson(res, 404, { error: 'Alertmanager webhooks are off: set MESH_MEDIC_ALERT_TOKEN (and the same token in Alertmanager)' });
      opts.alerts(req, res);
      return;
    default:
      return sendJson(res, 404, { error: 'not found' });
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(`${JSON.stringify(body)}\n`);
}
