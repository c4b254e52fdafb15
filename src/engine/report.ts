// The result of one diagnosis: exactly the `--json` document of issue 3, and what every sink
// (CLI, Slack) renders.

import { type Finding, SEVERITIES, STATUSES, type Status } from '../domain/finding.ts';

export interface DiagnosisReport {
  cluster: string;
  startedAt: string;
  durationMs: number;
  /** API calls over every cluster read (the diagnosed one and its peers). */
  apiCalls: number;
  findings: Finding[];
}

export interface DiagnosisProgress {
  /** Checks finished so far, out of `total` selected. */
  done: number;
  total: number;
  check: string;
  /** Every finding the check produced (at least one). */
  findings: Finding[];
  /** The most important of them (first in report order). */
  finding: Finding;
}

/** Report order: fail, error, warn, pass, skipped; then severity (critical first); then check id. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    STATUSES.indexOf(a.status) - STATUSES.indexOf(b.status) ||
    SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) ||
    a.check.localeCompare(b.check)
  );
}

export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(compareFindings);
}

export function countByStatus(findings: readonly Finding[]): Record<Status, number> {
  const counts = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;
  for (const f of findings) counts[f.status]++;
  return counts;
}
