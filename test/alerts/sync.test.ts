// The alert-sync worker's thread updates as a state machine, step by step, against a real
// redis-server and the fake Slack Web API: still firing (one reply, edited), resolved (a reply and
// the parent marked), firing again (a new reply, the parent restored), a status reply someone
// deleted, and a sync that must wait for its diagnosis to finish.

import { DelayedError } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { IncidentStore } from '../../src/alerts/store.ts';
import { type AlertSyncDeps, syncThread } from '../../src/alerts/sync.ts';
import { closeRedis, createRedisConnection, waitUntilReady } from '../../src/redis/connections.ts';
import { silentLogger } from '../../src/server/logger.ts';
import { createSlackClient, SlackNotifier } from '../../src/slack/notify.ts';
import { type RunningFakeSlackApi, startFakeSlackApi } from '../fakes/slack-api.ts';
import { startRedis, type TestRedis } from '../helpers/redis.ts';

const CHANNEL = 'C0SYNCTEST1';
let redis: TestRedis;
let conn: Redis;
let slack: RunningFakeSlackApi;
let incidents: IncidentStore;
let slackPoster: SlackNotifier;
let diagnosis = 'completed';
let parentTs = '';
let n = 0;

beforeAll(async () => {
  redis = await startRedis();
  conn = createRedisConnection(redis.url, 'worker', { name: 'sync-test' });
  await waitUntilReady(conn, 5000);
  slack = await startFakeSlackApi();
  slackPoster = new SlackNotifier(createSlackClient({ botToken: slack.botToken, signingSecret: 'unused', apiUrl: slack.url }), { intervalMs: 1, burst: 100 });
  incidents = new IncidentStore(conn);
});

afterAll(async () => {
  await slack?.close();
  if (conn) await closeRedis(conn);
  await redis?.close();
});

const verdict = { text: 'prod-east: 1 failing check', blocks: [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text: ':red_circle: *prod-east*: 1 failing check' } }] };

function deps(): AlertSyncDeps {
  return {
    incidents,
    effects: { threadOf: async () => ({ channel: CHANNEL, ts: parentTs }) },
    diagnosisState: async () => diagnosis,
    slack: slackPoster,
    logger: silentLogger(),
    pollMs: 500,
  };
}

let incident = '';
let jobId = '';

beforeEach(async () => {
  n++;
  incident = `prod-east-${'0'.repeat(19)}${n}`;
  jobId = `prod-east-alert-${n}`;
  diagnosis = 'completed';
  parentTs = await slackPoster.post(CHANNEL, verdict);
  await incidents.recordFinalParent(jobId, verdict);
});

async function notify(status: 'firing' | 'resolved', firing: number): Promise<void> {
  await incidents.recordNotification({ incident, cluster: 'prod-east', channel: CHANNEL, status, firing, names: ['IstioHigh5xxErrorRate'], notifiedAt: new Date('2024-07-16T09:30:00Z'), jobId });
}

function job(timestamp = Date.now()) {
  const delayed: number[] = [];
  return {
    delayed,
    data: { incident },
    timestamp,
    moveToDelayed: async (at: number) => {
      delayed.push(at);
    },
  };
}

const replies = () => slack.thread(CHANNEL, parentTs).slice(1);
const parent = () => slack.messages(CHANNEL).find((m) => m.ts === parentTs)!;

describe('syncThread', () => {
  it('keeps one "still firing" reply, edited in place, then resolves and marks the parent', async () => {
    await notify('firing', 2);
    expect(await syncThread(deps(), job() as never, 'token')).toBe('synced');
    await notify('firing', 4);
    await syncThread(deps(), job() as never, 'token');
    expect(replies().map((m) => m.text)).toEqual(['IstioHigh5xxErrorRate: still firing, 4 alerts']);
    // The fake keeps earlier versions of an edited message in `edits`.
    expect(replies()[0]!.edits.map((e) => e.text)).toEqual(['IstioHigh5xxErrorRate: still firing, 2 alerts']);
    expect(JSON.stringify(replies()[0]!.blocks)).toContain('Last notification 09:30:00 UTC · 2 notifications for this group so far');

    await notify('resolved', 0);
    await syncThread(deps(), job() as never, 'token');
    // A second delivery of the same resolution changes nothing.
    await syncThread(deps(), job() as never, 'token');
    expect(replies().map((m) => m.text)).toEqual(['IstioHigh5xxErrorRate: still firing, 4 alerts', 'Resolved: IstioHigh5xxErrorRate']);
    expect(parent().text).toBe('Resolved · prod-east: 1 failing check');
    expect(JSON.stringify(parent().blocks)).toContain(':white_check_mark: *Resolved* at 09:30:00 UTC · *IstioHigh5xxErrorRate*');
    expect(JSON.stringify(parent().blocks)).toContain(':red_circle: *prod-east*: 1 failing check');
  });

  it('says "firing again" in a new reply and restores the parent when a resolved group fires again', async () => {
    await notify('resolved', 0);
    await syncThread(deps(), job() as never, 'token');
    await notify('firing', 1);
    await syncThread(deps(), job() as never, 'token');
    expect(replies().map((m) => m.text)).toEqual(['Resolved: IstioHigh5xxErrorRate', 'IstioHigh5xxErrorRate: firing again, 1 alert']);
    expect(parent().text).toBe(verdict.text);
    expect(parent().edits.map((e) => e.text)).toEqual([verdict.text, `Resolved · ${verdict.text}`]);
    // The next repeat edits the "firing again" reply rather than adding one.
    await notify('firing', 3);
    await syncThread(deps(), job() as never, 'token');
    expect(replies().map((m) => m.text)).toEqual(['Resolved: IstioHigh5xxErrorRate', 'IstioHigh5xxErrorRate: still firing, 3 alerts']);
  });

  it('posts a new status reply when someone deleted the old one', async () => {
    await notify('firing', 1);
    await syncThread(deps(), job() as never, 'token');
    const first = replies()[0]!;
    await createSlackClient({ botToken: slack.botToken, signingSecret: 'unused', apiUrl: slack.url }).chat.delete({ channel: CHANNEL, ts: first.ts });
    await notify('firing', 2);
    await syncThread(deps(), job() as never, 'token');
    expect(replies().map((m) => m.text)).toEqual(['IstioHigh5xxErrorRate: still firing, 2 alerts']);
    expect(replies()[0]!.ts).not.toBe(first.ts);
  });

  it('waits for a diagnosis that has not finished, then gives up waiting after the limit', async () => {
    await notify('resolved', 0);
    diagnosis = 'active';
    const waiting = job();
    await expect(syncThread(deps(), waiting as never, 'token')).rejects.toBeInstanceOf(DelayedError);
    expect(waiting.delayed).toHaveLength(1);
    expect(replies()).toEqual([]);
    // Past maxWaitMs (15 min by default) the thread is updated anyway.
    const stale = job(Date.now() - 16 * 60_000);
    expect(await syncThread(deps(), stale as never, 'token')).toBe('synced');
    expect(replies().map((m) => m.text)).toEqual(['Resolved: IstioHigh5xxErrorRate']);
  });

  it('does nothing for an incident it does not know', async () => {
    const unknown = { ...job(), data: { incident: 'prod-east-ffffffffffffffffffff' } };
    expect(await syncThread(deps(), unknown as never, 'token')).toBe('no-incident');
    expect(replies()).toEqual([]);
  });
});
