// Everything the Slack side of remediation works with, built once per process (bot or worker) on
// one Redis connection: the audit log, the records, the producer, and, per operation, the approval
// store and executor deps over a fresh cluster-access source (each operation gets its own call
// budget and closes its clients when done; the registry is the one current at that moment).

import type { Redis } from 'ioredis';
import { type ApprovalSettings, DEFAULT_APPROVAL_SETTINGS } from '../approvals/policy.ts';
import { type ApprovalStore, createApprovalStore } from '../approvals/store.ts';
import { type AuditLog, createAuditLog } from '../audit/audit-log.ts';
import type { BotSettings, K8sAccessConfig } from '../config/env.ts';
import type { Registry } from '../domain/cluster.ts';
import { liveSnapshotSource } from '../k8s/snapshot-source.ts';
import type { ExecutorDeps } from '../remediations/execute.ts';
import type { VerifyOptions } from '../remediations/types.ts';
import type { Logger } from '../server/logger.ts';
import { RemediationProducer } from './remediation-queue.ts';
import { RemediationRecords } from './remediation-records.ts';

export interface RemediationConfig {
  /** Policy settings beyond the defaults (approvers, required approvals, per-hour limit, expiry). */
  settings: Partial<ApprovalSettings>;
  k8s: K8sAccessConfig;
  verify?: VerifyOptions;
}

export interface RemediationServices {
  readonly config: RemediationConfig;
  readonly audit: AuditLog;
  readonly records: RemediationRecords;
  readonly producer: RemediationProducer;
  /** A store over `registry` (cheap: no I/O). */
  store(registry: Registry): ApprovalStore;
  /** Runs `fn` with executor deps over a fresh source, closed afterwards. */
  withDeps<T>(registry: Registry, fn: (deps: ExecutorDeps) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export function createRemediationServices(redis: Redis, logger: Logger, config: RemediationConfig): RemediationServices {
  const audit = createAuditLog({ redis, logger: logger.child({ component: 'audit' }) });
  const records = new RemediationRecords(redis);
  const producer = new RemediationProducer(redis);
  const store = (registry: Registry) => createApprovalStore({ redis, registry, audit, settings: config.settings });
  return {
    config,
    audit,
    records,
    producer,
    store,
    async withDeps(registry, fn) {
      const source = liveSnapshotSource(registry, config.k8s);
      try {
        return await fn({ store: store(registry), registry, source, audit, ...(config.verify ? { verify: config.verify } : {}) });
      } finally {
        await source.close().catch(() => undefined);
      }
    },
    close: () => producer.close(),
  };
}

/** The approval policy of a bot or worker process: approvers and limits from its settings. */
export function approvalSettingsFrom(settings: Pick<BotSettings, 'approvers' | 'approvalPolicy'>): Partial<ApprovalSettings> {
  const policy = settings.approvalPolicy ?? {};
  const defaults = DEFAULT_APPROVAL_SETTINGS.requiredApprovals;
  return {
    defaultApprovers: settings.approvers,
    requiredApprovals: {
      production: policy.requiredApprovalsProduction ?? defaults.production,
      other: policy.requiredApprovalsOther ?? defaults.other,
    },
    ...(policy.remediationsPerHour !== undefined ? { maxAppliedPerHour: policy.remediationsPerHour } : {}),
    ...(policy.proposalTtlMs !== undefined ? { expiryMs: policy.proposalTtlMs } : {}),
  };
}
