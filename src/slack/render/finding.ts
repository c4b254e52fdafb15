// The blocks of one failing, erroring or warning finding: what is wrong, the proof, what to do
// about it (playbook excerpt) and, when a fix was proposed and stored, Approve / Reject buttons.

import type { Finding, Severity, Status } from '../../domain/finding.ts';
import { codeSpan, escapeTruncated } from '../mrkdwn.ts';
import { actions, type Block, button, divider, section } from './blocks.ts';
import { renderEvidence } from './evidence.ts';
import { MAX_SECTION_TEXT } from './limits.ts';
import { markdownToMrkdwn, splitMrkdwn } from './markdown.ts';

/** What the Slack report quotes from a playbook. */
export interface PlaybookQuote {
  title: string;
  /** Markdown, as `excerptFor` returns it. */
  excerpt: string;
}
export type PlaybookLookup = (playbookId: string) => PlaybookQuote | undefined;

export const APPROVE_ACTION_ID = 'remediation_approve';
export const REJECT_ACTION_ID = 'remediation_reject';

export const SEVERITY_EMOJI: Record<Severity, string> = {
  critical: ':red_circle:',
  high: ':large_orange_circle:',
  medium: ':large_yellow_circle:',
  low: ':large_blue_circle:',
  info: ':white_circle:',
};

const STATUS_LABEL: Record<Status, string> = { fail: 'FAIL', error: 'ERROR', warn: 'WARN', pass: 'PASS', skipped: 'SKIPPED' };
// An `error` finding means the check could not decide: quoting the fix would be a guess.
const QUOTES_PLAYBOOK = new Set<Status>(['fail', 'warn']);
const MAX_SUMMARY = 1200;
const MAX_REASON = 800;

export interface FindingRenderContext {
  /** The diagnosed cluster (evidence from elsewhere is marked). */
  cluster: string;
  playbookFor: PlaybookLookup;
  /** The stored proposal's id, when the finding's fix can be approved from Slack. */
  proposalId?: string;
  /** Why the proposed fix cannot be applied automatically, and what to do by hand instead. */
  manualSteps?: ManualSteps;
}

export interface ManualSteps {
  reason: string;
  steps: string[];
}

function manualStepsText(m: ManualSteps): string {
  const steps = m.steps.slice(0, 8).map((s, i) => `${i + 1}. ${escapeTruncated(s, 300)}`);
  return [`:hand: *Manual steps* (no automatic fix: ${escapeTruncated(m.reason, 600)})`, ...steps].join('\n');
}

function headline(f: Finding, cluster: string): string {
  const where = f.cluster !== cluster ? ` on ${codeSpan(f.cluster, 63)}` : '';
  const lines = [
    `${SEVERITY_EMOJI[f.severity]} *${STATUS_LABEL[f.status]}* · ${f.severity} · ${codeSpan(f.check, 63)}${where}`,
    escapeTruncated(f.summary, MAX_SUMMARY),
  ];
  if (f.remediation) lines.push(`:wrench: *Proposed fix:* ${escapeTruncated(f.remediation.reason, MAX_REASON)}`);
  return lines.join('\n');
}

function playbookText(f: Finding, lookup: PlaybookLookup): string | undefined {
  if (!QUOTES_PLAYBOOK.has(f.status)) return undefined;
  const quote = lookup(f.playbook);
  if (!quote) return `:book: Playbook ${codeSpan(f.playbook, 63)}`;
  const title = `:book: *${escapeTruncated(quote.title, 150)}* (${codeSpan(`/mesh playbook ${f.playbook}`, 90)})`;
  const room = MAX_SECTION_TEXT - title.length - 1;
  const chunks = splitMrkdwn(markdownToMrkdwn(quote.excerpt), room - 2);
  const body = chunks.length > 1 ? `${chunks[0]}\n…` : (chunks[0] ?? '');
  return body ? `${title}\n${body}` : title;
}

function approvalButtons(proposalId: string): Block {
  // The value is the proposal id and nothing else: what to apply is read from the server-side
  // proposal, never from what Slack sends back.
  return actions(
    button('Approve', APPROVE_ACTION_ID, proposalId, 'primary'),
    button('Reject', REJECT_ACTION_ID, proposalId, 'danger'),
  );
}

/** At most five blocks: headline, evidence, playbook, buttons, divider. */
export function findingBlocks(f: Finding, ctx: FindingRenderContext): Block[] {
  const blocks: Block[] = [section(headline(f, ctx.cluster))];
  const evidence = renderEvidence(f.evidence, { cluster: ctx.cluster, budget: MAX_SECTION_TEXT - 20 });
  if (evidence) blocks.push(section(`*Evidence*\n${evidence}`));
  const playbook = playbookText(f, ctx.playbookFor);
  if (playbook) blocks.push(section(playbook));
  if (ctx.proposalId !== undefined) blocks.push(approvalButtons(ctx.proposalId));
  else if (ctx.manualSteps) blocks.push(section(manualStepsText(ctx.manualSteps)));
  blocks.push(divider());
  return blocks;
}
