// A small but real Slack Web API server for tests and for the local emulator (issue 7): the real
// `@slack/web-api` WebClient and Bolt talk to it over HTTP through `slackApiUrl`. It keeps the
// workspace's state (channels, threads, edits, ephemerals, modals) so a test reads a thread the
// way a person would see it, and it refuses what real Slack refuses (too many blocks, oversized
// sections, missing channel, bad token). It records calls but never the token.
//
//   const slack = await startFakeSlackApi();
//   const client = new WebClient(slack.botToken, { slackApiUrl: slack.url });
//   ...
//   await slack.close();
//
// To serve it from another HTTP server (the emulator), use createFakeSlackApi() and call
// `handle(req, res)` for every request: it answers `/api/<method>` and `/response/<id>` and
// returns false for anything else.

import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Args, METHODS, type MethodResult, postEphemeralMessage, type Workspace } from './slack-api/methods.ts';
import { type EphemeralMessage, SlackStore, type StoreEvent, type StoredMessage, type StoredView } from './slack-api/store.ts';

export type { EphemeralMessage, StoreEvent, StoredMessage, StoredView } from './slack-api/store.ts';
export { LIMITS, validateBlocks } from './slack-api/validate.ts';

export interface FakeSlackApiOptions {
  port?: number;
  host?: string;
  botToken?: string;
  teamId?: string;
  botUserId?: string;
  botId?: string;
  /** Public base URL (`http://host:port/`) when mounted on another server; set automatically by startFakeSlackApi. */
  baseUrl?: string;
}

export interface RecordedCall {
  /** Web API method (`chat.postMessage`), or `response_url` for posts to a response URL. */
  method: string;
  /** Decoded arguments (form fields or JSON), `blocks`/`view` parsed; `token` removed. */
  args: Args;
  contentType: 'form' | 'json' | 'none' | 'other';
  httpStatus: number;
  ok: boolean;
  error?: string;
}

export interface ResponseUrlTarget {
  channel: string;
  user: string;
  /** The message a button was clicked on: `replace_original` / `delete_original` act on it. */
  messageTs?: string;
}

export type FakeSlackEvent = StoreEvent | { type: 'call'; call: RecordedCall };

const MAX_BODY_BYTES = 1024 * 1024;
const API_PATH = /^\/api\/([A-Za-z0-9_.]+)$/;
const RESPONSE_PATH = /^\/response\/([A-Za-z0-9-]+)$/;
// Fields the WebClient serialises as JSON strings in form posts.
const JSON_FIELDS = ['blocks', 'attachments', 'view', 'metadata'];

export class FakeSlackApi {
  readonly botToken: string;
  readonly teamId: string;
  readonly botUserId: string;
  /** Every call in arrival order; cleared (in place) by reset(). */
  readonly calls: RecordedCall[] = [];
  baseUrl: string;

  private readonly events = new EventEmitter();
  private readonly store: SlackStore;
  private readonly workspace: Workspace;
  private readonly failures = new Map<string, string[]>();
  private readonly rateLimits = new Map<string, { retryAfterSeconds: number; times: number }>();
  private readonly responseTargets = new Map<string, ResponseUrlTarget>();
  private responseCounter = 0;

  constructor(opts: FakeSlackApiOptions = {}) {
    this.botToken = opts.botToken ?? 'xoxb-fake-mesh-medic-token';
    this.teamId = opts.teamId ?? 'T0FAKE0001';
    this.botUserId = opts.botUserId ?? 'U0MESHBOT1';
    this.baseUrl = opts.baseUrl ?? 'http://127.0.0.1/';
    this.events.setMaxListeners(0);
    this.store = new SlackStore((e) => this.events.emit('event', e));
    this.workspace = {
      store: this.store,
      teamId: this.teamId,
      botUserId: this.botUserId,
      botId: opts.botId ?? 'B0MESHBOT1',
      users: new Map(),
      channelNames: new Map(),
    };
  }

  /** Web API base URL, ending in `/api/` (what `slackApiUrl` / `SLACK_API_URL` take). */
  get url(): string {
    return new URL('api/', this.baseUrl).toString();
  }

  // ---- state, as a person in the workspace sees it -------------------------------------------

