// Many people asking for the same cluster at once (an incident): requests that arrive while an
// enqueue for that cluster is in flight share it. Against a real redis-server: exactly one job,
// one "queued" and the rest "joined" to that job, every answer given only after Redis answered,
// and with Redis away every one of them hears "queue unavailable" and nothing is queued.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DiagnosisRequest, DiagnosisProducer } from '../../src/queue/producer.ts';
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

async function producerOn(url: string): Promise<DiagnosisProducer> {
  const connection = createRedisConnection(url, 'request-path', { name: 'test' });
  const producer = new DiagnosisProducer(connection);
  opened.push({ close: () => producer.close() }, { close: () => closeRedis(connection) });
  await waitUntilReady(connection, 5000);
  return producer;
}

const request = (cluster: string, user: string): DiagnosisRequest => ({ cluster, checks: [], channel: 'C0INCIDENTS', requestedBy: user, trigger: 'slack' });

async function jobsIn(producer: DiagnosisProducer): Promise<number> {
  const counts = await producer.withQueue((q) => q.getJobCounts());
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

describe('DiagnosisProducer with concurrent requests for one cluster', () => {
  it('queues one job: the first request is told "queued", the others "joined" that job', async () => {
    const producer = await producerOn(redis.url);
    const users = Array.from({ length: 20 }, (_, i) => `U0PERSON${String(i).padStart(2, '0')}`);
    const outcomes = await Promise.all([...users.map((u) => producer.enqueue(request('burst-east', u))), producer.enqueue(request('burst-west', 'U0OTHER001'))]);
    const east = outcomes.slice(0, users.length);
    const queued = east.filter((o) => o.kind === 'queued');
    expect(queued).toHaveLength(1);
    expect(east.filter((o) => o.kind === 'joined').map((o) => o.jobId)).toEqual(Array(users.length - 1).fill(queued[0]?.jobId));
    expect(outcomes.at(-1)?.kind).toBe('queued');
    expect(await jobsIn(producer)).toBe(2);
    // The job is the first requester's, as Redis's deduplication would have kept it.
    const job = await producer.withQueue((q) => q.getJob(queued[0]?.jobId ?? ''));
    expect(job?.data.requestedBy).toBe(users[0]);

    // Once that enqueue is over, a new request goes to Redis itself and joins the waiting job there.
    expect(await producer.enqueue(request('burst-east', 'U0LATE0001'))).toEqual({ kind: 'joined', jobId: queued[0]?.jobId });
  });

  it('validates each request on its own: a bad one is refused while the others share the enqueue', async () => {
    const producer = await producerOn(redis.url);
    const results = await Promise.allSettled([
      producer.enqueue(request('valid-east', 'U0ONCALL01')),
      producer.enqueue({ ...request('valid-east', 'U0ONCALL02'), channel: 'general; DROP' }),
      producer.enqueue(request('valid-east', 'U0ONCALL03')),
    ]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value.kind : (r.reason as { reason: string }).reason))).toEqual(['queued', 'job-invalid', 'joined']);
  });

  it('tells every concurrent request "queue unavailable" while Redis is away, and queues nothing', async () => {
    const away = await startRedis();
    opened.push({ close: () => away.close() });
    const producer = await producerOn(away.url);
    await away.stop();
    const results = await Promise.allSettled(Array.from({ length: 5 }, (_, i) => producer.enqueue(request('away-east', `U0AWAY000${i}`))));
    expect(results.map((r) => (r.status === 'rejected' ? (r.reason as { reason: string }).reason : r.value.kind))).toEqual(Array(5).fill('queue-unavailable'));
    await away.start();
    await expect.poll(() => jobsIn(producer).catch(() => -1), { timeout: 10_000 }).toBe(0);
  });
});
