// What a person does on the emulator page, turned into what Slack would do: type a slash command
// (signed form post to the app, its HTTP answer shown as an ephemeral message), type a message,
// click a button (signed block_actions), submit or close a modal (signed view_submission /
// view_closed, then act on the app's response_action).

import { type Actor, type AppIdentity, blockActionsPayload, viewClosedPayload, viewSubmissionPayload } from './interactions.ts';
import type { ModalChange, ModalTracker } from './modals.ts';
import type { ActionRequest, CommandRequest, MessageRequest, ViewCloseRequest, ViewSubmissionRequest } from './page-requests.ts';
import { blockActionsBody, nowSeconds, slashCommandBody } from './signing.ts';
import { type BotEndpoint, jsonBody, sendToBot } from './to-bot.ts';
import type { FakeSlackApi } from './web-api/web-api.ts';

export interface EmulatorContext {
  webApi: FakeSlackApi;
  modals: ModalTracker;
  app: AppIdentity;
  bot: BotEndpoint;
  /** Slash commands the app registered (`/mesh`). */
  commands: readonly string[];
  actor(userId: string): Actor | undefined;
  channelName(channelId: string): string;
  /** Tells the open pages about a modal opening, changing or closing. */
  publish(change: ModalChange): void;
}

/** What the page learns from its request; everything a person sees arrives over the event stream. */
export interface Outcome {
  ok: boolean;
  /** Slack's error code, or a reason the emulator refused. */
  error?: string;
  /** Per input block (block_id), from a `response_action: errors` answer. */
  errors?: Record<string, string>;
}

const SLACK_CONNECT_TROUBLE = 'We had some trouble connecting. Try again?';

function actorOrThrow(ctx: EmulatorContext, userId: string): Actor {
  const actor = ctx.actor(userId);
  if (!actor) throw new UnknownUserError(userId);
  return actor;
}

export class UnknownUserError extends Error {
  constructor(user: string) {
    super(`unknown user ${user}`);
  }
}

export async function runSlashCommand(ctx: EmulatorContext, req: CommandRequest): Promise<Outcome> {
  const actor = actorOrThrow(ctx, req.user);
  const typed = req.text.trim();
  const command = typed.split(/\s/, 1)[0]!;
  const target = { channel: req.channel, user: actor.id };
  if (!ctx.commands.includes(command)) {
    ctx.webApi.postNotice(target, `${command} is not a valid command. In Slack, all messages that start with the "/" character are interpreted as commands.`);
    return { ok: false, error: 'unknown_command' };
  }
  const body = slashCommandBody({
    command,
    text: typed.slice(command.length).trim(),
    user_id: actor.id,
    user_name: actor.name,
    channel_id: req.channel,
    channel_name: ctx.channelName(req.channel),
    team_id: ctx.app.teamId,
    team_domain: ctx.app.teamDomain,
    api_app_id: ctx.app.appId,
    response_url: ctx.webApi.responseUrl(target),
    trigger_id: ctx.modals.newTrigger(actor.id),
  });
  const answer = await sendToBot(ctx.bot, body);
  if (!answer.ok) {
    ctx.webApi.postNotice(target, `${command} failed with the error "${answer.error}" (emulator: ${answer.detail})`);
    return { ok: false, error: answer.error };
  }
  return showCommandAnswer(ctx, target, command, answer.response.body, jsonBody(answer.response));
}

// Slack shows a message in the app's HTTP answer (Bolt's `ack(message)`); an empty answer shows nothing.
function showCommandAnswer(ctx: EmulatorContext, target: { channel: string; user: string }, command: string, raw: string, json: Record<string, unknown> | undefined): Outcome {
  if (raw.trim() === '') return { ok: true };
  const message = json ?? { text: raw };
  if (message.text === undefined && message.blocks === undefined) return { ok: true };
  const posted = ctx.webApi.postCommandResponse(target, message);
  if (posted.ok) return { ok: true };
  ctx.webApi.postNotice(target, `${command} failed with the error "${posted.error}" (emulator: Slack refused the app's answer)`);
  return { ok: false, error: posted.error };
}

