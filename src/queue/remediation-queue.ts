// The `remediate` queue: one job per approved proposal. The job carries the proposal id and where
// to report, nothing else: what to change is read from the server-side proposal by the worker.
// The job id IS the proposal id, so a double click, two approvers at once or a retried request
// add one job (BullMQ ignores an add whose job id exists), and the executor is idempotent besides.

import { type JobsOptions, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { withTimeout } from '../redis/connections.ts';
import { QueueError } from './errors.ts';
import { CHANNEL_ID, MESSAGE_TS } from './jobs.ts';
import { QUEUE_PREFIX } from './names.ts';
import { ENQUEUE_TIMEOUT_MS } from './producer.ts';

export const REMEDIATE_QUEUE = 'remediate';
export const REMEDIATE_JOB = 'remediate';

/** Proposal ids are 32 lowercase hex characters (src/approvals/store.ts). */
export const PROPOSAL_ID = /^[0-9a-f]{32}$/;
const USER_ID = /^[UW][A-Z0-9]{2,}$/;

export const remediateJobSchema = z.strictObject({
  proposalId: z.string().regex(PROPOSAL_ID, 'must be a proposal id'),
  /** The channel and thread the outcome is posted in. */
  channel: z.string().regex(CHANNEL_ID, 'must be a Slack channel id'),
  threadTs: z.string().regex(MESSAGE_TS, 'must be a Slack message ts'),
  /** The approver whose approval completed it (for the log; the proposal holds every approval). */
  approvedBy: z.string().regex(USER_ID, 'must be a Slack user id'),
});

export type RemediateJob = z.infer<typeof remediateJobSchema>;

export function parseRemediateJob(data: unknown): RemediateJob {
  const parsed = remediateJobSchema.safeParse(data);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(job)'}: ${i.message}`);
  throw new QueueError('job-invalid', `invalid remediation job: ${problems.join('; ')}`);
}

const WEEK_SECONDS = 7 * 24 * 3600;

/** Transient failures (Slack, Redis) are retried; the executor never patches twice. */
export const REMEDIATE_JOB_OPTIONS: JobsOptions = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: { age: WEEK_SECONDS, count: 1000 },
  removeOnFail: { age: WEEK_SECONDS, count: 1000 },
};

export type RemediateEnqueue = { kind: 'queued' | 'already-queued'; jobId: string };

/** The bot's side: a bounded add, like the diagnosis producer (it answers a Slack request). */
export class RemediationProducer {
  private current: Queue | undefined;

  constructor(
    private readonly connection: Redis,
    private readonly timeoutMs: number = ENQUEUE_TIMEOUT_MS,
  ) {}

  async enqueue(job: RemediateJob): Promise<RemediateEnqueue> {
    const data = parseRemediateJob(job);
    const queue = this.queue();
    const added = await withTimeout(
      (async () => {
        const existing = await queue.getJob(data.proposalId);
        if (existing) return { kind: 'already-queued' as const, jobId: data.proposalId };
        await queue.add(REMEDIATE_JOB, data, { ...REMEDIATE_JOB_OPTIONS, jobId: data.proposalId });
        return { kind: 'queued' as const, jobId: data.proposalId };
      })(),
      this.timeoutMs,
    ).catch((err: unknown) => {
      throw new QueueError('queue-unavailable', `queue unavailable: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    });
    return added;
  }

  /** Jobs in the remediate queue in any state (tests and /readyz-style checks). */
  async count(): Promise<number> {
    const counts = await this.queue().getJobCounts();
    return Object.values(counts).reduce((a, b) => a + b, 0);
  }

  async close(): Promise<void> {
    await this.current?.close().catch(() => undefined);
    this.current = undefined;
  }

  private queue(): Queue {
    if (!this.current) {
      this.current = new Queue(REMEDIATE_QUEUE, { connection: this.connection, prefix: QUEUE_PREFIX });
      // Connection errors are logged once per outage by the connection itself.
      this.current.on('error', () => {});
    }
    return this.current;
  }
}
