// The Web API methods the fake serves, with the argument checks and error codes real Slack uses
// for them (https://api.slack.com/methods). Arguments arrive already decoded (form or JSON).

import type { EphemeralMessage, SlackStore } from './store.ts';
import { LIMITS, validateBlocks, validateView } from './validate.ts';

export type Args = Record<string, unknown>;
export type MethodResult = { ok: true; [key: string]: unknown } | { ok: false; error: string; [key: string]: unknown };

export interface Workspace {
  store: SlackStore;
  teamId: string;
  botUserId: string;
  botId: string;
  users: Map<string, { id: string; name: string; real_name: string }>;
  channelNames: Map<string, string>;
  /** User groups (`S…`) and their members, for `usergroups.users.list`. */
  usergroups?: Map<string, string[]>;
}

type Method = (args: Args, ws: Workspace) => MethodResult;

const fail = (error: string, extra: Record<string, unknown> = {}): MethodResult => ({ ok: false, error, ...extra });
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** A channel id, or a known channel's name (`mesh-alerts`, `#mesh-alerts`) resolved to its id, as Slack does for posts. */
function channelArg(v: unknown, ws: Workspace): string | undefined {
  const channel = str(v);
  if (!channel) return undefined;
  const name = channel.replace(/^#/, '');
  for (const [id, known] of ws.channelNames) if (known === name) return id;
  return channel;
}

/** Decodes `blocks` (array, or a JSON string as the WebClient's form posts send it). */
function decodeBlocks(raw: unknown): { blocks: unknown[] } | { error: MethodResult } {
  if (raw === undefined || raw === '') return { blocks: [] };
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      return { error: fail('invalid_blocks_format') };
    }
  }
  if (!Array.isArray(value)) return { error: fail('invalid_blocks_format') };
  const problems = validateBlocks(value, LIMITS.messageBlocks);
  if (problems.length > 0) return { error: fail('invalid_blocks', { errors: problems, response_metadata: { messages: problems } }) };
  return { blocks: value };
}

/** Text and blocks of a message to post: at least one of them, each within Slack's limits. */
function content(args: Args): { text: string; blocks: unknown[] } | { error: MethodResult } {
  const decoded = decodeBlocks(args.blocks);
  if ('error' in decoded) return decoded;
  const text = typeof args.text === 'string' ? args.text : '';
  if (text === '' && decoded.blocks.length === 0) return { error: fail('no_text') };
  if (text.length > LIMITS.messageText) return { error: fail('msg_too_long') };
  return { text, blocks: decoded.blocks };
}

const authTest: Method = (_args, ws) => ({
  ok: true,
  url: 'https://mesh-medic-fake.slack.test/',
  team: 'mesh-medic fake workspace',
  user: 'mesh-medic',
  team_id: ws.teamId,
  user_id: ws.botUserId,
  bot_id: ws.botId,
  is_enterprise_install: false,
});

const postMessage: Method = (args, ws) => {
  const channel = channelArg(args.channel, ws);
  if (!channel) return fail('channel_not_found');
  const c = content(args);
  if ('error' in c) return c.error;
  let threadTs = str(args.thread_ts);
  if (threadTs) {
    // A reply to a reply joins the parent's thread, as in Slack. Stricter than Slack: a thread_ts
    // naming no message is refused, because it is always a bug in the caller.
    const parent = ws.store.find(channel, threadTs);
    if (!parent) return fail('thread_not_found');
    threadTs = parent.thread_ts ?? parent.ts;
  }
  const message = ws.store.post({ channel, text: c.text, blocks: c.blocks, user: ws.botUserId, ...(threadTs ? { thread_ts: threadTs } : {}) });
  return { ok: true, channel, ts: message.ts, message: { type: 'message', ...messageView(message, ws) } };
};

function messageView(m: { text: string; blocks: unknown[]; ts: string; thread_ts?: string }, ws: Workspace) {
  return { text: m.text, blocks: m.blocks, user: ws.botUserId, bot_id: ws.botId, ts: m.ts, ...(m.thread_ts ? { thread_ts: m.thread_ts } : {}) };
}

const update: Method = (args, ws) => {
  const channel = str(args.channel);
  const ts = str(args.ts);
  if (!channel || !ws.store.hasChannel(channel)) return fail('channel_not_found');
  if (!ts || !ws.store.find(channel, ts)) return fail('message_not_found');
  const existing = ws.store.find(channel, ts)!;
  const decoded = decodeBlocks(args.blocks);
  if ('error' in decoded) return decoded.error;
  // As in Slack: leaving `blocks` out keeps the old ones; an empty array removes them.
  const blocks = args.blocks === undefined ? existing.blocks : decoded.blocks;
  const text = typeof args.text === 'string' ? args.text : existing.text;
  if (text === '' && blocks.length === 0) return fail('no_text');
  const message = ws.store.update(channel, ts, { text, blocks })!;
  return { ok: true, channel, ts, text: message.text, message: messageView(message, ws) };
};

