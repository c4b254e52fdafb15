// Answers to the person who clicked or submitted: ephemeral (only they see it), through the
// click's response_url when there is one, else chat.postEphemeral in the proposal's channel.
// And the one step every approval path ends in: enqueue the remediation job (job id = proposal id).

import type { RespondFn } from '@slack/bolt';
import { isQueueUnavailable } from '../../../queue/errors.ts';
import { showDecision } from '../../../queue/remediation-message.ts';
import { escapeMrkdwn } from '../../mrkdwn.ts';
import type { EphemeralSlackMessage } from '../../render/blocks.ts';
import { renderNotice, renderRefusal } from '../../render/remediation.ts';
import type { ListenerContext } from '../context.ts';
import type { TrustedClick } from './click.ts';

/** Where an answer goes: the response_url of a click, or an ephemeral in a channel (and thread). */
export interface Audience {
  respond?: RespondFn;
  channel?: string;
  threadTs?: string;
  user: string;
}

interface ClickLike {
  respond?: RespondFn;
  body: { user: { id: string }; channel?: { id?: string } | null; container?: { channel_id?: string; thread_ts?: string } | null };
}

export function audienceOf(args: ClickLike | Audience): Audience {
  if ('body' in args) {
    const channel = args.body.channel?.id ?? args.body.container?.channel_id;
    return { user: args.body.user.id, ...(args.respond ? { respond: args.respond } : {}), ...(channel ? { channel } : {}) };
  }
  return args;
}

async function send(ctx: ListenerContext, to: Audience, message: EphemeralSlackMessage): Promise<void> {
  try {
    if (to.respond) {
      await to.respond({ ...message, replace_original: false });
      return;
    }
    if (to.channel) await ctx.slack.postEphemeral(to.channel, to.user, message, to.threadTs ? { threadTs: to.threadTs } : {});
  } catch (err) {
    ctx.logger.warn({ err: (err as Error).message }, 'could not answer the user');
  }
}

export function refuse(ctx: ListenerContext, args: ClickLike | Audience, reason: string, nextStep?: string): Promise<void> {
  return send(ctx, audienceOf(args), renderRefusal(reason, nextStep));
}

export function tell(ctx: ListenerContext, args: ClickLike | Audience, text: string): Promise<void> {
  return send(ctx, audienceOf(args), renderNotice(escapeMrkdwn(text), text));
}

/** The completing approval is recorded: show it on the report and queue the job (once). */
export async function enqueueApproved(ctx: ListenerContext, args: ClickLike | Audience, click: TrustedClick, user: string, opts: { firstTime?: boolean } = {}): Promise<void> {
  const { proposal: p, where, services } = click;
  if (opts.firstTime) await showDecision(services.records, ctx.slack, p).catch((err: unknown) => ctx.logger.warn({ err: (err as Error).message }, 'could not replace the buttons'));
  try {
    const queued = await services.producer.enqueue({ proposalId: p.id, channel: where.channel, threadTs: where.threadTs, approvedBy: user });
    ctx.logger.info({ proposalId: p.id, user, queued: queued.kind }, 'remediation job enqueued');
    const text = queued.kind === 'queued' ? 'Approved: the fix is being applied; the outcome will be posted in the thread.' : 'Already approved: the fix is being applied (or was); see the thread.';
    await tell(ctx, args, text);
  } catch (err) {
    if (!isQueueUnavailable(err)) throw err;
    ctx.logger.warn({ proposalId: p.id, err: err.message }, 'approved, but the remediation job could not be queued');
    await refuse(ctx, args, 'your approval is recorded, but the queue is unavailable so nothing was applied yet', 'Click Approve again in a moment to queue it.');
  }
}
