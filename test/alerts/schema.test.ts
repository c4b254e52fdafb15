// What /alerts refuses, and how: a wrong or missing token (401), an oversized body (413), and
// anything that is not an Alertmanager v4 webhook (400 naming the reason). A small deterministic
// fuzzer sends 1,000 malformed bodies: every one gets a 400, none crashes the handler, none
// enqueues anything. The handler runs on a real HTTP server with a real redis-server behind it.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseWebhookBody } from '../../src/alerts/schema.ts';
import { startRedis, type TestRedis } from '../helpers/redis.ts';
import { ALERT_TOKEN, postWebhook, webhookPayload } from './harness.ts';
import { type ReceiverUnderTest, startReceiver } from './receiver-setup.ts';

let redis: TestRedis;
let receiver: ReceiverUnderTest;

beforeAll(async () => {
  redis = await startRedis();
  receiver = await startReceiver(redis.url);
});

afterAll(async () => {
  await receiver?.close();
  await redis?.close();
});

const valid = () => webhookPayload({ cluster: 'prod-east', pods: ['gw-a', 'gw-b'] });

async function errorOf(res: Response): Promise<string> {
  const body = (await res.json()) as { error?: unknown };
  return typeof body.error === 'string' ? body.error : '';
}

describe('parseWebhookBody', () => {
  it('accepts what Alertmanager 0.25 sends', () => {
    const parsed = parseWebhookBody(JSON.stringify({ ...valid(), someFutureField: { x: 1 } }));
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(parsed.payload.alerts.map((a) => a.labels.pod)).toEqual(['gw-a', 'gw-b']);
  });

  it('names what is wrong', () => {
    expect(parseWebhookBody('{"version":"4",')).toMatchObject({ ok: false, reason: expect.stringMatching(/^invalid JSON: /) });
    expect(parseWebhookBody(JSON.stringify({ ...valid(), version: '3' }))).toEqual({
      ok: false,
      reason: 'not an Alertmanager webhook (version 4): version: Invalid input: expected "4"',
    });
    const bad = valid() as unknown as { alerts: { status: string }[] };
    bad.alerts[1]!.status = 'pending';
    expect(parseWebhookBody(JSON.stringify(bad))).toMatchObject({ ok: false, reason: expect.stringContaining('alerts.1.status: Invalid option') });
    expect(parseWebhookBody(JSON.stringify({ ...valid(), alerts: [] }))).toMatchObject({ ok: false, reason: expect.stringContaining('alerts: must hold at least one alert') });
  });
});