export function postUserMessage(ctx: EmulatorContext, req: MessageRequest): Outcome {
  const actor = actorOrThrow(ctx, req.user);
  ctx.webApi.postAsUser({ channel: req.channel, user: actor.id, text: req.text, ...(req.threadTs ? { thread_ts: req.threadTs } : {}) });
  return { ok: true };
}

export async function clickButton(ctx: EmulatorContext, req: ActionRequest): Promise<Outcome> {
  const actor = actorOrThrow(ctx, req.user);
  const message = ctx.webApi.findMessage(req.channel, req.messageTs);
  if (!message) return { ok: false, error: 'message_not_found' };
  const payload = blockActionsPayload({
    app: ctx.app,
    actor,
    channel: { id: req.channel, name: ctx.channelName(req.channel) },
    message,
    ephemeral: req.ephemeral,
    ref: { blockIndex: req.blockIndex, element: req.element },
    triggerId: ctx.modals.newTrigger(actor.id),
    responseUrl: ctx.webApi.responseUrl({ channel: req.channel, user: actor.id, messageTs: req.messageTs }),
    actionTs: `${nowSeconds()}.${String(Date.now() % 1000).padStart(3, '0')}000`,
  });
  const action = (payload?.actions as { action_id?: string }[] | undefined)?.[0];
  if (!payload || action?.action_id !== req.actionId) return { ok: false, error: 'message_changed' };
  const answer = await sendToBot(ctx.bot, blockActionsBody(payload));
  if (answer.ok) return { ok: true };
  const notice = { channel: req.channel, user: actor.id, ...(message.thread_ts ? { thread_ts: message.thread_ts } : {}) };
  ctx.webApi.postNotice(notice, `The app did not handle that click: "${answer.error}" (emulator: ${answer.detail})`);
  return { ok: false, error: answer.error };
}

export async function submitView(ctx: EmulatorContext, req: ViewSubmissionRequest): Promise<Outcome> {
  const actor = actorOrThrow(ctx, req.user);
  const view = ctx.webApi.findView(req.viewId);
  if (!view || !ctx.modals.isOpen(req.viewId)) return { ok: false, error: 'view_not_found' };
  const payload = viewSubmissionPayload({ app: ctx.app, actor, view, submitted: req.values, triggerId: ctx.modals.newTrigger(actor.id) });
  const answer = await sendToBot(ctx.bot, blockActionsBody(payload));
  if (!answer.ok) return { ok: false, error: SLACK_CONNECT_TROUBLE };
  return applyResponseAction(ctx, actor, req.viewId, jsonBody(answer.response));
}

// https://api.slack.com/surfaces/modals#updating_response / #displaying_errors / #close_all_views
function applyResponseAction(ctx: EmulatorContext, actor: Actor, viewId: string, answer: Record<string, unknown> | undefined): Outcome {
  const action = answer?.response_action;
  if (action === 'errors') {
    const errors = answer?.errors;
    const valid = typeof errors === 'object' && errors !== null && Object.values(errors).every((v) => typeof v === 'string');
    return valid ? { ok: false, errors: errors as Record<string, string> } : { ok: false, error: SLACK_CONNECT_TROUBLE };
  }
  if (action === 'update' || action === 'push') {
    // A pushed view replaces the current one here: the emulator keeps no stack of modals.
    const problems = ctx.webApi.replaceView(viewId, answer?.view);
    return problems.length === 0 ? { ok: true } : { ok: false, error: SLACK_CONNECT_TROUBLE };
  }
  if (action === 'clear') {
    for (const change of ctx.modals.closeAllOf(actor.id)) ctx.publish(change);
    return { ok: true };
  }
  const closed = ctx.modals.close(viewId);
  if (closed) ctx.publish(closed);
  return { ok: true };
}

export async function closeView(ctx: EmulatorContext, req: ViewCloseRequest): Promise<Outcome> {
  const actor = actorOrThrow(ctx, req.user);
  const view = ctx.webApi.findView(req.viewId);
  const closed = ctx.modals.close(req.viewId);
  if (!view || !closed) return { ok: false, error: 'view_not_found' };
  ctx.publish(closed);
  // Slack tells the app only when it asked to be told.
  if (view.view.notify_on_close === true) {
    await sendToBot(ctx.bot, blockActionsBody(viewClosedPayload({ app: ctx.app, actor, view, submitted: [] })));
  }
  return { ok: true };
}
