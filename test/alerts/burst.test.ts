// A burst of 1,000 webhook posts for one cluster and one group (a flapping Alertmanager, several
// Alertmanager replicas, retries) is one incident: exactly one diagnosis job, one parent message,
// one status reply that ends up counting every notification. Deduplication is BullMQ's, in Redis,
// so it would hold the same across bot replicas.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EAST_CHANNEL, postWebhook, startAlertHarness, type AlertHarness, webhookPayload } from './harness.ts';

let h: AlertHarness;

beforeAll(async () => {
  h = await startAlertHarness();
});

afterAll(async () => {
  await h?.stop();
});

describe('1,000 notifications of one group', () => {
  it('yield exactly one diagnosis and one thread', async () => {
    const payload = webhookPayload({ cluster: 'hosted-east', pods: ['istio-ingressgateway-a', 'istio-ingressgateway-b'] });
    const outcomes: string[] = [];
    const statuses = new Set<number>();
    for (let batch = 0; batch < 20; batch++) {
      const responses = await Promise.all(Array.from({ length: 50 }, () => postWebhook(h.alertsUrl, payload)));
      for (const res of responses) {
        statuses.add(res.status);
        const body = (await res.json()) as { incidents?: { outcome: string }[] };
        outcomes.push(...(body.incidents ?? []).map((i) => i.outcome));
      }
    }
    expect([...statuses]).toEqual([202]);
    expect(outcomes.filter((o) => o === 'diagnosis-queued')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'thread-update-queued')).toHaveLength(999);

    const counts = await h.bot.producer.withQueue((q) => q.getJobCounts());
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(1);

    const parent = await h.slack.waitFor((s) => s.messages(EAST_CHANNEL).find((m) => !m.thread_ts && /failing check/.test(m.text)), 30_000);
    // Every notification was counted; the thread shows it in its one status reply.
    await h.slack.waitFor((s) => s.thread(EAST_CHANNEL, parent.ts).find((m) => JSON.stringify(m.blocks).includes('1000 notifications for this group so far')), 30_000);
    const thread = h.slack.thread(EAST_CHANNEL, parent.ts);
    expect(thread.filter((m) => /still firing, 2 alerts/.test(m.text))).toHaveLength(1);
    expect(h.slack.messages(EAST_CHANNEL).filter((m) => !m.thread_ts)).toHaveLength(1);
    expect(Object.values(await h.bot.producer.withQueue((q) => q.getJobCounts())).reduce((a, b) => a + b, 0)).toBe(1);
  });
});
