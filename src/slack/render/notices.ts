// Short ephemeral answers: errors, and the acknowledgement that a diagnosis was queued.

import { codeSpan, escapeTruncated } from '../mrkdwn.ts';
import { type Block, context, type EphemeralSlackMessage, section } from './blocks.ts';
import { fitItems } from './budget.ts';
import { MAX_SECTION_TEXT } from './limits.ts';

/**
 * An ephemeral error. `mrkdwnMessage` is posted as mrkdwn: parser errors (`CommandError.message`)
 * already are safe; escape any other untrusted text with `escapeMrkdwn`/`codeSpan` first.
 */
export function renderError(mrkdwnMessage: string): EphemeralSlackMessage {
  const text = `:warning: ${mrkdwnMessage}`;
  return { response_type: 'ephemeral', text, blocks: [section(text)] };
}

export interface QueuedOptions {
  /** The cluster was already being diagnosed: this request joined that run. */
  joined?: boolean;
}

/** The ephemeral acknowledgement of `/mesh diagnose` (what the user sees within 3 seconds). */
export function renderQueued(cluster: string, checks: readonly string[], opts: QueuedOptions = {}): EphemeralSlackMessage {
  const name = escapeTruncated(cluster, 63);
  const what = checks.length === 1 ? '1 check' : `${checks.length} checks`;
  const list = fitItems(
    checks.map((c) => codeSpan(c, 63)),
    { budget: MAX_SECTION_TEXT - 300, separator: ', ', maxItems: 25 },
  );
  const head = opts.joined
    ? `:arrows_counterclockwise: *${name}* is already being diagnosed: follow that run's thread in this channel.`
    : `:white_check_mark: Queued a diagnosis of *${name}* (${what}). Progress and the report will appear in a thread in this channel.`;
  const blocks: Block[] = [section(head)];
  if (checks.length > 0 && !opts.joined) blocks.push(context(`Checks: ${list}`));
  const text = opts.joined ? `${name} is already being diagnosed` : `Queued a diagnosis of ${name} (${what})`;
  return { response_type: 'ephemeral', text, blocks };
}
