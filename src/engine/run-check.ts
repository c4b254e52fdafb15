// Runs one check and turns its results into findings. A check that throws never sinks the rest
// of the diagnosis: a missing read becomes an `error` naming what could not be read, anything
// else an `error` carrying CHECK_CRASHED and the message.

import type { Check, CheckContext, CheckResult } from '../checks/types.ts';
import type { Finding, Severity, Status } from '../domain/finding.ts';
import { ReadFailedError, type Snapshot } from '../k8s/snapshot.ts';
import { sortFindings } from './report.ts';

export function runCheck(check: Check, snapshot: Snapshot, ctx: CheckContext): Finding[] {
  let results: CheckResult[];
  try {
    results = check.run(snapshot, ctx);
  } catch (err) {
    return [toFinding(check, ctx.cluster.name, { status: 'error', summary: errorSummary(err) })];
  }
  if (results.length === 0) results = [{ status: 'pass', summary: 'no problems found' }];
  return sortFindings(results.map((r) => toFinding(check, ctx.cluster.name, r)));
}

export function toFinding(check: Check, cluster: string, r: CheckResult): Finding {
  return {
    check: check.id,
    cluster,
    status: r.status,
    severity: r.severity ?? defaultSeverity(check, r.status),
    summary: r.summary,
    evidence: r.evidence ?? [],
    playbook: check.playbook,
    remediation: r.remediation ?? null,
  };
}

function defaultSeverity(check: Check, status: Status): Severity {
  return status === 'pass' || status === 'skipped' ? 'info' : check.severity;
}

function errorSummary(err: unknown): string {
  if (err instanceof ReadFailedError) {
    return `could not read ${err.failure.kind} from cluster ${err.cluster}: ${err.failure.message}`;
  }
  const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return `check crashed (CHECK_CRASHED): ${message}`;
}
