// From notifications to incidents, with a real redis-server and real BullMQ queues: one diagnosis
// per (cluster, group) per window, repeats and resolutions handed to the alert-sync worker, alerts
// for unknown clusters reported once per group in the default channel, not dropped.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checksForAlerts } from '../../src/alerts/check-order.ts';
import { startAlertWorker } from '../../src/alerts/index.ts';
import { loadPlaybooks } from '../../src/playbooks/index.ts';
import { parseDiagnoseJob } from '../../src/queue/jobs.ts';
import { silentLogger } from '../../src/server/logger.ts';
import { createSlackClient, SlackNotifier } from '../../src/slack/notify.ts';
import { type RunningFakeSlackApi, startFakeSlackApi } from '../fakes/slack-api.ts';
import { startRedis, type TestRedis } from '../helpers/redis.ts';
import { postWebhook, webhookPayload } from './harness.ts';
import { DEFAULT_CHANNEL, EAST_CHANNEL, type ReceiverUnderTest, startReceiver } from './receiver-setup.ts';

let redis: TestRedis;
let receiver: ReceiverUnderTest;

beforeAll(async () => {
  redis = await startRedis();
  receiver = await startReceiver(redis.url, { settings: { windowMs: 1000 } });
});

afterAll(async () => {
  await receiver?.close();
  await redis?.close();
});

interface Accepted {
  status: string;
  incidents: { cluster: string | null; outcome: string; jobId?: string }[];
}

async function notify(body: unknown, url = receiver.url): Promise<Accepted['incidents']> {
  const res = await postWebhook(url, body);
  expect(res.status).toBe(202);
  return ((await res.json()) as Accepted).incidents;
}

const diagnoseJobs = () => receiver.producer.withQueue((q) => q.getJobs(['waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed']));

describe('a firing group of a registered cluster', () => {
  it('queues one diagnosis, in the cluster\'s channel, naming the alert and the checks it explains', async () => {
    const group = webhookPayload({ cluster: 'prod-east', groupKey: 'group-east-1', pods: ['gw-a', 'gw-b'] });
    const outcomes = [...(await notify(group)), ...(await notify(group)), ...(await notify(group))];
    expect(outcomes.map((o) => o.outcome)).toEqual(['diagnosis-queued', 'thread-update-queued', 'thread-update-queued']);
    expect(new Set(outcomes.map((o) => o.jobId)).size).toBe(1);

    const jobs = await diagnoseJobs();
    expect(jobs).toHaveLength(1);
    const data = parseDiagnoseJob(jobs[0]!.data);
    expect(data).toMatchObject({
      cluster: 'prod-east',
      channel: EAST_CHANNEL,
      checks: [],
      trigger: 'alert',
      requestedBy: 'Alertmanager: IstioGatewayNotReady (2 firing)',
    });
    expect(data.alert).toEqual({
      incident: expect.stringMatching(/^prod-east-[0-9a-f]{20}$/),
      names: ['IstioGatewayNotReady'],
      firing: 2,
      checks: checksForAlerts(loadPlaybooks(), ['IstioGatewayNotReady']),
    });
    // The two repeats became one waiting thread update (deduplicated: it reads the latest state).
    expect((await receiver.jobCounts()).sync).toBe(1);
  });

  it('posts in MESH_MEDIC_CHANNEL when the cluster has no channel of its own', async () => {
    const [result] = await notify(webhookPayload({ cluster: 'prod-west', groupKey: 'group-west-1' }));
    expect(result?.outcome).toBe('diagnosis-queued');
    const job = (await diagnoseJobs()).find((j) => j.id === result?.jobId);
    expect(parseDiagnoseJob(job?.data).channel).toBe(DEFAULT_CHANNEL);
  });

  it('starts a new diagnosis once the window has passed', async () => {
    const group = webhookPayload({ cluster: 'prod-west', groupKey: 'group-west-window' });
    const [first] = await notify(group);
    const [repeat] = await notify(group);
    expect([first?.outcome, repeat?.outcome]).toEqual(['diagnosis-queued', 'thread-update-queued']);
    await new Promise((r) => setTimeout(r, 1100)); // the window of this receiver is 1 s
    const [later] = await notify(group);
    expect(later?.outcome).toBe('diagnosis-queued');
    expect(later?.jobId).not.toBe(first?.jobId);
  });

  it('reads the cluster from the configured label', async () => {
    const custom = await startReceiver(redis.url, { settings: { clusterLabel: 'k8s_cluster' } });
    try {
      const payload = webhookPayload({ groupKey: 'group-custom-label' });
      for (const a of payload.alerts) a.labels.k8s_cluster = 'prod-east';
      const [result] = await notify(payload, custom.url);
      expect(result).toMatchObject({ cluster: 'prod-east', outcome: 'diagnosis-queued' });
    } finally {
      await custom.close();
    }
  });
});

