// The payloads Slack sends an app when a person uses it: block_actions for a button click,
// view_submission / view_closed for a modal. Shaped after Slack's documented payloads
// (https://api.slack.com/reference/interaction-payloads) so the real Bolt routes them the way it
// would route Slack's. Everything an app acts on (button value, action_id) is read from what the
// app itself posted, never from what the browser says.

import type { EphemeralMessage, StoredMessage, StoredView } from './web-api/web-api.ts';

type Json = Record<string, unknown>;

export interface AppIdentity {
  appId: string;
  teamId: string;
  teamDomain: string;
  botId: string;
  botUserId: string;
}

export interface Actor {
  id: string;
  name: string;
}

/** Which interactive element was used: a block by index, then an `actions` element or the accessory. */
export interface ElementRef {
  blockIndex: number;
  element: number | 'accessory';
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

// Slack fills in ids an app left out; stable ones keep a click and a re-render in agreement.
export const blockIdOf = (block: Json, index: number): string => (typeof block.block_id === 'string' ? block.block_id : `emu-block-${index}`);
const actionIdOf = (el: Json, index: number | 'accessory'): string => (typeof el.action_id === 'string' ? el.action_id : `emu-action-${index}`);

/** The button or other element at `ref`, with the ids Slack would report for it. */
export function findElement(blocks: unknown[], ref: ElementRef): { blockId: string; actionId: string; element: Json } | undefined {
  const block = blocks[ref.blockIndex];
  if (!isObject(block)) return undefined;
  const element = ref.element === 'accessory' ? block.accessory : Array.isArray(block.elements) ? block.elements[ref.element] : undefined;
  if (!isObject(element)) return undefined;
  return { blockId: blockIdOf(block, ref.blockIndex), actionId: actionIdOf(element, ref.element), element };
}

function userOf(actor: Actor, app: AppIdentity): Json {
  return { id: actor.id, username: actor.name, name: actor.name, team_id: app.teamId };
}

function actionOf(found: NonNullable<ReturnType<typeof findElement>>, actionTs: string): Json {
  const { element } = found;
  const action: Json = { type: element.type, action_id: found.actionId, block_id: found.blockId, action_ts: actionTs };
  for (const key of ['text', 'value', 'style', 'url']) if (element[key] !== undefined) action[key] = element[key];
  return action;
}

export interface MessageClick {
  app: AppIdentity;
  actor: Actor;
  channel: { id: string; name: string };
  message: StoredMessage | EphemeralMessage;
  ephemeral: boolean;
  ref: ElementRef;
  triggerId: string;
  responseUrl: string;
  /** `seconds.micros` of the click. */
  actionTs: string;
}

/** A block_actions payload for a click on a message (or ephemeral message) button; undefined if the element is gone. */
export function blockActionsPayload(c: MessageClick): Json | undefined {
  const found = findElement(c.message.blocks, c.ref);
  if (!found) return undefined;
  const threadTs = c.message.thread_ts;
  const container: Json = { type: 'message', message_ts: c.message.ts, channel_id: c.channel.id, is_ephemeral: c.ephemeral };
  if (threadTs) container.thread_ts = threadTs;
  const payload: Json = {
    type: 'block_actions',
    user: userOf(c.actor, c.app),
    api_app_id: c.app.appId,
    token: 'deprecated-verification-token',
    container,
    trigger_id: c.triggerId,
    team: { id: c.app.teamId, domain: c.app.teamDomain },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: c.channel.id, name: c.channel.name },
    state: { values: {} },
    response_url: c.responseUrl,
    actions: [actionOf(found, c.actionTs)],
  };
  // Slack leaves the message out for ephemeral messages: the app never stored them.
  if (!c.ephemeral) payload.message = messageOf(c.message as StoredMessage, c.app);
  return payload;
}

function messageOf(m: StoredMessage, app: AppIdentity): Json {
  const message: Json = { type: 'message', user: m.user, ts: m.ts, text: m.text, blocks: m.blocks };
  if (m.thread_ts) message.thread_ts = m.thread_ts;
  if (m.edits.length > 0) message.edited = { user: m.user, ts: m.ts };
  if (m.user === app.botUserId) message.bot_id = app.botId;
  return message;
}

/** One typed value per input block, by block index (what the page sends). */
export interface SubmittedValue {
  blockIndex: number;
  value: string;
}

/** `view.state.values` as Slack reports it: block_id -> action_id -> { type, value }. */
export function stateValues(view: Json, submitted: readonly SubmittedValue[]): Json {
  const blocks = Array.isArray(view.blocks) ? view.blocks : [];
  const values: Json = {};
  blocks.forEach((block, index) => {
    if (!isObject(block) || block.type !== 'input' || !isObject(block.element)) return;
    const element = block.element;
    const typed = submitted.find((s) => s.blockIndex === index)?.value;
    const value = typed ?? (typeof element.initial_value === 'string' ? element.initial_value : null);
    values[blockIdOf(block, index)] = { [actionIdOf(element, index)]: { type: element.type, value: value === '' ? null : value } };
  });
  return values;
}

function viewOutput(stored: StoredView, app: AppIdentity, values: Json): Json {
  const view = stored.view;
  return {
    ...view,
    id: stored.id,
    team_id: app.teamId,
    app_id: app.appId,
    bot_id: app.botId,
    hash: stored.hash,
    callback_id: typeof view.callback_id === 'string' ? view.callback_id : '',
    private_metadata: typeof view.private_metadata === 'string' ? view.private_metadata : '',
    root_view_id: stored.id,
    previous_view_id: null,
    state: { values },
  };
}

export interface ModalUse {
  app: AppIdentity;
  actor: Actor;
  view: StoredView;
  submitted: readonly SubmittedValue[];
  triggerId: string;
}

export function viewSubmissionPayload(m: ModalUse): Json {
  return {
    type: 'view_submission',
    team: { id: m.app.teamId, domain: m.app.teamDomain },
    user: userOf(m.actor, m.app),
    api_app_id: m.app.appId,
    token: 'deprecated-verification-token',
    trigger_id: m.triggerId,
    view: viewOutput(m.view, m.app, stateValues(m.view.view, m.submitted)),
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
}

export function viewClosedPayload(m: Omit<ModalUse, 'triggerId'>): Json {
  return {
    type: 'view_closed',
    team: { id: m.app.teamId, domain: m.app.teamDomain },
    user: userOf(m.actor, m.app),
    api_app_id: m.app.appId,
    token: 'deprecated-verification-token',
    view: viewOutput(m.view, m.app, stateValues(m.view.view, m.submitted)),
    is_cleared: false,
    is_enterprise_install: false,
    enterprise: null,
  };
}
