// A request body read without ever holding more than a limit in memory: the Slack events endpoint
// and Alertmanager's webhook both read untrusted bodies before they can tell who sent them.

import type { IncomingMessage } from 'node:http';

// Past this much discarded body the client is not one we serve: stop reading, drop the connection.
const DRAIN_FACTOR = 4;

export type BytesRead = { ok: true; body: Buffer } | { ok: false; problem: 'too-large' | 'aborted'; bytes: number };

/**
 * The whole body, or `too-large` once it passes `maxBytes`; a declared Content-Length over the
 * limit is refused at once, before any of it is read. A too-large body is drained (so the client
 * is still reading when its 413 arrives) up to a multiple of the limit, then the connection is
 * dropped.
 */
export function readBoundedBytes(req: IncomingMessage, maxBytes: number): Promise<BytesRead> {
  const declared = Number(req.headers['content-length']);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    let settled = false;
    const settle = (result: BytesRead) => {
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
    // `on`, not `once`: each fires at most once anyway, and once() wraps every listener (hot path).
    req.on('end', () => settle({ ok: true, body: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks) }));
    req.on('close', () => settle({ ok: false, problem: 'aborted', bytes }));
    req.on('error', (err) => (settled ? undefined : reject(err)));
  });
}
