// Findings are what checks produce and what every sink (CLI, JSON, Slack) renders.
// Nothing here knows about Slack.

export const STATUSES = ['fail', 'error', 'warn', 'pass', 'skipped'] as const;
export type Status = (typeof STATUSES)[number];

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** One piece of proof: an object (and optionally one field of it, or one log line). */
export interface Evidence {
  cluster: string;
  kind: string;
  namespace?: string;
  name: string;
  field?: string;
  value?: string;
  log?: string;
}

export type PatchType = 'merge' | 'strategic' | 'json';

export interface RemediationTarget {
  cluster: string;
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
  resourceVersion: string;
}

/** A fix a check proposes: the exact object, the exact patch, and why. Nothing runs unapproved. */
export interface RemediationProposal {
  id: string;
  target: RemediationTarget;
  patchType: PatchType;
  patch: unknown;
  reason: string;
}

export interface Finding {
  check: string;
  cluster: string;
  status: Status;
  severity: Severity;
  summary: string;
  evidence: Evidence[];
  playbook: string;
  remediation: RemediationProposal | null;
}
