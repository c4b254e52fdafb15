// The bot's side of the alert-sync queue: bounded adds on the request-path connection, like the
// diagnosis producer's. A Queue whose set-up ran while Redis was away stays broken, so it is
// dropped and rebuilt on the next request: the receiver recovers by itself when Redis returns.

import { type JobsOptions, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { QUEUE_PREFIX } from '../queue/names.ts';
import { ALERT_SYNC_QUEUE, SYNC_THREAD_JOB, UNKNOWN_CLUSTER_JOB } from './names.ts';
import type { SyncThreadJob, UnknownClusterJob } from './sync-jobs.ts';

const DAY_MS = 24 * 3_600_000;

/** Slack failures are retried with backoff; a sync is idempotent, so a retry only catches up. */
const SYNC_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: { age: 24 * 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 1000 },
};

export interface SyncQueueOptions {
  /** How long repeat notifications of one incident are gathered before its thread is updated. */
  debounceMs: number;
  /** An unknown cluster's group is reported at most once in this long. */
  noticeTtlMs: number;
}

export class AlertSyncQueue {
  private current: Queue | undefined;

  constructor(
    private readonly connection: Redis,
    private readonly opts: SyncQueueOptions,
  ) {}

  /**
   * Asks a worker to bring the incident's thread in line with its latest notification. At most one
   * such job waits per incident (later ones are deduplicated away: the waiting one reads the newest
   * state when it runs), and one more is kept while one runs (`keepLastIfActive`).
   */
  syncThread(data: SyncThreadJob): Promise<unknown> {
    return this.add(SYNC_THREAD_JOB, data, {
      ...SYNC_JOB_OPTIONS,
      delay: this.opts.debounceMs,
      deduplication: { id: `sync-${data.incident}`, keepLastIfActive: true },
    });
  }

  /** Reports an unknown cluster's alert group, once per group per notice window. */
  noticeUnknownCluster(data: UnknownClusterJob): Promise<unknown> {
    return this.add(UNKNOWN_CLUSTER_JOB, data, {
      ...SYNC_JOB_OPTIONS,
      deduplication: { id: `notice-${data.incident}`, ttl: this.opts.noticeTtlMs },
    });
  }

  async close(): Promise<void> {
    await this.current?.close().catch(() => undefined);
    this.current = undefined;
  }

  private async add(name: string, data: object, opts: JobsOptions): Promise<unknown> {
    const queue = await this.readyQueue();
    return queue.add(name, data, opts);
  }

  private async readyQueue(): Promise<Queue> {
    if (this.connection.status !== 'ready') throw new Error(`Redis connection is ${this.connection.status}`);
    const queue = this.current ?? new Queue(ALERT_SYNC_QUEUE, { connection: this.connection, prefix: QUEUE_PREFIX, skipWaitingForReady: true });
    if (!this.current) queue.on('error', () => {});
    this.current = queue;
    try {
      await queue.waitUntilReady();
      return queue;
    } catch (err) {
      if (this.current === queue) this.current = undefined;
      void queue.close().catch(() => undefined);
      throw err;
    }
  }
}

/** Unknown clusters are worth one notice per group a day, even with a short window. */
export function noticeTtlMs(windowMs: number): number {
  return Math.max(windowMs, DAY_MS);
}
