// `mesh-medic worker`: BullMQ workers for diagnosis jobs. Any number of these processes, on any
// number of machines, share one Redis. A worker that dies mid-job loses its lock; BullMQ's stalled
// check hands the job to another worker, and the effects store keeps the thread free of repeats.

import { resolve } from 'node:path';
import { type Job, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { finalParentRecorder, startAlertWorker } from '../alerts/index.ts';
import { CHECKS } from '../checks/index.ts';
import type { Check } from '../checks/types.ts';
import type { BotSettings } from '../config/env.ts';
import { loadRegistry } from '../config/registry.ts';
import type { Registry } from '../domain/cluster.ts';
import { liveSnapshotSource, type SnapshotSource } from '../k8s/snapshot-source.ts';
import { EffectsStore } from '../queue/effects.ts';
import { reportRemediation } from '../queue/remediation-report.ts';
import { approvalSettingsFrom, createRemediationServices } from '../queue/remediation-services.ts';
import { saveLastResult } from '../queue/last-results.ts';
import { DIAGNOSE_QUEUE, QUEUE_PREFIX } from '../queue/names.ts';
import type { DiagnoseJobResult } from '../queue/status.ts';
import { closeRedis, createRedisConnection } from '../redis/connections.ts';
import type { Logger } from '../server/logger.ts';
import type { Metrics } from '../server/metrics.ts';
import { loadPlaybooksOrWarn, playbookLookup } from '../server/playbooks.ts';
import { createSlackClient, type SlackPoster, SlackNotifier } from '../slack/notify.ts';
import { createDiagnoseProcessor } from './diagnose-processor.ts';
import { startRemediateWorker } from './remediate-processor.ts';
import { countedSource, timedChecks } from './instrument.ts';
import type { ProcessorStep } from './types.ts';
import { PeerSnapshotCache } from '../engine/peer-cache.ts';
import { clusterChanges, markClusterChanged } from '../queue/cluster-changes.ts';

export interface WorkerOptions {
  logger: Logger;
  metrics?: Metrics;
  /** Jobs one process runs at once (default 4: a diagnosis mostly waits on API servers). */
  concurrency?: number;
  /** How long a job's lock lives without renewal; a dead worker's job is retried after it. */
  lockDurationMs?: number;
  /** How often workers look for stalled jobs (default: BullMQ's). */
  stalledIntervalMs?: number;
  progressIntervalMs?: number;
  /** Base directory for a relative clusters path (default: the process's cwd). */
  cwd?: string;
  /** Replacements for tests and the sandbox. */
  slack?: SlackPoster;
  sourceFor?: (registry: Registry) => SnapshotSource;
  checks?: readonly Check[];
  afterStep?: (step: ProcessorStep, jobId: string) => void | Promise<void>;
}

export interface RunningWorker {
  worker: Worker;
  redis: Redis;
  /** Stops taking jobs, lets running ones finish (or returns them to the queue), closes Redis. */
  close(): Promise<void>;
}

export function startDiagnoseWorker(settings: BotSettings, opts: WorkerOptions): RunningWorker {
  const logger = opts.logger.child({ component: 'worker' });
  const redis = createRedisConnection(settings.redisUrl, 'worker', { name: 'worker', logger });
  const registryPath = resolve(opts.cwd ?? '.', settings.clustersPath);
  const slack =
    opts.slack ??
    new SlackNotifier(createSlackClient(settings.slack), {
      logger,
      onError: (e) => opts.metrics?.slackErrors.inc({ method: e.method, error: e.slackError }),
    });
  const metrics = opts.metrics;
  // Fix proposals in reports, and the remediate queue's worker (issue 5).
  const remediation = createRemediationServices(redis, logger, { settings: approvalSettingsFrom(settings), k8s: settings.k8s });
  // Peer reads this worker's diagnoses share for a short while; a fix applied here invalidates its cluster's.
  const peerCache = new PeerSnapshotCache(settings.k8s.peerCacheMs ?? 0);
  const remediate = startRemediateWorker(settings, {
    redis,
    services: remediation,
    slack,
    logger,
    onApplied: async (cluster) => {
      peerCache.forgetCluster(cluster);
      // Other workers drop their copies at their next diagnosis; if Redis is away, their TTL bounds it.
      await markClusterChanged(redis, cluster).catch((err: unknown) =>
        logger.warn({ code: 'CLUSTER_CHANGE_NOT_RECORDED', cluster, err: err instanceof Error ? err.message : String(err) }, 'could not record a fixed cluster for other workers'),
      );
    },
    ...(opts.cwd ? { cwd: opts.cwd } : {}),
    ...(opts.metrics ? { metrics: opts.metrics } : {}),
  });
  // Threads of alert-triggered diagnoses: "still firing", resolutions, unknown-cluster notices (issue 6).
  const alerts = startAlertWorker({ redisUrl: settings.redisUrl, slack, logger });
  const sourceFor = opts.sourceFor ?? ((registry: Registry) => liveSnapshotSource(registry, settings.k8s));
  const processor = createDiagnoseProcessor({
    loadRegistry: () => loadRegistry(registryPath),
    sourceFor: metrics ? (registry) => countedSource(sourceFor(registry), metrics) : sourceFor,
    peerCache,
    peerChanges: (clusters) => clusterChanges(redis, clusters),
    slack,
    effects: new EffectsStore(redis),
    saveLastResult: (r) => saveLastResult(redis, r),
    playbookFor: playbookLookup(loadPlaybooksOrWarn(logger)),
    logger,
    ...(metrics ? { checks: timedChecks(opts.checks ?? CHECKS, metrics) } : opts.checks ? { checks: opts.checks } : {}),
    ...(opts.progressIntervalMs !== undefined ? { progressIntervalMs: opts.progressIntervalMs } : {}),
    ...(opts.afterStep ? { afterStep: opts.afterStep } : {}),
    onOutcome: (o) => opts.metrics?.diagnoses.inc(o),
    remediation: reportRemediation(remediation, logger),
    onFinalParent: finalParentRecorder(redis),
    onReport: (report) => {
      for (const f of report.findings) metrics?.findings.inc({ check: f.check, status: f.status });
    },
  });
  const worker = new Worker<unknown, DiagnoseJobResult>(DIAGNOSE_QUEUE, (job: Job) => processor(job), {
    connection: redis,
    prefix: QUEUE_PREFIX,
    concurrency: opts.concurrency ?? 4,
    ...(opts.lockDurationMs !== undefined ? { lockDuration: opts.lockDurationMs } : {}),
    ...(opts.stalledIntervalMs !== undefined ? { stalledInterval: opts.stalledIntervalMs } : {}),
  });
  // Connection errors are logged once per outage by the connection; these are BullMQ's own.
  worker.on('error', (err) => logger.debug({ err: err.message }, 'worker error'));
  worker.on('stalled', (jobId) => logger.warn({ jobId }, 'job stalled (its worker died?); it will run again'));
  return {
    worker,
    redis,
    async close() {
      await Promise.all([worker.close(), remediate.close(), alerts.close()]);
      await remediation.close();
      await closeRedis(redis);
    },
  };
}
