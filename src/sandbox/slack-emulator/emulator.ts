// The local Slack emulator (issue 7): a Slack Web API stand-in at `/api/` plus a web page at `/`
// that looks enough like Slack to use mesh-medic with no workspace. Mount it on the bot's own HTTP
// server (`if (emulator.handle(req, res)) return;`) or run it on its own with startSlackEmulator.
//
// The page never holds a secret: it asks this server to act for a person ("alice typed
// /mesh diagnose hosted-east"), and the server signs the request with the signing secret and posts
// it to the bot exactly as Slack would.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PageAssets } from './assets.ts';
import { DEFAULT_CHANNELS, DEFAULT_USERS, type EmulatorChannel, type EmulatorUser } from './directory.ts';
import type { AppIdentity } from './interactions.ts';
import { ModalTracker, type OpenModal } from './modals.ts';
import { actionRequest, commandRequest, messageRequest, PageRequestError, readPageRequest, viewCloseRequest, viewSubmissionRequest } from './page-requests.ts';
import { SseHub } from './sse.ts';
import { clickButton, closeView, type EmulatorContext, type Outcome, postUserMessage, runSlashCommand, submitView, UnknownUserError } from './user-actions.ts';
import { sendJson } from './web-api/body.ts';
import { type EphemeralMessage, FakeSlackApi, type FakeSlackEvent, type StoredMessage } from './web-api/web-api.ts';

export type { EmulatorChannel, EmulatorUser } from './directory.ts';
export { DEFAULT_CHANNELS, DEFAULT_USERS } from './directory.ts';

export interface SlackEmulatorOptions {
  /** Where signed requests go: the bot's Request URL, e.g. `http://127.0.0.1:3000/slack/events`. */
  botUrl: string;
  signingSecret: string;
  /** The token the bot uses; the Web API refuses any other. */
  botToken: string;
  /** Public base URL of the server the emulator is mounted on (for response URLs); default: botUrl's origin. */
  baseUrl?: string;
  channels?: readonly EmulatorChannel[];
  users?: readonly EmulatorUser[];
  /** Slash commands the app registered; default `['/mesh']`. */
  commands?: readonly string[];
  /** How long to wait for the bot's HTTP answer; default 3000 ms, as Slack. */
  ackTimeoutMs?: number;
  teamId?: string;
  teamDomain?: string;
  appId?: string;
  botUserId?: string;
  botId?: string;
  /** Display name of the bot user on the page; default `mesh-medic`. */
  botName?: string;
  /** Workspace name in the sidebar; default `mesh-medic`. */
  teamName?: string;
}

export interface SlackEmulator {
  /** Answers `/`, `/emulator/*`, `/api/*` and `/response/*`; returns false for anything else (and answers nothing). */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  /** The Web API the bot talks to (`webApi.url` is its `SLACK_API_URL`), and what tests read. */
  readonly webApi: FakeSlackApi;
  /** Where signed requests go; settable for a bot that starts after the emulator. */
  botUrl: string;
  /** Ends the pages' event streams and stops listening to the Web API. */
  close(): void;
}

export interface EmulatorSnapshot {
  type: 'snapshot';
  workspace: { teamId: string; teamName: string; teamDomain: string; botUserId: string; botName: string; commands: readonly string[] };
  users: { id: string; name: string; realName: string; title?: string }[];
  channels: EmulatorChannel[];
  messages: StoredMessage[];
  ephemerals: EphemeralMessage[];
  modals: OpenModal[];
}

const PAGE_ASSET = /^\/emulator\/([a-z0-9-]+\.[a-z]+)$/;

type PageHandler = (req: IncomingMessage) => Promise<Outcome>;

