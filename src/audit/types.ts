// One audit record: who did what to which object of which cluster, with what patch and result.
// Append-only; never holds secret values (see redact.ts).

export const AUDIT_ACTIONS = [
  'proposal-created',
  'approval',
  'refusal',
  'reject',
  'expired',
  'dry-run',
  'apply',
  'verify',
  'undo-proposed',
  'follow-up-proposed',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditObject {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

export interface AuditRecord {
  /** RFC 3339. */
  at: string;
  /** Slack user id, or `mesh-medic` for the executor's own steps. */
  actor: string;
  action: AuditAction;
  cluster: string;
  object: AuditObject;
  proposalId: string;
  remediation: string;
  /** Patch body (never secret data). */
  patch?: unknown;
  /** `approved`, `needs-another-approval`, `refused`, `applied`, `verified`, … */
  result: string;
  /** Why (refusals, failures) or what (the diff), in words. */
  detail?: string;
}

/** A record as read back, with its stream entry id. */
export interface AuditEntry extends AuditRecord {
  id: string;
}
