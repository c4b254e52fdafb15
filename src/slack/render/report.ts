// The threaded report of one diagnosis: a header with counts by status, every failing, erroring
// and warning finding in full, then passing and skipped checks collapsed into one line. Split
// into as many messages as Slack's 50-block limit needs; nothing that failed is ever left out.

import { type Finding, SEVERITIES, STATUSES, type Status } from '../../domain/finding.ts';
import { codeSpan, escapeTruncated } from '../mrkdwn.ts';
import { type Block, context, divider, header, type SlackMessage, section } from './blocks.ts';
import { fitItems } from './budget.ts';
import { findingBlocks, type ManualSteps, type PlaybookLookup } from './finding.ts';
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
  /** Why a finding's proposed fix was refused, with the steps to do by hand (shown instead of buttons). */
  manualStepsFor?: (finding: Finding) => ManualSteps | undefined;
  /** Checks listed before all others (each part still in importance order), and a line saying
   *  why, in mrkdwn already escaped: an alert-triggered diagnosis lists the checks its alerts'
   *  playbooks name first (issue 6). */
  leading?: { checks: readonly string[]; note: string };
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

function intro(r: ReportInput, note?: string): Block[] {
  return [header(`Diagnosis of ${r.cluster}`), section(countsLine(r.findings)), context(timingLine(r)), ...(note ? [context(note)] : []), divider()];
}

/** Findings of `leading` checks first; a stable partition, so each part keeps its order. */
function leadingFirst(sorted: readonly Finding[], leading: readonly string[] | undefined): Finding[] {
  if (!leading || leading.length === 0) return [...sorted];
  const first = new Set(leading);
  return [...sorted.filter((f) => first.has(f.check)), ...sorted.filter((f) => !first.has(f.check))];
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
  const sorted = leadingFirst([...report.findings].sort(byImportance), opts.leading?.checks);
  const detailed = sorted.filter((f) => DETAILED.has(f.status));
  const groups = detailed.map((f) => {
    const proposalId = opts.proposalIdFor?.(f);
    const manualSteps = proposalId === undefined ? opts.manualStepsFor?.(f) : undefined;
    return findingBlocks(f, { cluster: report.cluster, playbookFor, ...(proposalId !== undefined ? { proposalId } : {}), ...(manualSteps ? { manualSteps } : {}) });
  });
  if (detailed.length === 0) groups.push([section(':white_check_mark: No failing or warning checks.')]);
  const tail = collapsedLines(sorted);
  if (tail.length > 0) groups.push(tail);

  const pages = packBlocks(intro(report, opts.leading?.note), groups, MAX_BLOCKS_PER_MESSAGE, 1);
  return pages.map((blocks, i) => {
    if (i === 0) return { text: fallbackText(report, detailed), blocks };
    const cont = `Diagnosis of ${escapeTruncated(report.cluster, 63)}, continued (part ${i + 1} of ${pages.length})`;
    return { text: cont, blocks: [context(cont), ...blocks] };
  });
}
