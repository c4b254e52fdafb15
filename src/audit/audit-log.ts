// The audit trail: every record goes to the Redis Stream `mesh-medic:audit` (XADD, trimmed to
// about 10,000 entries) and as one structured pino line. `/mesh audit [cluster]` reads the latest.

import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { redactText, redactValue } from './redact.ts';
import type { AuditEntry, AuditRecord } from './types.ts';

export const AUDIT_STREAM = 'mesh-medic:audit';
const DEFAULT_MAX_LEN = 10_000;
/** Entries read per XREVRANGE while filtering by cluster. */
const SCAN_BATCH = 200;

export interface AuditLogOptions {
  redis: Redis;
  logger: Logger;
  /** Approximate stream length kept (XADD MAXLEN ~). */
  maxLen?: number;
}

export interface AuditLog {
  append(record: Omit<AuditRecord, 'at'> & { at?: string }): Promise<AuditEntry>;
  latest(opts: { cluster?: string; limit: number }): Promise<AuditEntry[]>;
}

/** The record as stored: secrets redacted, optional fields only when set. */
function sanitised(record: Omit<AuditRecord, 'at'> & { at?: string }): AuditRecord {
  const out: AuditRecord = {
    at: record.at ?? new Date().toISOString(),
    actor: record.actor,
    action: record.action,
    cluster: record.cluster,
    object: { ...record.object },
    proposalId: record.proposalId,
    remediation: record.remediation,
    result: redactText(record.result),
  };
  if (record.patch !== undefined) out.patch = redactValue(record.patch);
  if (record.detail !== undefined) out.detail = redactText(record.detail);
  return out;
}

export async function appendAudit(opts: AuditLogOptions, input: Omit<AuditRecord, 'at'> & { at?: string }): Promise<AuditEntry> {
  const record = sanitised(input);
  const id = await opts.redis.xadd(
    AUDIT_STREAM,
    'MAXLEN',
    '~',
    String(opts.maxLen ?? DEFAULT_MAX_LEN),
    '*',
    'cluster',
    record.cluster,
    'record',
    JSON.stringify(record),
  );
  opts.logger.info({ audit: record, auditId: id }, `audit ${record.action} ${record.result} ${record.cluster}`);
  return { id: id ?? '', ...record };
}

function parseEntry([id, fields]: [string, string[]]): AuditEntry | undefined {
  const i = fields.indexOf('record');
  if (i < 0 || i + 1 >= fields.length) return undefined;
  try {
    return { id, ...(JSON.parse(fields[i + 1]!) as AuditRecord) };
  } catch {
    return undefined;
  }
}

/** Newest first; with a cluster, only that cluster's records. */
export async function latestAudit(redis: Redis, opts: { cluster?: string; limit: number }): Promise<AuditEntry[]> {
  const limit = Math.max(0, Math.floor(opts.limit));
  const out: AuditEntry[] = [];
  let end = '+';
  while (out.length < limit) {
    const batch = await redis.xrevrange(AUDIT_STREAM, end, '-', 'COUNT', opts.cluster ? SCAN_BATCH : limit - out.length);
    if (batch.length === 0) break;
    for (const raw of batch) {
      const entry = parseEntry(raw);
      if (entry && (!opts.cluster || entry.cluster === opts.cluster)) out.push(entry);
      if (out.length >= limit) break;
    }
    end = `(${batch[batch.length - 1]![0]}`;
  }
  return out;
}

export function createAuditLog(opts: AuditLogOptions): AuditLog {
  return {
    append: (record) => appendAudit(opts, record),
    latest: (q) => latestAudit(opts.redis, q),
  };
}
