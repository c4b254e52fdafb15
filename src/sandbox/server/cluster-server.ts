// The HTTPS listener of one sandbox cluster: bearer-token auth, fault injection (status, delay,
// timeout, refused connections), the request log, and Status responses for every failure.
// stop() closes the socket and every connection, held (timed-out) requests included.

import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { handleAdmin } from './admin.ts';
import { handleApiRequest } from './api-handler.ts';
import { byteLength, writeBody } from './body-writer.ts';
import { type ApiResponse, type ClusterContext, jsonResponse } from './context.ts';
import type { FaultController, FaultTarget } from './faults.ts';
import { parseRequest, type RequestInfo } from './request-info.ts';
import type { RequestLog, RequestLogEntry } from './request-log.ts';
import { ApiError, byCode, failure, forbidden, internalError, SANDBOX_USER, unauthorized } from './status.ts';

const MAX_BODY_BYTES = 64 * 1024 * 1024;

export interface ClusterServerOptions {
  host: string;
  /** 0 for a free port. */
  port: number;
  tls: { key: string; cert: string };
  token: string;
  context: ClusterContext;
  faults: FaultController;
  requestLog: RequestLog;
}

function errorResponse(err: unknown): ApiResponse {
  if (err instanceof ApiError) return jsonResponse(err.status.code, err.status);
  const status = internalError(err instanceof Error ? err.message : String(err)).status;
  return jsonResponse(500, status);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new ApiError(failure(413, 'RequestEntityTooLarge', 'the request body is too large')));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function faultTarget(info: RequestInfo): FaultTarget {
  if (info.type !== 'resource') return { verb: 'get', group: '', resource: info.path, discovery: true };
  const t: FaultTarget = {
    verb: info.verb,
    group: info.group,
    resource: info.subresource ? `${info.resource}/${info.subresource}` : info.resource,
    discovery: false,
  };
  if (info.namespace !== undefined) t.namespace = info.namespace;
  if (info.name !== undefined) t.name = info.name;
  return t;
}

function logEntry(info: RequestInfo): Omit<RequestLogEntry, 'status' | 'ms'> {
  if (info.type !== 'resource') return { verb: 'discovery', group: '', resource: info.path };
  return {
    verb: info.verb,
    group: info.group,
    resource: info.resource,
    ...(info.subresource !== undefined ? { subresource: info.subresource } : {}),
    ...(info.namespace !== undefined ? { namespace: info.namespace } : {}),
    ...(info.name !== undefined ? { name: info.name } : {}),
  };
}

/** The Status an injected fault answers with: 403 worded like RBAC, others by code. */
function faultError(info: RequestInfo, status: number, message: string | undefined): ApiError {
  if (status !== 403 || message) return status === 401 && !message ? unauthorized() : byCode(status, message);
  if (info.type !== 'resource') {
    return new ApiError(failure(403, 'Forbidden', `forbidden: User "${SANDBOX_USER}" cannot get path "${info.path}"`, {}));
  }
  return forbidden({
    verb: info.verb,
    group: info.group,
    resource: info.resource,
    ...(info.subresource ? { subresource: info.subresource } : {}),
    ...(info.namespace !== undefined ? { namespace: info.namespace } : {}),
    ...(info.name !== undefined ? { name: info.name } : {}),
  });
}

function send(res: ServerResponse, method: string | undefined, r: ApiResponse): void {
  if (res.destroyed || res.headersSent) return;
  const chunks = typeof r.body === 'string' ? [r.body] : r.body;
  const length = chunks.reduce((n, c) => n + byteLength(c), 0);
  const headers: Record<string, string | number> = {
    'Content-Type': r.contentType,
    'Content-Length': length,
    'Cache-Control': 'no-cache, private',
  };
  if (r.status === 429 || r.status === 503) headers['Retry-After'] = 1;
  res.writeHead(r.status, headers);
  if (method === 'HEAD') return void res.end();
  writeBody(res, chunks, length);
}

