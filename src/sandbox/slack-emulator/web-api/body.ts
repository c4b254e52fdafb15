// Reading Web API requests the way Slack does: form posts (what the WebClient sends, with JSON
// fields such as `blocks` encoded as strings) and JSON bodies. The token is separated from the
// arguments here so that nothing downstream can record it.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Args } from './methods.ts';

const MAX_BODY_BYTES = 1024 * 1024;
// Fields the WebClient serialises as JSON strings in form posts.
const JSON_FIELDS = ['blocks', 'attachments', 'view', 'metadata'];

export type BodyContentType = 'form' | 'json' | 'none' | 'other';

export interface ParsedBody {
  args: Args;
  /** A `token` form or JSON field (the header is the usual place). */
  token?: string;
  contentType: BodyContentType;
  invalid: boolean;
}

export function parseArgs(contentTypeHeader: string | undefined, body: string): ParsedBody {
  const type = (contentTypeHeader ?? '').split(';')[0]!.trim().toLowerCase();
  let parsed: ParsedBody;
  if (body === '') parsed = { args: {}, contentType: 'none', invalid: false };
  else if (type === 'application/json') parsed = parseJson(body);
  else if (type === 'application/x-www-form-urlencoded') parsed = parseForm(body);
  else parsed = { args: {}, contentType: 'other', invalid: true };
  // The token is a secret: it is kept apart for the auth check and never recorded.
  const { token, ...args } = parsed.args;
  return { ...parsed, args, ...(typeof token === 'string' ? { token } : {}) };
}

function parseJson(body: string): ParsedBody {
  try {
    const value: unknown = JSON.parse(body);
    const ok = typeof value === 'object' && value !== null && !Array.isArray(value);
    return { args: ok ? (value as Args) : {}, contentType: 'json', invalid: !ok };
  } catch {
    return { args: {}, contentType: 'json', invalid: true };
  }
}

function parseForm(body: string): ParsedBody {
  const args: Args = {};
  for (const [key, value] of new URLSearchParams(body)) {
    args[key] = value;
    if (JSON_FIELDS.includes(key)) {
      try {
        args[key] = JSON.parse(value);
      } catch {
        // Left as a string: the method reports it as malformed, as Slack does.
      }
    }
  }
  // Slack's form posts carry booleans as strings.
  for (const key of ['replace_original', 'delete_original']) {
    if (args[key] === 'true') args[key] = true;
  }
  return { args, contentType: 'form', invalid: false };
}

/** The request body as text; rejects past `maxBytes` (and stops reading). */
export function readBody(req: IncomingMessage, maxBytes = MAX_BODY_BYTES): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}