describe('a resolved group', () => {
  it('is handed to the worker when it started a diagnosis, and ignored when it did not', async () => {
    const firing = webhookPayload({ cluster: 'prod-east', groupKey: 'group-east-resolve' });
    const [started] = await notify(firing);
    const [resolved] = await notify(webhookPayload({ cluster: 'prod-east', groupKey: 'group-east-resolve', status: 'resolved' }));
    expect(resolved).toEqual({ cluster: 'prod-east', outcome: 'resolve-queued', jobId: started?.jobId });
    const [never] = await notify(webhookPayload({ cluster: 'prod-east', groupKey: 'group-never-fired', status: 'resolved' }));
    expect(never).toEqual({ cluster: 'prod-east', outcome: 'no-incident' });
  });
});

describe('alerts for clusters mesh-medic does not know', () => {
  let slack: RunningFakeSlackApi;
  let worker: ReturnType<typeof startAlertWorker>;

  beforeAll(async () => {
    slack = await startFakeSlackApi();
    const poster = new SlackNotifier(createSlackClient({ botToken: slack.botToken, signingSecret: 'unused', apiUrl: slack.url }));
    worker = startAlertWorker({ redisUrl: redis.url, slack: poster, logger: silentLogger() });
  });

  afterAll(async () => {
    await worker?.close();
    await slack?.close();
  });

  it('are reported once per group in the default channel, with the known clusters', async () => {
    const before = (await diagnoseJobs()).length;
    const typo = webhookPayload({ cluster: 'prod-eats', groupKey: 'group-typo' });
    const outcomes = [...(await notify(typo)), ...(await notify(typo)), ...(await notify(typo))];
    expect(outcomes.map((o) => o.outcome)).toEqual(['unknown-cluster', 'unknown-cluster', 'unknown-cluster']);
    const hostile = webhookPayload({ cluster: '<!channel> *boom*', groupKey: 'group-hostile' });
    await notify(hostile);
    await notify(webhookPayload({ groupKey: 'group-no-label' }));
    // A resolution of a group that was never diagnosed says nothing more.
    await notify(webhookPayload({ cluster: 'prod-eats', groupKey: 'group-typo', status: 'resolved' }));

    // One notice job per group, however often the group was sent.
    const noticeJobs = await receiver.syncQueue.getJobs(['waiting', 'active', 'delayed', 'completed', 'failed']);
    expect(noticeJobs.filter((j) => j.name === 'unknown-cluster')).toHaveLength(3);
    const notices = await slack.waitFor((s) => (s.messages(DEFAULT_CHANNEL).length >= 3 ? s.messages(DEFAULT_CHANNEL) : undefined));
    expect(notices).toHaveLength(3);
    const text = (m: (typeof notices)[number]) => JSON.stringify(m.blocks);
    const typoNotice = notices.find((m) => m.text.includes('prod-eats'))!;
    expect(text(typoNotice)).toContain('for cluster `prod-eats`, which is not registered in clusters.yaml. Nothing was diagnosed.');
    expect(text(typoNotice)).toContain('Known clusters: `prod-east`, `prod-west`. Did you mean `prod-east`?');
    const hostileNotice = notices.find((m) => m.text.includes('boom'))!;
    expect(text(hostileNotice)).toContain('`&lt;!channel&gt; *boom*`');
    expect(text(hostileNotice)).not.toContain('<!channel>');
    const unlabelled = notices.find((m) => m.text.includes('without a cluster label'))!;
    expect(text(unlabelled)).toContain('without a `cluster` label, so mesh-medic cannot tell which cluster to diagnose');
    expect((await diagnoseJobs()).length).toBe(before);
  });

  it('are only logged when there is no default channel, and a known cluster without a channel is refused', async () => {
    const quiet = await startReceiver(redis.url, { defaultChannel: null });
    try {
      expect(await notify(webhookPayload({ cluster: 'prod-nowhere', groupKey: 'group-quiet' }), quiet.url)).toEqual([
        { cluster: 'prod-nowhere', outcome: 'unknown-cluster-unreported' },
      ]);
      expect(await notify(webhookPayload({ cluster: 'prod-west', groupKey: 'group-west-quiet' }), quiet.url)).toEqual([
        { cluster: 'prod-west', outcome: 'no-channel' },
      ]);
    } finally {
      await quiet.close();
    }
  });
});

describe('one notification naming several clusters', () => {
  it('becomes one incident per cluster', async () => {
    const payload = webhookPayload({ cluster: 'prod-east', groupKey: 'group-mixed', pods: ['a', 'b', 'c'] });
    payload.alerts[1]!.labels.cluster = 'prod-west';
    payload.alerts[2]!.labels.cluster = 'prod-unknown';
    payload.commonLabels = { alertname: 'IstioGatewayNotReady' };
    const results = await notify(payload);
    expect(results.map((r) => `${r.cluster}:${r.outcome}`)).toEqual(['prod-east:diagnosis-queued', 'prod-west:diagnosis-queued', 'prod-unknown:unknown-cluster']);
  });
});