describe('POST /alerts refuses', () => {
  it('a missing, wrong or non-bearer token with 401, before reading the body', async () => {
    const responses = await Promise.all([
      postWebhook(receiver.url, valid(), null),
      postWebhook(receiver.url, valid(), 'not-the-alert-token'),
      postWebhook(receiver.url, valid(), `${ALERT_TOKEN}x`),
      postWebhook(receiver.url, valid(), ALERT_TOKEN.slice(0, -1)),
      fetch(receiver.url, { method: 'POST', headers: { authorization: `Basic ${Buffer.from(`x:${ALERT_TOKEN}`).toString('base64')}` }, body: JSON.stringify(valid()) }),
    ]);
    expect(responses.map((r) => r.status)).toEqual([401, 401, 401, 401, 401]);
    expect(await errorOf(responses[0]!)).toBe('missing or wrong bearer token');
    expect(await receiver.jobCounts()).toEqual({ diagnose: 0, sync: 0 });
  });

  it('a body over the limit with 413, whether declared or streamed', async () => {
    // Valid in every other way: 20 alerts with long annotations, 1.2 MiB in all.
    const big = JSON.stringify({ ...valid(), alerts: Array.from({ length: 20 }, () => ({ ...valid().alerts[0], annotations: { description: 'x'.repeat(60_000) } })) });
    const declared = await postWebhook(receiver.url, big);
    expect(declared.status).toBe(413);
    expect(await errorOf(declared)).toBe('request body is larger than 1048576 bytes');
    // No Content-Length: the body arrives in chunks and is cut off once past the limit.
    const chunks = Array.from({ length: 24 }, (_, i) => big.slice(i * 50_000, (i + 1) * 50_000));
    const streamed = await fetch(receiver.url, {
      method: 'POST',
      headers: { authorization: `Bearer ${ALERT_TOKEN}` },
      body: new ReadableStream({
        pull(controller) {
          const next = chunks.shift();
          if (next === undefined) controller.close();
          else controller.enqueue(new TextEncoder().encode(next));
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(await receiver.jobCounts()).toEqual({ diagnose: 0, sync: 0 });
  });

  it('anything but POST with 405', async () => {
    const res = await fetch(receiver.url, { headers: { authorization: `Bearer ${ALERT_TOKEN}` } });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
  });
});

/** mulberry32: a small seeded PRNG, so a failing body can be reproduced from its index. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

type Json = Record<string, unknown>;

/** Ways to turn a valid payload into one that must be refused. Each returns the body text. */
const MUTATIONS: ((p: Json, pick: <T>(xs: readonly T[]) => T, rand: () => number) => string)[] = [
  (p, pick) => {
    delete p[pick(['version', 'status', 'groupKey', 'alerts'])];
    return JSON.stringify(p);
  },
  (p, pick) => JSON.stringify({ ...p, version: pick(['3', 4, null, '', 'v4', ['4'], { v: 4 }]) }),
  (p, pick) => JSON.stringify({ ...p, status: pick(['FIRING', 'pending', 1, null, '', true]) }),
  (p, pick) => JSON.stringify({ ...p, alerts: pick([[], {}, 'alerts', null, [1], [null], [[]]]) }),
  (p, pick) => JSON.stringify({ ...p, groupKey: pick(['', 5, null, 'k'.repeat(16_385), {}]) }),
  (p, pick) => JSON.stringify({ ...p, truncatedAlerts: pick([-1, 1.5, '3', null, [] as unknown]) }),
  (p, pick) => JSON.stringify({ ...p, groupLabels: pick([null, 'x', [], { a: 1 }, { a: null }]) }),
  (p, pick, rand) => {
    const alerts = p.alerts as Json[];
    const a = alerts[Math.floor(rand() * alerts.length)]!;
    const field = pick(['status', 'labels', 'annotations', 'startsAt']);
    a[field] = pick(field === 'status' ? ['active', '', 0, null] : field === 'startsAt' ? [5, null, {}, 'x'.repeat(65)] : [null, 'x', [], { k: 5 }, { '': 'v' }, { k: 'v'.repeat(70_000) }]);
    return JSON.stringify(p);
  },
  (p, pick) => JSON.stringify(pick([[p], null, 42, 'alerts', true, []])),
  (p) => `{"__proto__":{"polluted":"yes"},${JSON.stringify(p).slice(1).replace('"version":"4"', '"version":"four"')}`,
  (p, _pick, rand) => {
    const text = JSON.stringify(p);
    return text.slice(0, Math.floor(rand() * text.length));
  },
  (_p, _pick, rand) => {
    const bytes = Buffer.alloc(Math.floor(rand() * 200));
    for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(rand() * 256);
    return bytes.toString('latin1');
  },
];

function malformedBodies(count: number, seed: number): string[] {
  const rand = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  return Array.from({ length: count }, () => {
    const payload = JSON.parse(JSON.stringify(webhookPayload({ cluster: pick(['prod-east', 'prod-west', 'nowhere']), pods: ['a', 'b', 'c'].slice(0, 1 + Math.floor(rand() * 3)) }))) as Json;
    return pick(MUTATIONS)(payload, pick, rand);
  });
}

describe('1,000 malformed bodies', () => {
  it('each get a 400 with a reason, none crashes the handler, none enqueues anything', async () => {
    const bodies = malformedBodies(1000, 0x6d656d);
    const outcomes: string[] = [];
    for (let i = 0; i < bodies.length; i += 25) {
      const batch = bodies.slice(i, i + 25);
      const responses = await Promise.all(batch.map((b) => postWebhook(receiver.url, b)));
      for (const [j, res] of responses.entries()) {
        const error = await errorOf(res);
        if (res.status !== 400 || error === '') outcomes.push(`#${i + j} ${res.status} ${error}: ${batch[j]!.slice(0, 120)}`);
      }
    }
    expect(outcomes).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(await receiver.jobCounts()).toEqual({ diagnose: 0, sync: 0 });
    const invalid = (await receiver.metrics.registry.getSingleMetricAsString('mesh_medic_alert_notifications_total')).match(/outcome="invalid"} (\d+)/);
    expect(Number(invalid?.[1])).toBe(1000);

    // The handler still works, and does enqueue a valid notification: the counts above can move.
    const ok = await postWebhook(receiver.url, valid());
    expect(ok.status).toBe(202);
    expect(await ok.json()).toMatchObject({ status: 'accepted', incidents: [{ cluster: 'prod-east', outcome: 'diagnosis-queued' }] });
    expect(await receiver.jobCounts()).toEqual({ diagnose: 1, sync: 0 });
  });
});
