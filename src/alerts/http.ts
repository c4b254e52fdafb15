// HTTP plumbing of the webhook receiver: the bearer token check and a body reader that never holds
// more than the limit in memory. Both run before any JSON is parsed.

import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBoundedBytes } from '../server/bounded-body.ts';

/** Alertmanager posts one group per request; even 1,000 alerts with labels fit well below this. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

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

/** The whole body as UTF-8 (see readBoundedBytes for the limit and how a too-large one is refused). */
export async function readBoundedBody(req: IncomingMessage, maxBytes: number): Promise<BodyRead> {
  const read = await readBoundedBytes(req, maxBytes);
  return read.ok ? { ok: true, body: read.body.toString('utf8') } : read;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(`${JSON.stringify(body)}\n`);
}
