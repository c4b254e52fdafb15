// The ephemeral answers the listeners give that the shared renderers do not cover. Every piece of
// user or cluster text is escaped; channel ids and message timestamps are validated before they
// become a mention or a link.

import { CHANNEL_ID, MESSAGE_TS } from '../../queue/jobs.ts';
import { codeSpan, escapeTruncated } from '../mrkdwn.ts';
import { context, type EphemeralSlackMessage, section } from '../render/blocks.ts';
import { fitItems } from '../render/budget.ts';
import { renderError } from '../render/index.ts';

export function ephemeral(message: { text: string; blocks: EphemeralSlackMessage['blocks'] }): EphemeralSlackMessage {
  return { response_type: 'ephemeral', text: message.text, blocks: message.blocks };
}

export function queueUnavailable(): EphemeralSlackMessage {
  return renderError('Queue unavailable, nothing was started. mesh-medic cannot reach its Redis right now; try again in a minute.');
}

function nameList(names: readonly string[]): string {
  return fitItems(
    names.map((n) => codeSpan(n, 63)),
    { budget: 1500, separator: ', ' },
  );
}

function suggestion(closest: string | undefined): string {
  return closest ? ` Did you mean ${codeSpan(closest, 63)}?` : '';
}

export function unknownCluster(name: string, known: readonly string[], closest: string | undefined): EphemeralSlackMessage {
  const list = known.length > 0 ? nameList(known) : '(none: add clusters to `clusters.yaml`)';
  return renderError(`Unknown cluster ${codeSpan(name, 63)}.${suggestion(closest)} Known clusters: ${list}.`);
}

export function unknownChecks(ids: readonly string[], closest: string | undefined): EphemeralSlackMessage {
  const what = ids.length === 1 ? 'check' : 'checks';
  return renderError(`Unknown ${what} ${nameList(ids)}.${suggestion(closest)} \`/mesh help diagnose\` shows the usage; leave the check ids out to run every check.`);
}

export function unknownPlaybook(id: string, known: readonly string[], closest: string | undefined): EphemeralSlackMessage {
  return renderError(`Unknown playbook ${codeSpan(id, 63)}.${suggestion(closest)} Playbooks: ${nameList(known)}.`);
}

/** `<https://…/archives/C…/p…|thread>` when the workspace URL is known, else just the label. */
export function threadLink(thread: { channel: string; ts: string }, workspaceUrl: string | undefined, label = 'thread'): string {
  if (!CHANNEL_ID.test(thread.channel) || !MESSAGE_TS.test(thread.ts)) return label;
  if (workspaceUrl && /^https?:\/\/[^\s|<>]+\/$/.test(workspaceUrl)) {
    return `<${workspaceUrl}archives/${thread.channel}/p${thread.ts.replace('.', '')}|${label}>`;
  }
  return label;
}

/** The answer when the cluster is already being diagnosed: where to follow that run. */
export function joinedRun(cluster: string, thread: { channel: string; ts: string } | undefined, here: string, workspaceUrl: string | undefined): EphemeralSlackMessage {
  const name = escapeTruncated(cluster, 63);
  let where = 'Its thread appears in the channel it was started from as soon as it starts.';
  if (thread) {
    const channel = CHANNEL_ID.test(thread.channel) ? `<#${thread.channel}>` : 'another channel';
    where = thread.channel === here ? `Follow its ${threadLink(thread, workspaceUrl)} in this channel.` : `Follow its ${threadLink(thread, workspaceUrl)} in ${channel}.`;
  }
  const text = `:arrows_counterclockwise: *${name}* is already being diagnosed, so this request joins that run instead of starting another. ${where}`;
  return { response_type: 'ephemeral', text: `${name} is already being diagnosed`, blocks: [section(text)] };
}

/** Posted (ephemerally, in the running thread) to whoever joined it. */
export function joinedNote(user: string): { text: string; blocks: EphemeralSlackMessage['blocks'] } {
  const who = /^[UW][A-Z0-9]{2,}$/.test(user) ? `<@${user}>` : 'You';
  const text = `${who}: your \`/mesh diagnose\` joined this run; the report will appear in this thread.`;
  return { text: 'Your diagnosis request joined this run', blocks: [context(text)] };
}

export function notYet(what: string): EphemeralSlackMessage {
  return renderError(`${what} arrive with approvals (issue 5); nothing was changed.`);
}
