// The parent message of a diagnosis, posted when a worker starts it and edited as checks finish:
// "Diagnosing prod-east: reading the cluster for 21 checks" -> "12/21 checks done · 2 fail · 1 warn"
// -> verdict. Reading the cluster is most of a diagnosis (seconds on a large one): say so.

import { type Severity, SEVERITIES, STATUSES, type Status } from '../../domain/finding.ts';
import { codeSpan, escapeTruncated } from '../mrkdwn.ts';
import { type Block, context, type SlackMessage, section } from './blocks.ts';
import { fitItems } from './budget.ts';
import { SEVERITY_EMOJI } from './finding.ts';

export type ProgressState = 'reading' | 'running' | 'done' | 'failed';

export interface ProgressVerdict {
  /** Checks that failed, with their severity (the most severe are named in the verdict). */
  failing: { check: string; severity: Severity }[];
  /** Why the diagnosis itself failed (state `failed`); shown escaped. */
  error?: string;
}

export interface ProgressInput {
  cluster: string;
  total: number;
  done: number;
  counts: Partial<Record<Status, number>>;
  /** Slack user id of whoever asked (`U…`/`W…`), or a name such as "Alertmanager". */
  startedBy?: string;
  state: ProgressState;
  verdict?: ProgressVerdict;
}

const BAR_WIDTH = 20;
const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/;

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function bar(done: number, total: number): string {
  const filled = total > 0 ? Math.round((Math.min(done, total) / total) * BAR_WIDTH) : 0;
  return `\`${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}\``;
}

function countsSuffix(counts: Partial<Record<Status, number>>): string {
  const parts = STATUSES.filter((s) => s !== 'pass' && s !== 'skipped' && (counts[s] ?? 0) > 0).map((s) => `${counts[s]} ${s}`);
  return parts.length > 0 ? ` · ${parts.join(' · ')}` : '';
}

function requester(startedBy: string): string {
  // A user id becomes a mention (that is the point of it); anything else is plain escaped text.
  return SLACK_USER_ID.test(startedBy) ? `<@${startedBy}>` : escapeTruncated(startedBy, 80);
}

function verdictLine(p: ProgressInput): string {
  const cluster = escapeTruncated(p.cluster, 63);
  const failing = p.verdict?.failing ?? [];
  const failCount = p.verdict ? failing.length : (p.counts.fail ?? 0);
  const warn = p.counts.warn ?? 0;
  const errors = p.counts.error ?? 0;
  const notes = [warn > 0 ? plural(warn, 'warning') : '', errors > 0 ? `${plural(errors, 'check')} could not decide` : ''].filter(Boolean);
  const extra = notes.length > 0 ? ` · ${notes.join(' · ')}` : '';
  if (failCount === 0) return `:white_check_mark: *${cluster}*: no failing checks (${p.total} run)${extra}`;
  const worst = SEVERITIES.find((s) => failing.some((f) => f.severity === s));
  const worstIds = failing.filter((f) => f.severity === worst).map((f) => f.check);
  const named = worst ? ` (${worst}: ${fitItems(worstIds.map((id) => codeSpan(id, 63)), { budget: 600, separator: ', ' })})` : '';
  const emoji = worst ? SEVERITY_EMOJI[worst] : ':red_circle:';
  return `${emoji} *${cluster}*: ${plural(failCount, 'failing check')}${named}${extra}`;
}

function mainLine(p: ProgressInput): string {
  const cluster = escapeTruncated(p.cluster, 63);
  switch (p.state) {
    case 'reading':
      return `:hourglass_flowing_sand: Diagnosing *${cluster}*: reading the cluster for ${plural(p.total, 'check')}`;
    case 'running':
      return `:mag: Diagnosing *${cluster}*\n${bar(p.done, p.total)} ${p.done}/${p.total} checks done${countsSuffix(p.counts)}`;
    case 'done':
      return verdictLine(p);
    case 'failed':
      return `:x: Diagnosis of *${cluster}* failed after ${p.done}/${p.total} checks: ${escapeTruncated(p.verdict?.error ?? 'unknown error', 500)}`;
  }
}

/** Plain fallback text: what a notification or a screen reader says. */
function fallback(p: ProgressInput): string {
  const c = escapeTruncated(p.cluster, 63);
  switch (p.state) {
    case 'reading':
      return `Diagnosing ${c}: reading the cluster for ${plural(p.total, 'check')}`;
    case 'running':
      return `Diagnosing ${c}: ${p.done}/${p.total} checks done${countsSuffix(p.counts)}`;
    case 'done':
      return verdictLine(p).replace(/^:[a-z_]+: /, '').replace(/\*/g, '');
    case 'failed':
      return `Diagnosis of ${c} failed`;
  }
}

export function renderProgress(p: ProgressInput): SlackMessage {
  const blocks: Block[] = [section(mainLine(p))];
  const notes: string[] = [];
  if (p.startedBy) notes.push(`Requested by ${requester(p.startedBy)}`);
  if (p.state === 'done' || p.state === 'failed') notes.push('Report in the thread :thread:');
  if (notes.length > 0) blocks.push(context(notes.join(' · ')));
  return { text: fallback(p), blocks };
}
