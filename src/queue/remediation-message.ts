// Re-rendering a message that carries proposal buttons: its blocks as posted, with every decided
// proposal's buttons replaced by its decision block. Rendered from Redis, never from a click's
// payload. Two decisions on one message at once may send their edits out of order; the version
// counter catches that: whoever rendered an older version renders and edits again.

import type { Proposal } from '../approvals/types.ts';
import type { Block } from '../slack/render/blocks.ts';
import { applyDecisions, type DecisionOptions, renderDecision } from '../slack/render/remediation.ts';
import type { SlackPoster } from '../slack/notify.ts';
import type { RemediationRecords } from './remediation-records.ts';

const MAX_RENDERS = 3;

/** Records the proposal's decision block and edits the message its buttons are on. */
export async function showDecision(records: RemediationRecords, slack: SlackPoster, p: Proposal, opts: DecisionOptions = {}): Promise<boolean> {
  const where = await records.location(p.id);
  if (!where) return false;
  await records.setDecision(where.channel, where.messageTs, p.id, renderDecision(p, opts));
  return refreshMessage(records, slack, where.channel, where.messageTs);
}

export async function refreshMessage(records: RemediationRecords, slack: SlackPoster, channel: string, ts: string): Promise<boolean> {
  for (let i = 0; i < MAX_RENDERS; i++) {
    const message = await records.message(channel, ts);
    if (!message) return false;
    const blocks = applyDecisions(message.base, message.decisions) as Block[];
    await slack.update(channel, ts, { text: message.text, blocks });
    if ((await records.messageVersion(channel, ts)) === message.version) return true;
  }
  return true;
}
