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

async function readyProducerOn(url: string): Promise<DiagnosisProducer> {
  const { producer, connection } = producerOn(url);
  await waitUntilReady(connection, 5000);
  return producer;
}

// Many people asking for the same cluster at once (an incident): requests that arrive while an
// enqueue for that cluster is in flight share it: exactly one job, one "queued" and the rest
// "joined" to that job, every answer given only after Redis answered, and with Redis away every
// one of them hears "queue unavailable" and nothing is queued.
describe('DiagnosisProducer with concurrent requests for one cluster', () => {
  it('queues one job: the first request is told "queued", the others "joined" that job', async () => {
    const producer = await readyProducerOn(redis.url);
    const users = Array.from({ length: 20 }, (_, i) => `U0PERSON${String(i).padStart(2, '0')}`);
    const outcomes = await Promise.all([...users.map((u) => producer.enqueue(request('burst-east', { requestedBy: u }))), producer.enqueue(request('burst-west', { requestedBy: 'U0OTHER001' }))]);
    const east = outcomes.slice(0, users.length);
    const queued = east.filter((o) => o.kind === 'queued');
    expect(queued).toHaveLength(1);
    expect(east.filter((o) => o.kind === 'joined').map((o) => o.jobId)).toEqual(Array(users.length - 1).fill(queued[0]?.jobId));
    expect(outcomes.at(-1)?.kind).toBe('queued');
    const jobs = await producer.withQueue((q) => q.getJobs());
    expect(jobs.filter((j) => j.data.cluster.startsWith('burst-')).map((j) => j.data.cluster).sort()).toEqual(['burst-east', 'burst-west']);
    // The job is the first requester's, as Redis's deduplication would have kept it.
    const job = await producer.withQueue((q) => q.getJob(queued[0]?.jobId ?? ''));
    expect(job?.data.requestedBy).toBe(users[0]);

    // Once that enqueue is over, a new request goes to Redis itself and joins the waiting job there.
    expect(await producer.enqueue(request('burst-east', { requestedBy: 'U0LATE0001' }))).toEqual({ kind: 'joined', jobId: queued[0]?.jobId });
  });

  it('validates each request on its own: a bad one is refused while the others share the enqueue', async () => {
    const producer = await readyProducerOn(redis.url);
    const results = await Promise.allSettled([
      producer.enqueue(request('valid-east', { requestedBy: 'U0ONCALL01' })),
      producer.enqueue({ ...request('valid-east', { requestedBy: 'U0ONCALL02' }), channel: 'general; DROP' }),
      producer.enqueue(request('valid-east', { requestedBy: 'U0ONCALL03' })),
    ]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value.kind : (r.reason as { reason: string }).reason))).toEqual(['queued', 'job-invalid', 'joined']);
  });

  it('tells every concurrent request "queue unavailable" while Redis is away, and queues nothing', async () => {
    const away = await startRedis();
    opened.push({ close: () => away.close() });
    const producer = await readyProducerOn(away.url);
    await away.stop();
    const results = await Promise.allSettled(Array.from({ length: 5 }, (_, i) => producer.enqueue(request('away-east', { requestedBy: `U0AWAY000${i}` }))));
    expect(results.map((r) => (r.status === 'rejected' ? (r.reason as { reason: string }).reason : r.value.kind))).toEqual(Array(5).fill('queue-unavailable'));
    await away.start();
    await expect.poll(() => jobsIn(producer).catch(() => -1), { timeout: 10_000 }).toBe(0);
  });
});