export function createSlackEmulator(opts: SlackEmulatorOptions): SlackEmulator {
  const channels = opts.channels ?? DEFAULT_CHANNELS;
  const users = opts.users ?? DEFAULT_USERS;
  const webApi = new FakeSlackApi({
    botToken: opts.botToken,
    baseUrl: opts.baseUrl ?? new URL('/', opts.botUrl).toString(),
    realTimeTs: true,
    ...(opts.teamId ? { teamId: opts.teamId } : {}),
    ...(opts.botUserId ? { botUserId: opts.botUserId } : {}),
    ...(opts.botId ? { botId: opts.botId } : {}),
  });
  for (const c of channels) webApi.addChannel(c.id, c.name);
  for (const u of users) webApi.addUser({ id: u.id, name: u.name, real_name: u.realName ?? u.name });

  const assets = new PageAssets();
  const hub = new SseHub();
  const modals = new ModalTracker();
  const app: AppIdentity = { appId: opts.appId ?? 'A0MESHMEDIC', teamId: webApi.teamId, teamDomain: opts.teamDomain ?? 'mesh-medic-sandbox', botId: webApi.botId, botUserId: webApi.botUserId };
  const bot = { url: opts.botUrl, signingSecret: opts.signingSecret, ackTimeoutMs: opts.ackTimeoutMs ?? 3000 };
  const commands = opts.commands ?? ['/mesh'];
  const botName = opts.botName ?? 'mesh-medic';

  const ctx: EmulatorContext = {
    webApi,
    modals,
    app,
    bot,
    commands,
    actor: (id) => {
      const u = users.find((x) => x.id === id);
      return u ? { id: u.id, name: u.name } : undefined;
    },
    channelName: (id) => channels.find((c) => c.id === id)?.name ?? id.toLowerCase(),
    publish: (change) => hub.broadcast(change),
  };

  const unsubscribe = webApi.subscribe((event) => forwardToPages(event, modals, hub));

  const snapshot = (): EmulatorSnapshot => ({
    type: 'snapshot',
    workspace: { teamId: app.teamId, teamName: opts.teamName ?? 'mesh-medic', teamDomain: app.teamDomain, botUserId: app.botUserId, botName, commands },
    users: users.map((u) => ({ id: u.id, name: u.name, realName: u.realName ?? u.name, ...(u.title ? { title: u.title } : {}) })),
    channels: [...channels],
    messages: webApi.messages(),
    ephemerals: webApi.ephemerals(),
    modals: modals.list(),
  });

  const pageHandlers: Record<string, PageHandler> = {
    '/emulator/command': async (req) => runSlashCommand(ctx, await readPageRequest(req, commandRequest)),
    '/emulator/message': async (req) => postUserMessage(ctx, await readPageRequest(req, messageRequest)),
    '/emulator/action': async (req) => clickButton(ctx, await readPageRequest(req, actionRequest)),
    '/emulator/view-submission': async (req) => submitView(ctx, await readPageRequest(req, viewSubmissionRequest)),
    '/emulator/view-close': async (req) => closeView(ctx, await readPageRequest(req, viewCloseRequest)),
  };

  const handle = (req: IncomingMessage, res: ServerResponse): boolean => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (FakeSlackApi.serves(path)) {
      webApi.handle(req, res).catch(() => sendJson(res, 500, { ok: false, error: 'internal_error' }));
      return true;
    }
    if (path !== '/' && !path.startsWith('/emulator/')) return false;
    const pageHandler = pageHandlers[path];
    if (pageHandler) runPageHandler(pageHandler, req, res);
    else if (req.method !== 'GET' && req.method !== 'HEAD') sendJson(res, 405, { ok: false, error: 'method_not_allowed' });
    else if (path === '/') assets.send(res, 'index.html');
    else if (path === '/emulator/events') hub.attach(req, res, snapshot());
    else if (path === '/emulator/state') sendJson(res, 200, snapshot());
    else assets.send(res, PAGE_ASSET.exec(path)?.[1] ?? '');
    return true;
  };

  return {
    handle,
    webApi,
    get botUrl() {
      return bot.url;
    },
    set botUrl(url: string) {
      bot.url = url;
    },
    close() {
      unsubscribe();
      hub.close();
    },
  };
}

// Store changes go to the pages as they are; a stored view matters only as a modal opening or changing.
function forwardToPages(event: FakeSlackEvent, modals: ModalTracker, hub: SseHub): void {
  if (event.type === 'call') return;
  if (event.type !== 'view') {
    hub.broadcast(event);
    return;
  }
  const change = modals.onView(event.view);
  if (change) hub.broadcast(change);
}

function runPageHandler(handler: PageHandler, req: IncomingMessage, res: ServerResponse): void {
  handler(req).then(
    (outcome) => sendJson(res, 200, outcome),
    (err: unknown) => {
      if (err instanceof PageRequestError) sendJson(res, err.status, { ok: false, error: err.message });
      else if (err instanceof UnknownUserError) sendJson(res, 400, { ok: false, error: err.message });
      else sendJson(res, 500, { ok: false, error: 'internal_error' });
    },
  );
}

export interface RunningSlackEmulator extends SlackEmulator {
  /** `http://127.0.0.1:PORT/`: open it in a browser. */
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

export type StartSlackEmulatorOptions = Omit<SlackEmulatorOptions, 'baseUrl'> & { port?: number; host?: string };

/** The emulator on its own HTTP server (tests, development); a free port on 127.0.0.1 unless told. */
export async function startSlackEmulator(opts: StartSlackEmulatorOptions): Promise<RunningSlackEmulator> {
  let emulator: SlackEmulator | undefined;
  const server = createServer((req, res) => {
    if (!emulator?.handle(req, res)) sendJson(res, 404, { ok: false, error: 'not_found' });
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}/`;
  const created = createSlackEmulator({ ...opts, baseUrl: url });
  const stopEmulator = created.close;
  emulator = created;
  return Object.assign(created, {
    url,
    server,
    close: async () => {
      stopEmulator();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  });
}