  /** Messages in posting order (thread replies included), optionally of one channel. */
  messages(channel?: string): StoredMessage[] {
    return this.store.messages(channel);
  }

  /** A thread: its parent message first, then the replies in order. */
  thread(channel: string, ts: string): StoredMessage[] {
    return this.store.thread(channel, ts);
  }

  ephemerals(channel?: string): EphemeralMessage[] {
    return this.store.ephemerals(channel);
  }

  views(): StoredView[] {
    return this.store.views();
  }

  addUser(user: { id: string; name: string; real_name?: string }): void {
    this.workspace.users.set(user.id, { id: user.id, name: user.name, real_name: user.real_name ?? user.name });
  }

  addChannel(id: string, name: string): void {
    this.workspace.channelNames.set(id, name);
  }

  /** A response_url for a slash command or button click in `channel` by `user`. */
  responseUrl(target: ResponseUrlTarget): string {
    const id = `r${++this.responseCounter}-${Math.random().toString(36).slice(2, 10)}`;
    this.responseTargets.set(id, { ...target });
    return new URL(`response/${id}`, this.baseUrl).toString();
  }

  // ---- test controls ---------------------------------------------------------------------------

  /** The next call(s) of `method` answer `{ ok: false, error }`. */
  failNext(method: string, error: string, times = 1): void {
    const queue = this.failures.get(method) ?? [];
    for (let i = 0; i < times; i++) queue.push(error);
    this.failures.set(method, queue);
  }

  /** The next call(s) of `method` get HTTP 429 with `Retry-After`. */
  rateLimit(method: string, opts: { retryAfterSeconds?: number; times?: number } = {}): void {
    this.rateLimits.set(method, { retryAfterSeconds: opts.retryAfterSeconds ?? 1, times: opts.times ?? 1 });
  }

  /** Calls `listener` for every state change and every recorded call; returns the unsubscriber. */
  subscribe(listener: (event: FakeSlackEvent) => void): () => void {
    this.events.on('event', listener);
    return () => this.events.off('event', listener);
  }

