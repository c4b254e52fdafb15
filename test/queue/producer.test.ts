// The bot's bounded enqueue against a real redis-server: it never claims "queued" without a job,
// answers at once while Redis is away (even if Redis was away when the bot started), recovers by
// itself, and joins a running diagnosis of the same cluster instead of adding a second job.

import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueueError } from '../../src/queue/errors.ts';
import { DIAGNOSE_JOB_OPTIONS, type DiagnosisRequest, DiagnosisProducer } from '../../src/queue/producer.ts';
import { closeRedis, createRedisConnection, waitUntilReady } from '../../src/redis/connections.ts';
import { startRedis, type TestRedis } from '../helpers/redis.ts';

let redis: TestRedis;
const opened: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  redis = await startRedis();
});

afterAll(async () => {
  for (const o of opened.reverse()) await o.close();
  await redis?.close();
});

function producerOn(url: string): { producer: DiagnosisProducer; connection: Redis } {
  const connection = createRedisConnection(url, 'request-path', { name: 'test' });
  const producer = new DiagnosisProducer(connection);
  opened.push({ close: () => producer.close() }, { close: () => closeRedis(connection) });
  return { producer, connection };
}

const request = (cluster: string, over: Partial<DiagnosisRequest> = {}): DiagnosisRequest => ({
  cluster,
  checks: [],
  channel: 'C0INCIDENTS',
  requestedBy: 'U0ONCALL01',
  trigger: 'slack',
  ...over,
});

async function jobsIn(producer: DiagnosisProducer): Promise<number> {
  const counts = await producer.withQueue((q) => q.getJobCounts());
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

describe('DiagnosisProducer', () => {
  it('queues one job per cluster and joins a second request for a cluster already queued', async () => {
    const { producer, connection } = producerOn(redis.url);
    await waitUntilReady(connection, 5000);
    const first = await producer.enqueue(request('prod-east'));
    const again = await producer.enqueue(request('prod-east', { checks: ['gateway-readiness'], requestedBy: 'U0OTHER002' }));
    const other = await producer.enqueue(request('prod-west'));
    expect(first.kind).toBe('queued');
    expect(again).toEqual({ kind: 'joined', jobId: first.jobId });
    expect(other.kind).toBe('queued');
    expect(await jobsIn(producer)).toBe(2);
  });

  it('stores only ids and names in the job, with retries configured', async () => {
    const { producer, connection } = producerOn(redis.url);
    await waitUntilReady(connection, 5000);
    const out = await producer.enqueue(request('stores-names', { responseUrl: 'https://hooks.slack.test/commands/T1/2/abc' }));
    const job = await producer.withQueue((q) => q.getJob(out.jobId));
    expect(Object.keys(job?.data ?? {}).sort()).toEqual(['channel', 'checks', 'cluster', 'requestedAt', 'requestedBy', 'responseUrl', 'trigger']);
    expect(job?.opts.attempts).toBe(DIAGNOSE_JOB_OPTIONS.attempts);
  });

  it('refuses a request that is not a valid job before touching Redis', async () => {
    const { producer } = producerOn(redis.url);
    const bad = producer.enqueue(request('ok-name', { channel: 'general; DROP' }));
    await expect(bad).rejects.toBeInstanceOf(QueueError);
    await expect(bad).rejects.toMatchObject({ reason: 'job-invalid', code: 'JOB_INVALID' });
  });

  it('says "queue unavailable" while Redis is away — even from a bot started without it — and recovers by itself', async () => {
    const late = await startRedis();
    opened.push({ close: () => late.close() });
    await late.stop();
    const { producer, connection } = producerOn(late.url);
    await expect(producer.enqueue(request('late-east'))).rejects.toMatchObject({ reason: 'queue-unavailable' });
    await expect(producer.enqueue(request('late-east'))).rejects.toMatchObject({ reason: 'queue-unavailable' });

    await late.start();
    expect(await waitUntilReady(connection, 10_000)).toBe(true);
    // Nothing from the refused requests reached Redis.
    expect(await jobsIn(producer)).toBe(0);
    expect((await producer.enqueue(request('late-east'))).kind).toBe('queued');
    expect(await jobsIn(producer)).toBe(1);
  });
});
