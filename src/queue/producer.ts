// The bot's side of the diagnosis queue: a bounded enqueue. It is the only thing the bot does
// before acknowledging a slash command, so it either answers well within Slack's 3 seconds or
// fails with "queue unavailable" — never a "queued" that did not happen.
//
// One job per cluster diagnosed. BullMQ deduplication (id = cluster name, kept while the job is
// waiting, running or retrying) makes the join atomic: a second request for a cluster already
// being diagnosed gets the running job back instead of a new one.

import { randomUUID } from 'node:crypto';
import { type JobsOptions, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { FAST_COMMAND_TIMEOUT_MS, withTimeout } from '../redis/connections.ts';
import { EffectsStore } from './effects.ts';
import { QueueError } from './errors.ts';
import { type DiagnoseJob, parseDiagnoseJob } from './jobs.ts';
import { DIAGNOSE_JOB, DIAGNOSE_QUEUE, QUEUE_PREFIX } from './names.ts';

/** Longer than one Redis command timeout (so Redis's own error wins), far below Slack's 3 s. */
export const ENQUEUE_TIMEOUT_MS = 2 * FAST_COMMAND_TIMEOUT_MS;

const WEEK_SECONDS = 7 * 24 * 3600;

/** Retries cover transient failures (Slack 5xx, Redis blips); a dead worker's job is picked up
 *  again by BullMQ's stalled-job check without spending an attempt. */
export const DIAGNOSE_JOB_OPTIONS: JobsOptions = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: { age: WEEK_SECONDS, count: 500 },
  removeOnFail: { age: WEEK_SECONDS, count: 500 },
};

export type DiagnosisRequest = Omit<DiagnoseJob, 'requestedAt'>;

export type EnqueueOutcome =
  | { kind: 'queued'; jobId: string }
  /** The cluster was already being diagnosed; `thread` is that run's parent message, once posted. */
  | { kind: 'joined'; jobId: string; thread?: { channel: string; ts: string } };

export interface ProducerOptions {
  enqueueTimeoutMs?: number;
  jobOptions?: JobsOptions;
}

export class DiagnosisProducer {
  private current: Queue | undefined;
  /** Cluster → the enqueue this process is waiting for (see enqueue). */
  private readonly inFlight = new Map<string, Promise<EnqueueOutcome>>();
  private readonly effects: EffectsStore;
  private readonly timeoutMs: number;
  private readonly jobOptions: JobsOptions;

  /** `connection` must be a request-path connection (no offline queue, short command timeout). */
  constructor(
    private readonly connection: Redis,
    opts: ProducerOptions = {},
  ) {
    this.effects = new EffectsStore(connection);
    this.timeoutMs = opts.enqueueTimeoutMs ?? ENQUEUE_TIMEOUT_MS;
    this.jobOptions = { ...DIAGNOSE_JOB_OPTIONS, ...opts.jobOptions };
  }

  /**
   * Queues a diagnosis or joins the running one; throws QueueError('queue-unavailable').
   *
   * Requests for a cluster whose enqueue is still in flight from this process join that enqueue
   * instead of sending their own: Redis would run theirs after it and deduplicate them into the
   * same job anyway, so the answer is the one they would have got, without a BullMQ add (and a
   * thread lookup) each. In an incident many people ask for the same cluster at once. Each request
   * is still validated on its own, and none is told "queued" or "joined" before Redis said so.
   */
  async enqueue(req: DiagnosisRequest): Promise<EnqueueOutcome> {
    const data = parseDiagnoseJob({ ...req, requestedAt: new Date().toISOString() });
    const inFlight = this.inFlight.get(data.cluster);
    if (inFlight) return asJoined(await inFlight);
    const attempt = this.add(data);
    this.inFlight.set(data.cluster, attempt);
    try {
      return await attempt;
    } finally {
      if (this.inFlight.get(data.cluster) === attempt) this.inFlight.delete(data.cluster);
    }
  }

  private async add(data: DiagnoseJob): Promise<EnqueueOutcome> {
    const jobId = newJobId(data.cluster);
    const job = await this.withQueue((queue) =>
      queue.add(DIAGNOSE_JOB, data, { ...this.jobOptions, jobId, deduplication: { id: data.cluster } }),
    );
    if (job.id === jobId) return { kind: 'queued', jobId };
    const existing = job.id ?? '';
    // Where that run's thread is: nice to have, so it gets less time than the enqueue itself.
    const thread = await withTimeout(this.effects.threadOf(existing), FAST_COMMAND_TIMEOUT_MS).catch(() => undefined);
    return thread ? { kind: 'joined', jobId: existing, thread } : { kind: 'joined', jobId: existing };
  }

  /** Runs `fn` on the queue, bounded like every request-path call; throws queue-unavailable. */
  withQueue<T>(fn: (queue: Queue) => Promise<T>): Promise<T> {
    return this.bounded(this.readyQueue().then(fn));
  }

  /** Any Redis read on the request path, bounded the same way. */
  bounded<T>(promise: Promise<T>): Promise<T> {
    return withTimeout(promise, this.timeoutMs).catch((err: unknown) => {
      throw new QueueError('queue-unavailable', `queue unavailable: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    });
  }

  async close(): Promise<void> {
    await this.current?.close().catch(() => undefined);
    this.current = undefined;
  }

  /**
   * The BullMQ Queue, created once the connection is up. A Queue whose set-up ran while Redis was
   * away stays broken for good (its version check failed), so such a one is dropped and the next
   * request builds a new one: the bot recovers by itself when Redis returns.
   */
  private async readyQueue(): Promise<Queue> {
    if (this.connection.status !== 'ready') throw new Error(`Redis connection is ${this.connection.status}`);
    const queue = this.current ?? this.newQueue();
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

  private newQueue(): Queue {
    const queue = new Queue(DIAGNOSE_QUEUE, { connection: this.connection, prefix: QUEUE_PREFIX, skipWaitingForReady: true });
    // A Queue re-emits its connection's errors; the connection already logs them once per outage.
    queue.on('error', () => {});
    return queue;
  }
}

/** What a request that joined `outcome`'s enqueue is told: the same job, joined. */
function asJoined(outcome: EnqueueOutcome): EnqueueOutcome {
  return outcome.kind === 'joined' ? outcome : { kind: 'joined', jobId: outcome.jobId };
}

/**
 * Unique, readable in `redis-cli`, never purely numeric (BullMQ reserves those), no `:`. The 24
 * random bits come from randomUUID, which draws from a cached entropy pool: randomBytes asks
 * OpenSSL on every call, a measurable cost when a burst of commands is enqueued.
 */
function newJobId(cluster: string): string {
  return `${cluster}-${Date.now().toString(36)}-${randomUUID().slice(0, 6)}`;
}
