// `mesh-medic worker` / `all`: the alert-sync worker, beside the diagnosis workers. Its own Redis
// connection (worker role: waits out outages), a read-only handle on the diagnosis queue (to see
// whether an incident's diagnosis has finished), and the same Slack poster the diagnoses use.

import { type Job, Queue, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { ZodError } from 'zod';
import { EffectsStore } from '../queue/effects.ts';
import type { DiagnoseJob } from '../queue/jobs.ts';
import { DIAGNOSE_QUEUE, QUEUE_PREFIX } from '../queue/names.ts';
import { closeRedis, createRedisConnection } from '../redis/connections.ts';
import type { Logger } from '../server/logger.ts';
import type { SlackPoster } from '../slack/notify.ts';
import type { SlackMessage } from '../slack/render/blocks.ts';
import { ALERT_SYNC_QUEUE, SYNC_THREAD_JOB, UNKNOWN_CLUSTER_JOB } from './names.ts';
import { IncidentStore } from './store.ts';
import { type AlertSyncDeps, postUnknownClusterNotice, syncThread } from './sync.ts';

export interface AlertWorkerOptions {
  redisUrl: string;
  slack: SlackPoster;
  logger: Logger;
  /** Incidents synced at once (default 4). */
  concurrency?: number;
  pollMs?: number;
  maxWaitMs?: number;
}

export interface RunningAlertWorker {
  worker: Worker;
  close(): Promise<void>;
}

export function startAlertWorker(opts: AlertWorkerOptions): RunningAlertWorker {
  const logger = opts.logger.child({ component: 'alert-worker' });
  const redis = createRedisConnection(opts.redisUrl, 'worker', { name: 'alert-worker', logger });
  const diagnoses = new Queue(DIAGNOSE_QUEUE, { connection: redis, prefix: QUEUE_PREFIX });
  diagnoses.on('error', () => {});
  const deps: AlertSyncDeps = {
    incidents: new IncidentStore(redis),
    effects: new EffectsStore(redis),
    diagnosisState: (jobId) => diagnoses.getJobState(jobId),
    slack: opts.slack,
    logger,
    ...(opts.pollMs !== undefined ? { pollMs: opts.pollMs } : {}),
    ...(opts.maxWaitMs !== undefined ? { maxWaitMs: opts.maxWaitMs } : {}),
  };
  const worker = new Worker(ALERT_SYNC_QUEUE, (job: Job, token?: string) => processAlertJob(deps, job, token), {
    connection: redis,
    prefix: QUEUE_PREFIX,
    concurrency: opts.concurrency ?? 4,
  });
  worker.on('error', (err) => logger.debug({ err: err.message }, 'alert worker error'));
  worker.on('failed', (job, err) => logger.warn({ jobId: job?.id, name: job?.name, err: err.message }, 'alert update failed'));
  return {
    worker,
    async close() {
      await worker.close();
      await diagnoses.close().catch(() => undefined);
      await closeRedis(redis);
    },
  };
}

async function processAlertJob(deps: AlertSyncDeps, job: Job, token: string | undefined): Promise<string> {
  try {
    if (job.name === SYNC_THREAD_JOB) return await syncThread(deps, job, token);
    if (job.name === UNKNOWN_CLUSTER_JOB) return await postUnknownClusterNotice(deps, job);
  } catch (err) {
    // Invalid job data stays invalid: no retry. Everything else (Slack, Redis) is retried.
    if (err instanceof ZodError) throw new UnrecoverableError(`invalid ${job.name} job: ${err.issues[0]?.message ?? 'invalid data'}`);
    throw err;
  }
  throw new UnrecoverableError(`unknown alert job ${job.name}`);
}

/**
 * The diagnosis processor's hook for the parent message it leaves behind (verdict or failure):
 * kept for alert-triggered jobs, so a later resolution can mark it and a re-fire restore it.
 */
export function finalParentRecorder(redis: Redis): (jobId: string, data: DiagnoseJob, message: SlackMessage) => Promise<void> {
  const incidents = new IncidentStore(redis);
  return async (jobId, data, message) => {
    if (data.trigger !== 'alert') return;
    await incidents.recordFinalParent(jobId, message);
  };
}