export class ClusterServer {
  private readonly server: Server;
  private readonly token: Buffer;
  private boundPort = 0;
  private open = false;
  private stopped = false;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly opts: ClusterServerOptions) {
    this.token = Buffer.from(opts.token);
    this.server = createServer({ key: opts.tls.key, cert: opts.tls.cert }, (req, res) => {
      this.onRequest(req, res).catch((err) => send(res, req.method, errorResponse(err)));
    });
    // Keep-alive connections idle between test steps must not keep stop() waiting.
    this.server.keepAliveTimeout = 5_000;
    opts.faults.attach((refuse) => this.setRefusing(refuse));
  }

  get port(): number {
    return this.boundPort;
  }

  /** Starts listening (on opts.port, or a free port); closed from the start if refusing. */
  async listen(): Promise<number> {
    await this.bind(this.opts.port);
    if (this.opts.faults.refusing) await this.close();
    return this.boundPort;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await this.close();
  }

  private bind(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.server.once('error', onError);
      this.server.listen(port, this.opts.host, () => {
        this.server.off('error', onError);
        this.boundPort = (this.server.address() as AddressInfo).port;
        this.open = true;
        resolve();
      });
    });
  }

  private close(): Promise<void> {
    if (!this.open) return Promise.resolve();
    this.open = false;
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async setRefusing(refuse: boolean): Promise<void> {
    if (this.stopped) return;
    if (refuse) await this.close();
    else if (!this.open) await this.bind(this.boundPort);
  }

  private authorized(req: IncomingMessage): boolean {
    const header = req.headers.authorization ?? '';
    const m = /^Bearer\s+(.+)$/i.exec(header);
    if (!m) return false;
    const given = Buffer.from((m[1] as string).trim());
    return given.length === this.token.length && timingSafeEqual(given, this.token);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        resolve();
      }, ms);
      this.timers.add(t);
    });
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const url = new URL(req.url ?? '/', 'https://sandbox.invalid');
    const info = parseRequest(req.method ?? 'GET', url.pathname, url.searchParams);
    if (info.type === 'health') return send(res, req.method, { status: 200, contentType: 'text/plain; charset=utf-8', body: 'ok' });
    if (info.type !== 'admin') {
      const base = logEntry(info);
      res.once('close', () => {
        const status = res.writableFinished ? res.statusCode : 0;
        this.opts.requestLog.add({ ...base, status, ms: Math.round((performance.now() - started) * 100) / 100 });
      });
    }
    if (!this.authorized(req)) return send(res, req.method, errorResponse(unauthorized()));
    const body = await readBody(req);
    if (info.type === 'admin') return this.onAdmin(req, res, info.path, body);

    const decision = this.opts.faults.decide(faultTarget(info));
    if (decision.delayMs > 0) await this.sleep(decision.delayMs);
    if (this.stopped || res.destroyed) return;
    // An injected timeout holds the request open: the client gives up, or stop() closes the socket.
    if (decision.outcome.kind === 'timeout') {
      res.once('close', this.opts.faults.hold());
      return;
    }
    if (decision.outcome.kind === 'status') {
      return send(res, req.method, errorResponse(faultError(info, decision.outcome.status, decision.outcome.message)));
    }
    let response: ApiResponse;
    try {
      response = handleApiRequest(this.opts.context, {
        method: req.method ?? 'GET',
        info,
        query: url.searchParams,
        headers: req.headers,
        body,
        serverAddress: `${this.opts.host}:${this.boundPort}`,
      });
    } catch (err) {
      response = errorResponse(err);
    }
    send(res, req.method, response);
  }

  private async onAdmin(req: IncomingMessage, res: ServerResponse, path: string, body: Buffer): Promise<void> {
    const result = await handleAdmin(req.method ?? 'GET', path, body, this.opts.faults, this.opts.requestLog);
    if (result.after) res.once('finish', () => void result.after?.());
    send(res, req.method, result.response);
  }
}

export function createClusterServer(opts: ClusterServerOptions): ClusterServer {
  return new ClusterServer(opts);
}
