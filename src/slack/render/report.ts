// The threaded report of one diagnosis: a header with counts by status, every failing, erroring
// and warning finding in full, then passing and skipped checks collapsed into one line. Split
// into as many messages as Slack's 50-block limit needs; nothing that failed is ever left out.

import { type Finding, SEVERITIES, STATUSES, type Status } from '../../domain/finding.ts';
import { codeSpan, escapeTruncated } from '../mrkdwn.ts';
import { type Block, context, divider, header, type SlackMessage, section } from './blocks.ts';
import { fitItems } from './budget.ts';
import { findingBlocks, type PlaybookLookup } from './finding.ts';
import { MAX_BLOCKS_PER_MESSAGE, MAX_CONTEXT_TEXT, MAX_FALLBACK_TEXT } from './limits.ts';
import { packBlocks } from './pack.ts';

/** The diagnosis engine's report, structurally (this module does not depend on the engine). */
export interface ReportInput {
  cluster: string;
  startedAt: string;
  durationMs: number;
  apiCalls: number;
  findings: Finding[];
}

export interface ReportRenderOptions {
  /** Id of the stored remediation proposal for a finding, when its fix can be approved. */
  proposalIdFor?: (finding: Finding) => string | undefined;
}

const DETAILED = new Set<Status>(['fail', 'error', 'warn']);

/** Report order: fail, error, warn, pass, skipped; then severity (critical first); then check id. */
function byImportance(a: Finding, b: Finding): number {
  return (
    STATUSES.indexOf(a.status) - STATUSES.indexOf(b.status) ||
    SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) ||
    a.check.localeCompare(b.check)
  );
}

function counts(findings: readonly Finding[]): Record<Status, number> {
  const c = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;
  for (const f of findings) c[f.status]++;
  return c;
}

function countsLine(findings: readonly Finding[]): string {
  const c = counts(findings);
  return STATUSES.map((s) => `*${c[s]}* ${s}`).join(' · ');
}

function timingLine(r: ReportInput): string {
  const secs = (r.durationMs / 1000).toFixed(1);
  return `Started ${escapeTruncated(r.startedAt, 40)} · ${secs} s · ${r.apiCalls} API call${r.apiCalls === 1 ? '' : 's'}`;
}

function intro(r: ReportInput): Block[] {
  return [header(`Diagnosis of ${r.cluster}`), section(countsLine(r.findings)), context(timingLine(r)), divider()];
}

/** Passing and skipped checks, one context line each kind, ids only. */
function collapsedLines(findings: readonly Finding[]): Block[] {
  const lines: string[] = [];
  for (const [status, label] of [['pass', ':white_check_mark: Passed'], ['skipped', ':fast_forward: Skipped']] as const) {
    const ids = [...new Set(findings.filter((f) => f.status === status).map((f) => f.check))];
    if (ids.length === 0) continue;
    const prefix = `${label} (${ids.length}): `;
    const list = fitItems(
      ids.map((id) => codeSpan(id, 63)),
      { budget: MAX_CONTEXT_TEXT - prefix.length, separator: ', ' },
    );
    lines.push(`${prefix}${list}`);
  }
  return lines.length > 0 ? [context(...lines)] : [];
}

function fallbackText(r: ReportInput, detailed: readonly Finding[]): string {
  const c = counts(r.findings);
  const failing = [...new Set(detailed.filter((f) => f.status === 'fail').map((f) => f.check))];
  const names = failing.length > 0 ? `: ${fitItems(failing, { budget: 300, separator: ', ' })}` : '';
  const text = `Diagnosis of ${r.cluster}: ${c.fail} fail, ${c.error} error, ${c.warn} warn, ${c.pass} pass, ${c.skipped} skipped${names}`;
  return escapeTruncated(text, MAX_FALLBACK_TEXT);
}

export function renderReport(report: ReportInput, playbookFor: PlaybookLookup, opts: ReportRenderOptions = {}): SlackMessage[] {
  const sorted = [...report.findings].sort(byImportance);
  const detailed = sorted.filter((f) => DETAILED.has(f.status));
  const groups = detailed.map((f) => {
    const proposalId = opts.proposalIdFor?.(f);
    return findingBlocks(f, { cluster: report.cluster, playbookFor, ...(proposalId !== undefined ? { proposalId } : {}) });
  });
  if (detailed.length === 0) groups.push([section(':white_check_mark: No failing or warning checks.')]);
  const tail = collapsedLines(sorted);
  if (tail.length > 0) groups.push(tail);

  const pages = packBlocks(intro(report), groups, MAX_BLOCKS_PER_MESSAGE, 1);
  return pages.map((blocks, i) => {
    if (i === 0) return { text: fallbackText(report, detailed), blocks };
    const cont = `Diagnosis of ${escapeTruncated(report.cluster, 63)}, continued (part ${i + 1} of ${pages.length})`;
    return { text: cont, blocks: [context(cont), ...blocks] };
  });
}
