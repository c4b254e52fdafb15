// HTTP plumbing of the webhook receiver: the bearer token check and a body reader that never holds
// more than the limit in memory. Both run before any JSON is parsed.

import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Alertmanager posts one group per request; even 1,000 alerts with labels fit well below this. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
// Past this much discarded body the client is not an Alertmanager: stop reading, drop the connection.
const DRAIN_FACTOR = 4;

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/**
 * Whether the request carries `Authorization: Bearer <expected>`. Both sides are hashed first, so
 * the comparison takes the same time whatever the length or content of the presented token.
 */
export function hasBearerToken(req: IncomingMessage, expected: string): boolean {
  const header = req.headers.authorization;
  const presented = typeof header === 'string' ? BEARER.exec(header)?.[1] : undefined;
  const a = createHash('sha256').update(presented ?? '').digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b) && presented !== undefined;
}

export type BodyRead = { ok: true; body: string } | { ok: false; problem: 'too-large' | 'aborted'; bytes: number };

/**
 * The whole body as UTF-8, or `too-large` once it passes `maxBytes`; a declared Content-Length
 * over the limit is refused at once, before any of it is read. A too-large body is drained (so the
 * client is still reading when its 413 arrives) up to a multiple of the limit, then the connection
 * is dropped.
 */
export function readBoundedBody(req: IncomingMessage, maxBytes: number): Promise<BodyRead> {
  const declared = Number(req.headers['content-length']);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    let settled = false;
    const settle = (result: BodyRead) => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    if (Number.isFinite(declared) && declared > maxBytes) settle({ ok: false, problem: 'too-large', bytes: declared });
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes <= maxBytes) chunks.push(chunk);
      else settle({ ok: false, problem: 'too-large', bytes });
      if (bytes > maxBytes * DRAIN_FACTOR) req.destroy();
    });
    req.once('end', () => settle({ ok: true, body: Buffer.concat(chunks).toString('utf8') }));
    req.once('close', () => settle({ ok: false, problem: 'aborted', bytes }));
    req.on('error', (err) => (settled ? undefined : reject(err)));
  });
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(`${JSON.stringify(body)}\n`);
}