/** An ephemeral message, posted by `chat.postEphemeral` or by an ephemeral response_url answer. */
export function postEphemeralMessage(args: Args, ws: Workspace, via: EphemeralMessage['via']): MethodResult {
  const channel = channelArg(args.channel, ws);
  const user = str(args.user);
  if (!channel) return fail('channel_not_found');
  if (!user) return fail('user_not_found');
  const c = content(args);
  if ('error' in c) return c.error;
  const threadTs = str(args.thread_ts);
  const m = ws.store.postEphemeral({ channel, user, text: c.text, blocks: c.blocks, via, ...(threadTs ? { thread_ts: threadTs } : {}) });
  return { ok: true, message_ts: m.ts };
}

const postEphemeral: Method = (args, ws) => postEphemeralMessage(args, ws, 'chat.postEphemeral');

const deleteMessage: Method = (args, ws) => {
  const channel = str(args.channel);
  const ts = str(args.ts);
  if (!channel || !ws.store.hasChannel(channel)) return fail('channel_not_found');
  if (!ts || !ws.store.delete(channel, ts)) return fail('message_not_found');
  return { ok: true, channel, ts };
};

function decodeView(raw: unknown): { view: Record<string, unknown> } | { error: MethodResult } {
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      return { error: fail('invalid_arguments') };
    }
  }
  const problems = validateView(value);
  if (problems.length > 0) return { error: fail('invalid_arguments', { response_metadata: { messages: problems } }) };
  return { view: value as Record<string, unknown> };
}

function viewResult(v: { id: string; hash: string; view: Record<string, unknown> }, ws: Workspace): MethodResult {
  return { ok: true, view: { ...v.view, id: v.id, team_id: ws.teamId, hash: v.hash, state: { values: {} }, bot_id: ws.botId } };
}

const viewsOpen: Method = (args, ws) => {
  if (!str(args.trigger_id) && !str(args.interactivity_pointer)) return fail('invalid_trigger_id');
  const decoded = decodeView(args.view);
  if ('error' in decoded) return decoded.error;
  return viewResult(ws.store.openView(decoded.view, str(args.trigger_id) ?? str(args.interactivity_pointer)), ws);
};

const viewsUpdate: Method = (args, ws) => {
  const viewId = str(args.view_id);
  const externalId = str(args.external_id);
  if (!viewId && !externalId) return fail('invalid_arguments');
  const stored = ws.store.findView({ ...(viewId ? { view_id: viewId } : {}), ...(externalId ? { external_id: externalId } : {}) });
  if (!stored) return fail('not_found');
  const hash = str(args.hash);
  if (hash && hash !== stored.hash) return fail('hash_conflict');
  const decoded = decodeView(args.view);
  if ('error' in decoded) return decoded.error;
  return viewResult(ws.store.updateView(stored.id, decoded.view), ws);
};

const CHANNEL_ID = /^[CGD][A-Z0-9]{2,}$/;
const USER_ID = /^[UW][A-Z0-9]{2,}$/;

const conversationsInfo: Method = (args, ws) => {
  const channel = str(args.channel);
  if (!channel || !(CHANNEL_ID.test(channel) || ws.channelNames.has(channel) || ws.store.hasChannel(channel))) {
    return fail('channel_not_found');
  }
  const name = ws.channelNames.get(channel) ?? channel.toLowerCase();
  return { ok: true, channel: { id: channel, name, is_channel: channel.startsWith('C'), is_private: channel.startsWith('G'), is_im: channel.startsWith('D'), is_member: true, is_archived: false } };
};

const usersInfo: Method = (args, ws) => {
  const id = str(args.user);
  if (!id) return fail('user_not_found');
  if (id === ws.botUserId) {
    return { ok: true, user: { id, team_id: ws.teamId, name: 'mesh-medic', real_name: 'mesh-medic', is_bot: true, deleted: false, profile: { display_name: 'mesh-medic', real_name: 'mesh-medic', bot_id: ws.botId } } };
  }
  const known = ws.users.get(id) ?? (USER_ID.test(id) ? { id, name: id.toLowerCase(), real_name: `User ${id}` } : undefined);
  if (!known) return fail('user_not_found');
  return { ok: true, user: { ...known, team_id: ws.teamId, is_bot: false, deleted: false, tz: 'UTC', profile: { display_name: known.name, real_name: known.real_name } } };
};

const usergroupsUsersList: Method = (args, ws) => {
  const id = str(args.usergroup);
  const users = id ? ws.usergroups?.get(id) : undefined;
  if (!users) return fail('no_such_subteam');
  return { ok: true, users: [...users] };
};

export const METHODS: Readonly<Record<string, Method>> = {
  'auth.test': authTest,
  'chat.postMessage': postMessage,
  'chat.update': update,
  'chat.postEphemeral': postEphemeral,
  'chat.delete': deleteMessage,
  'views.open': viewsOpen,
  'views.update': viewsUpdate,
  'conversations.info': conversationsInfo,
  'users.info': usersInfo,
  'usergroups.users.list': usergroupsUsersList,
};
