// A small but real Slack Web API server: the real `@slack/web-api` WebClient and Bolt talk to it
// over HTTP through `slackApiUrl`. The tests use it as their Slack, and the sandbox serves it at
// `/api/` behind the local Slack emulator page (issue 7). It keeps the workspace's state
// (channels, threads, edits, ephemerals, modals) so a test or a person reads a thread the way
// Slack would show it, and it refuses what real Slack refuses (too many blocks, oversized
// sections, missing channel, bad token). It records calls but never the token.
//
//   const slack = await startFakeSlackApi();
//   const client = new WebClient(slack.botToken, { slackApiUrl: slack.url });
//   ...
//   await slack.close();
//
// To serve it from another HTTP server (the emulator, the bot in sandbox mode), use
// createFakeSlackApi({ baseUrl }) and call `handle(req, res)` for every request: it answers
// `/api/<method>` and `/response/<id>` and returns false for anything else.

import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ParsedBody, parseArgs, readBody, sendJson } from './body.ts';
import { type Args, METHODS, type MethodResult, postEphemeralMessage, type Workspace } from './methods.ts';
import { type EphemeralMessage, SlackStore, type StoreEvent, type StoredMessage, type StoredView } from './store.ts';
import { validateView } from './validate.ts';

export type { Args, MethodResult } from './methods.ts';
export type { EphemeralMessage, StoreEvent, StoredMessage, StoredView } from './store.ts';
export { LIMITS, validateBlocks, validateView } from './validate.ts';

export interface FakeSlackApiOptions {
  port?: number;
  host?: string;
  botToken?: string;
  teamId?: string;
  botUserId?: string;
  botId?: string;
  /** Public base URL (`http://host:port/`) when mounted on another server; set automatically by startFakeSlackApi. */
  baseUrl?: string;
  /**
   * Message timestamps from the wall clock, as in Slack (the emulator shows them to people).
   * Default: deterministic ones for tests, `1700000000.000100`, `.000200`, …
   */
  realTimeTs?: boolean;
}

export interface RecordedCall {
  /** Web API method (`chat.postMessage`), or `response_url` for posts to a response URL. */
  method: string;
  /** Decoded arguments (form fields or JSON), `blocks`/`view` parsed; `token` removed. */
  args: Args;
  contentType: ParsedBody['contentType'];
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

export interface WorkspaceUser {
  id: string;
  name: string;
  real_name: string;
}

export type FakeSlackEvent = StoreEvent | { type: 'call'; call: RecordedCall };

const API_PATH = /^\/api\/([A-Za-z0-9_.]+)$/;
const RESPONSE_PATH = /^\/response\/([A-Za-z0-9-]+)$/;

export class FakeSlackApi {
  readonly botToken: string;
  readonly teamId: string;
  readonly botUserId: string;
  readonly botId: string;
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
    this.botId = opts.botId ?? 'B0MESHBOT1';
    this.baseUrl = opts.baseUrl ?? 'http://127.0.0.1/';
    this.events.setMaxListeners(0);
    this.store = new SlackStore((e) => this.events.emit('event', e), opts.realTimeTs ? Date.now : undefined);
    this.workspace = {
      store: this.store,
      teamId: this.teamId,
      botUserId: this.botUserId,
      botId: this.botId,
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

  /** A user group (`S…`) with its members, as `usergroups.users.list` reports it. */
  addUserGroup(id: string, users: readonly string[]): void {
    this.workspace.usergroups ??= new Map();
    this.workspace.usergroups.set(id, [...users]);
  }

  addChannel(id: string, name: string): void {
    this.workspace.channelNames.set(id, name);
  }

  /** Users added with addUser, in the order they were added. */
  users(): WorkspaceUser[] {
    return [...this.workspace.users.values()].map((u) => ({ ...u }));
  }

  /** Channels added with addChannel, in the order they were added. */
  channels(): { id: string; name: string }[] {
    return [...this.workspace.channelNames].map(([id, name]) => ({ id, name }));
  }

  /** A response_url for a slash command or button click in `channel` by `user`. */
  responseUrl(target: ResponseUrlTarget): string {
    const id = `r${++this.responseCounter}-${Math.random().toString(36).slice(2, 10)}`;
    this.responseTargets.set(id, { ...target });
    return new URL(`response/${id}`, this.baseUrl).toString();
  }

  // ---- what people and Slack itself do (used by the emulator page) ----------------------------

  /** A message typed by a person (not the bot) into a channel or a thread. */
  postAsUser(m: { channel: string; user: string; text: string; thread_ts?: string }): StoredMessage {
    const parent = m.thread_ts ? this.store.find(m.channel, m.thread_ts) : undefined;
    const threadTs = parent ? (parent.thread_ts ?? parent.ts) : undefined;
    return this.store.post({ channel: m.channel, user: m.user, text: m.text, blocks: [], ...(threadTs ? { thread_ts: threadTs } : {}) });
  }

  /**
   * What Slack does with the message in an app's HTTP answer to a slash command: `in_channel`
   * posts it in the channel, anything else shows it to the invoking user only.
   */
  postCommandResponse(target: { channel: string; user: string }, message: Args): MethodResult {
    if (message.response_type === 'in_channel') return METHODS['chat.postMessage']!({ ...message, channel: target.channel }, this.workspace);
    return postEphemeralMessage({ ...message, channel: target.channel, user: target.user }, this.workspace, 'command_response');
  }

  /** A notice from Slack itself, seen by one user only ("/mesh failed with the error …"). */
  postNotice(target: { channel: string; user: string; thread_ts?: string }, text: string): void {
    postEphemeralMessage({ ...target, text }, this.workspace, 'emulator');
  }

  /** A message or an ephemeral message by ts, as the user who clicked on it sees it. */
  findMessage(channel: string, ts: string): StoredMessage | EphemeralMessage | undefined {
    const stored = this.store.find(channel, ts);
    if (stored) return structuredClone(stored);
    return this.store.ephemerals(channel).find((m) => m.ts === ts);
  }

  findView(id: string): StoredView | undefined {
    const view = this.store.findView({ view_id: id });
    return view ? structuredClone(view) : undefined;
  }

  /** Replaces a modal's view (an app's `response_action: update`); returns Slack's problems, if any. */
  replaceView(id: string, view: unknown): string[] {
    const problems = validateView(view);
    if (problems.length > 0 || !this.store.findView({ view_id: id })) return problems.length > 0 ? problems : ['[ERROR] view not found'];
    this.store.updateView(id, view as Record<string, unknown>);
    return [];
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

  /** True for the paths handle() answers: `/api/<method>` and `/response/<id>`. */
  static serves(pathname: string): boolean {
    return API_PATH.test(pathname) || RESPONSE_PATH.test(pathname);
  }

  /** Serves `/api/<method>` and `/response/<id>`; returns false (and answers nothing) otherwise. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const api = API_PATH.exec(path);
    const response = RESPONSE_PATH.exec(path);
    if (!api && !response) return false;
    if (req.method !== 'POST') {
      sendJson(res, 405, { ok: false, error: 'method_not_allowed' });
      return true;
    }
    const body = await readBody(req).catch(() => undefined);
    if (body === undefined) {
      sendJson(res, 413, { ok: false, error: 'request_too_large' });
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
    sendJson(res, status, result);
    this.events.emit('event', { type: 'call', call } satisfies FakeSlackEvent);
  }
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
        if (!handled) sendJson(res, 404, { ok: false, error: 'not_found' });
      },
      () => sendJson(res, 500, { ok: false, error: 'internal_error' }),
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
