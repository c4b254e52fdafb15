// `/mesh diagnose <cluster> [check-id ...]`: validate against the registry and the catalog, then
// the one bounded enqueue, then the ack. Nothing else happens before the ack; the only thing
// after it is a note in the running thread for someone who joined a run.

import type { SlashCommand } from '@slack/bolt';
import { isQueueUnavailable } from '../../../queue/errors.ts';
import { CHANNEL_ID } from '../../../queue/jobs.ts';
import type { EnqueueOutcome } from '../../../queue/producer.ts';
import { suggestClosest } from '../../commands/parse.ts';
import { type EphemeralSlackMessage, renderError, renderQueued } from '../../render/index.ts';
import type { ListenerContext } from '../context.ts';
import { joinedNote, joinedRun, queueUnavailable, unknownChecks, unknownCluster } from '../messages.ts';

export interface DiagnoseRequest {
  cluster: string;
  checks: string[];
}

export interface DiagnoseAnswer {
  /** What the ack carries (the user sees it within 3 s). */
  reply: EphemeralSlackMessage;
  outcome: 'queued' | 'joined' | 'queue_unavailable' | 'refused';
  /** Work to do after the ack. */
  after?: () => Promise<void>;
}

export async function diagnose(ctx: ListenerContext, req: DiagnoseRequest, command: SlashCommand): Promise<DiagnoseAnswer> {
  const refused = validate(ctx, req, command);
  if (refused) return { reply: refused, outcome: 'refused' };
  let outcome: EnqueueOutcome;
  try {
    outcome = await ctx.producer.enqueue({
      cluster: req.cluster,
      checks: req.checks,
      channel: command.channel_id,
      requestedBy: command.user_id,
      trigger: 'slack',
      ...(command.response_url ? { responseUrl: command.response_url } : {}),
    });
  } catch (err) {
    if (!isQueueUnavailable(err)) throw err;
    ctx.logger.warn({ cluster: req.cluster, err: err.message }, 'diagnosis not queued: queue unavailable');
    return { reply: queueUnavailable(), outcome: 'queue_unavailable' };
  }
  if (outcome.kind === 'queued') {
    const checks = req.checks.length > 0 ? req.checks : [...ctx.checkIds];
    return { reply: renderQueued(req.cluster, checks), outcome: 'queued' };
  }
  const thread = outcome.thread;
  return {
    reply: joinedRun(req.cluster, thread, command.channel_id, ctx.workspaceUrl()),
    outcome: 'joined',
    ...(thread
      ? { after: () => ctx.slack.postEphemeral(thread.channel, command.user_id, joinedNote(command.user_id), { threadTs: thread.ts }) }
      : {}),
  };
}

/** The refusal to show, or undefined when the request may be queued. Nothing is enqueued on refusal. */
function validate(ctx: ListenerContext, req: DiagnoseRequest, command: SlashCommand): EphemeralSlackMessage | undefined {
  const known = ctx.registry().clusters.map((c) => c.name);
  if (!known.includes(req.cluster)) return unknownCluster(req.cluster, known, suggestClosest(req.cluster, known));
  const unknown = req.checks.filter((id) => !ctx.checkIds.includes(id));
  if (unknown.length > 0) return unknownChecks(unknown, suggestClosest(unknown[0]!, ctx.checkIds));
  if (!CHANNEL_ID.test(command.channel_id)) {
    return renderError('mesh-medic cannot post a report here: run `/mesh diagnose` in a channel or a direct message with the bot.');
  }
  return undefined;
}