  /**
   * Resolves with the predicate's first truthy result, re-evaluated after every call and state
   * change; rejects after `timeoutMs` naming the calls seen (a hang becomes a readable failure).
   */
  waitFor<T>(predicate: (api: FakeSlackApi) => T | undefined | null | false, timeoutMs = 10_000): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const check = (): boolean => {
        const value = predicate(this);
        if (!value) return false;
        done();
        resolve(value);
        return true;
      };
      const timer = setTimeout(() => {
        done();
        const seen = this.calls.map((c) => `${c.method}${c.ok ? '' : `(${c.error})`}`).join(', ') || 'none';
        reject(new Error(`fake Slack: condition not met within ${timeoutMs} ms; calls so far: ${seen}`));
      }, timeoutMs);
      const unsubscribe = this.subscribe(() => void check());
      const done = () => {
        clearTimeout(timer);
        unsubscribe();
      };
      check();
    });
  }

  /** Forgets messages, calls, views, injected failures and rate limits. */
  reset(): void {
    this.calls.length = 0;
    this.store.reset();
    this.failures.clear();
    this.rateLimits.clear();
    this.responseTargets.clear();
  }

  // ---- HTTP ------------------------------------------------------------------------------------

  /** Serves `/api/<method>` and `/response/<id>`; returns false (and answers nothing) otherwise. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const api = API_PATH.exec(path);
    const response = RESPONSE_PATH.exec(path);
    if (!api && !response) return false;
    if (req.method !== 'POST') {
      send(res, 405, { ok: false, error: 'method_not_allowed' });
      return true;
    }
    const body = await readBody(req).catch(() => undefined);
    if (body === undefined) {
      send(res, 413, { ok: false, error: 'request_too_large' });
      return true;
    }
    const parsed = parseArgs(req.headers['content-type'], body);
    if (api) this.callMethod(api[1]!, req, parsed, res);
    else this.callResponseUrl(response![1]!, parsed, res);
    return true;
  }

  private callMethod(method: string, req: IncomingMessage, parsed: ParsedBody, res: ServerResponse): void {
    const limited = this.takeRateLimit(method);
    if (limited !== undefined) {
      res.setHeader('Retry-After', String(limited));
      this.answer(res, method, parsed, 429, { ok: false, error: 'ratelimited' });
      return;
    }
    const result = this.dispatch(method, req, parsed);
    this.answer(res, method, parsed, 200, result);
  }

  private dispatch(method: string, req: IncomingMessage, parsed: ParsedBody): MethodResult {
    const handler = METHODS[method];
    if (!handler) return { ok: false, error: 'unknown_method' };
    if (parsed.invalid) return { ok: false, error: 'invalid_form_data' };
    const auth = this.checkToken(req, parsed.token);
    if (auth) return { ok: false, error: auth };
    const injected = this.failures.get(method)?.shift();
    if (injected) return { ok: false, error: injected };
    return handler(parsed.args, this.workspace);
  }

  private checkToken(req: IncomingMessage, bodyToken: string | undefined): string | undefined {
    const header = req.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : bodyToken;
    if (token === undefined || token === '') return 'not_authed';
    return token === this.botToken ? undefined : 'invalid_auth';
  }

  private takeRateLimit(method: string): number | undefined {
    const limit = this.rateLimits.get(method);
    if (!limit || limit.times <= 0) return undefined;
    limit.times--;
    return limit.retryAfterSeconds;
  }

  private callResponseUrl(id: string, parsed: ParsedBody, res: ServerResponse): void {
    const target = this.responseTargets.get(id);
    const result: MethodResult = target ? this.respond(target, parsed.args) : { ok: false, error: 'expired_url' };
    this.answer(res, 'response_url', parsed, target ? 200 : 404, result);
  }

  // What Slack does with a response_url post (https://api.slack.com/interactivity/handling#message_responses).
  private respond(target: ResponseUrlTarget, args: Args): MethodResult {
    const { channel, user, messageTs } = target;
    if (args.delete_original === true && messageTs) {
      return this.store.delete(channel, messageTs) ? { ok: true } : { ok: false, error: 'message_not_found' };
    }
    if (args.replace_original === true && messageTs) {
      // Unlike chat.update, a replacement is a whole new message: no blocks given means none.
      return METHODS['chat.update']!({ ...args, blocks: args.blocks ?? [], channel, ts: messageTs }, this.workspace);
    }
    if (args.response_type === 'in_channel') return METHODS['chat.postMessage']!({ ...args, channel }, this.workspace);
    const result = postEphemeralMessage({ ...args, channel, user }, this.workspace, 'response_url');
    return result.ok ? { ok: true } : result;
  }

  private answer(res: ServerResponse, method: string, parsed: ParsedBody, status: number, result: MethodResult): void {
    const call: RecordedCall = { method, args: parsed.args, contentType: parsed.contentType, httpStatus: status, ok: result.ok };
    if (!result.ok) call.error = result.error;
    this.calls.push(call);
    send(res, status, result);
    this.events.emit('event', { type: 'call', call } satisfies FakeSlackEvent);
  }
}

interface ParsedBody {
  args: Args;
  /** A `token` form or JSON field (the header is the usual place). */
  token?: string;
  contentType: RecordedCall['contentType'];
  invalid: boolean;
}

function parseArgs(contentTypeHeader: string | undefined, body: string): ParsedBody {
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

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
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

function send(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}

export function createFakeSlackApi(opts: FakeSlackApiOptions = {}): FakeSlackApi {
  return new FakeSlackApi(opts);
}

export interface RunningFakeSlackApi extends FakeSlackApi {
  close(): Promise<void>;
}

/** Starts the fake on its own HTTP server (a free port on 127.0.0.1 unless `port` is given). */
export async function startFakeSlackApi(opts: FakeSlackApiOptions = {}): Promise<RunningFakeSlackApi> {
  const api = new FakeSlackApi(opts) as RunningFakeSlackApi;
  const server = createServer((req, res) => {
    api.handle(req, res).then(
      (handled) => {
        if (!handled) send(res, 404, { ok: false, error: 'not_found' });
      },
      () => send(res, 500, { ok: false, error: 'internal_error' }),
    );
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  api.baseUrl = `http://${host}:${port}/`;
  api.close = () =>
    new Promise<void>((resolve, reject) => {
      server.closeAllConnections();
      server.close((err) => (err ? reject(err) : resolve()));
    });
  return api;
}
