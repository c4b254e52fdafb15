// Channels configured by NAME (issue 6): hosted-east has `channel: "#mesh-prod"` in clusters.yaml and
// MESH_MEDIC_CHANNEL is `#mesh-alerts`. The real bot and worker, a real redis-server and the fake
// Slack Web API, which resolves known names to IDs in chat.postMessage as Slack does. What a person
// sees: the report in #mesh-prod (its ID), repeats editing one reply in that thread, the resolution
// marking the parent. Every call after the first post uses the ID, even the rerun of a worker that
// died right after posting the parent (it continues from the ID it recorded, not the name).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProcessorStep } from '../../src/workers/types.ts';
import { blockTexts } from '../bot/harness.ts';
import type { RecordedCall } from '../fakes/slack-api.ts';
import { type AlertHarness, postWebhook, startAlertHarness, webhookPayload } from './harness.ts';

const PROD_ID = 'C0MESHPROD1';
const ALERTS_ID = 'C0MESHALRT1';

let h: AlertHarness;
const calls: RecordedCall[] = [];
let died = false;

beforeAll(async () => {
  h = await startAlertHarness({
    eastChannel: '#mesh-prod',
    defaultChannel: '#mesh-alerts',
    namedChannels: [
      { id: PROD_ID, name: 'mesh-prod' },
      { id: ALERTS_ID, name: 'mesh-alerts' },
    ],
    // The first attempt's worker "dies" right after the parent is posted and recorded.
    afterStep: (step: ProcessorStep) => {
      if (step !== 'parent-posted' || died) return;
      died = true;
      throw new Error('worker died after parent-posted');
    },
  });
  h.slack.subscribe((e) => {
    if (e.type === 'call') calls.push(e.call);
  });
});

afterAll(async () => {
  await h?.stop();
});

const allText = (m: { text: string; blocks: unknown[] }) => [m.text, ...blockTexts(m.blocks)].join('\n');
const parents = (channel: string) => h.slack.messages(channel).filter((m) => !m.thread_ts);
const replies = (channel: string, ts: string) => h.slack.thread(channel, ts).slice(1);

async function notify(body: unknown): Promise<{ cluster: string | null; outcome: string }[]> {
  const res = await postWebhook(h.alertsUrl, body);
  expect(res.status).toBe(202);
  return ((await res.json()) as { incidents: { cluster: string | null; outcome: string }[] }).incidents;
}

const group = (status: 'firing' | 'resolved', pods: string[]) =>
  webhookPayload({ cluster: 'hosted-east', groupKey: 'group-by-name', status, pods });

let parentTs = '';

describe('a cluster whose channel is "#mesh-prod"', () => {
  it('gets its alert report in #mesh-prod, once, even though the first worker died after posting', async () => {
    expect(await notify(group('firing', ['gw-a', 'gw-b']))).toMatchObject([{ cluster: 'hosted-east', outcome: 'diagnosis-queued' }]);
    const parent = await h.slack.waitFor((s) => s.messages(PROD_ID).find((m) => !m.thread_ts && /failing check/.test(m.text)), 40_000);
    parentTs = parent.ts;
    expect(died).toBe(true);
    expect(allText(parent)).toMatch(/hosted-east\*: 3 failing checks/);
    expect(allText(parent)).toContain('Requested by Alertmanager: IstioGatewayNotReady (2 firing)');
    expect(replies(PROD_ID, parentTs).map(allText).join('\n')).toContain('Started by alert *IstioGatewayNotReady*');
    expect(parents(PROD_ID)).toHaveLength(1);
    // Nothing landed under the name itself, and no other channel got anything.
    expect(h.slack.messages().every((m) => m.channel === PROD_ID)).toBe(true);
  });

  it('updates that thread on repeats, editing one "still firing" reply', async () => {
    await notify(group('firing', ['gw-a', 'gw-b']));
    const status = await h.slack.waitFor(() => replies(PROD_ID, parentTs).find((m) => /still firing, 2 alerts/.test(m.text)), 20_000);
    await notify(group('firing', ['gw-a', 'gw-b', 'gw-c']));
    await h.slack.waitFor((s) => s.messages(PROD_ID).find((m) => m.ts === status.ts && /still firing, 3 alerts/.test(m.text)), 20_000);
    expect(replies(PROD_ID, parentTs).filter((m) => /still firing/.test(m.text))).toHaveLength(1);
    expect(parents(PROD_ID)).toHaveLength(1);
  });

  it('marks the parent resolved when the group resolves', async () => {
    await notify(group('resolved', ['gw-a', 'gw-b', 'gw-c']));
    await h.slack.waitFor(() => replies(PROD_ID, parentTs).find((m) => m.text.startsWith('Resolved:')), 20_000);
    const parent = await h.slack.waitFor((s) => s.messages(PROD_ID).find((m) => m.ts === parentTs && m.text.startsWith('Resolved · ')), 20_000);
    expect(allText(parent)).toMatch(/hosted-east\*: 3 failing checks/);
    expect(parents(PROD_ID)).toHaveLength(1);
  });

  it('posts by name only where Slack allows it: every edit and reply uses the channel ID', () => {
    const byName = calls.filter((c) => c.args.channel === '#mesh-prod');
    expect(byName.map((c) => c.method)).toEqual(['chat.postMessage']);
    expect(byName[0]?.args.thread_ts).toBeUndefined();
    const later = calls.filter((c) => c.method === 'chat.update' || (c.method === 'chat.postMessage' && c.args.thread_ts));
    expect(later.length).toBeGreaterThan(3);
    expect(later.filter((c) => c.args.channel !== PROD_ID)).toEqual([]);
    expect(calls.filter((c) => !c.ok)).toEqual([]);
  });
});

describe('MESH_MEDIC_CHANNEL set to "#mesh-alerts"', () => {
  it('receives the notice about an unregistered cluster', async () => {
    expect(await notify(webhookPayload({ cluster: 'hosted-eats', groupKey: 'group-typo-by-name' }))).toMatchObject([
      { cluster: 'hosted-eats', outcome: 'unknown-cluster' },
    ]);
    const notice = await h.slack.waitFor((s) => s.messages(ALERTS_ID).find((m) => m.text.includes('hosted-eats')), 20_000);
    expect(allText(notice)).toContain('Did you mean `hosted-east`?');
  });
});
