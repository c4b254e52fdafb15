// Alert-triggered diagnosis end to end, with the real Alertmanager (Debian's 0.25) posting its
// webhooks to the real bot's /alerts: alerts go in through Alertmanager's API, and what a person
// would see comes out in the fake Slack workspace. Behind the bot: a real redis-server, the real
// worker, and sandbox clusters replaying hosted-xds-timeout (hosted-east posts in its own channel).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockTexts } from '../bot/harness.ts';
import { type TestAlertmanager, startAlertmanager, webhookReceiver } from './alertmanager.ts';
import { ALERT_TOKEN, type AlertHarness, DEFAULT_CHANNEL, EAST_CHANNEL, postWebhook, startAlertHarness, webhookPayload } from './harness.ts';

let h: AlertHarness;
let am: TestAlertmanager;

function alertmanagerConfig(alertsUrl: string): string {
  return [
    'route:',
    '  receiver: mesh-medic',
    '  group_by: [cluster, alertname]',
    '  group_wait: 100ms',
    '  group_interval: 100ms',
    '  repeat_interval: 1s',
    '  routes:',
    '    - receiver: wrong-token',
    '      matchers: [\'test_route="wrong-token"\']',
    '      group_interval: 1s',
    'receivers:',
    webhookReceiver('mesh-medic', alertsUrl, ALERT_TOKEN),
    webhookReceiver('wrong-token', alertsUrl, 'not-the-token-mesh-medic-expects'),
    '',
  ].join('\n');
}

beforeAll(async () => {
  h = await startAlertHarness();
  am = await startAlertmanager(alertmanagerConfig(h.alertsUrl));
});

afterAll(async () => {
  await am?.close();
  await h?.stop();
});

const gatewayAlert = (pod: string, extra: { startsAt?: string; endsAt?: string } = {}) => ({
  labels: { alertname: 'IstioGatewayNotReady', cluster: 'hosted-east', namespace: 'istio-system', pod },
  annotations: { summary: `gateway ${pod} is not ready` },
  ...extra,
});
const allText = (m: { text: string; blocks: unknown[] }) => [m.text, ...blockTexts(m.blocks)].join('\n');
const parents = (channel: string) => h.slack.messages(channel).filter((m) => !m.thread_ts);
const replies = (channel: string, ts: string) => h.slack.thread(channel, ts).slice(1);
const totalJobs = async () => Object.values(await h.bot.producer.withQueue((q) => q.getJobCounts())).reduce((a, b) => a + b, 0);

let parentTs = '';

describe('a group of firing alerts', () => {
  it('starts exactly one diagnosis, posted in the cluster\'s channel, naming the alert', async () => {
    await am.post([gatewayAlert('istio-ingressgateway-a'), gatewayAlert('istio-ingressgateway-b')]);
    const parent = await h.slack.waitFor((s) => s.messages(EAST_CHANNEL).find((m) => !m.thread_ts && /failing check/.test(m.text)), 30_000);
    parentTs = parent.ts;
    expect(parent.edits[0]?.text).toBe('Diagnosing hosted-east: reading the cluster for 21 checks');
    expect(allText(parent)).toMatch(/hosted-east\*: 3 failing checks \(critical: .*`istiod-remote-endpoints`/);
    expect(allText(parent)).toContain('Requested by Alertmanager: IstioGatewayNotReady (2 firing)');

    const report = replies(EAST_CHANNEL, parent.ts).map(allText).join('\n');
    expect(report).toContain('Diagnosis of hosted-east');
    expect(report).toContain('Started by alert *IstioGatewayNotReady*: the checks its playbooks name are listed first.');
    expect(report).toMatch(/FAIL\* · critical · `istiod-remote-endpoints`/);
    // Passing checks the alert explains come before the others in the collapsed line.
    const passed = report.split('\n').find((l) => l.startsWith(':white_check_mark: Passed')) ?? '';
    expect(passed.indexOf('`remote-discovery-service`')).toBeGreaterThan(0);
    expect(passed.indexOf('`remote-discovery-service`')).toBeLessThan(passed.indexOf('`app-starts-before-proxy`'));

    expect(parents(EAST_CHANNEL)).toHaveLength(1);
    expect(h.slack.messages(DEFAULT_CHANNEL)).toEqual([]);
    const jobs = await h.bot.producer.withQueue((q) => q.getJobs(['completed', 'active', 'waiting', 'delayed', 'failed']));
    expect(jobs.map((j) => (j.data as { trigger: string }).trigger)).toEqual(['alert']);
  });
});

describe('repeat notifications', () => {
  it('update that thread ("still firing, N alerts") instead of starting another diagnosis', async () => {
    // repeat_interval is 1 s: Alertmanager keeps re-sending the unchanged group.
    const status = await h.slack.waitFor(() => replies(EAST_CHANNEL, parentTs).find((m) => /still firing, 2 alerts/.test(m.text)), 20_000);
    // A third alert joins the group: Alertmanager sends the changed group, the same reply is edited.
    await am.post([gatewayAlert('istio-ingressgateway-a'), gatewayAlert('istio-ingressgateway-b'), gatewayAlert('istio-ingressgateway-c')]);
    await h.slack.waitFor((s) => s.messages(EAST_CHANNEL).find((m) => m.ts === status.ts && /still firing, 3 alerts/.test(m.text)), 20_000);

    const thread = replies(EAST_CHANNEL, parentTs);
    expect(thread.filter((m) => /still firing/.test(m.text))).toHaveLength(1);
    expect(allText(thread.find((m) => m.ts === status.ts)!)).toMatch(/\d+ notifications for this group so far · the diagnosis above is not repeated/);
    expect(parents(EAST_CHANNEL)).toHaveLength(1);
    expect(await totalJobs()).toBe(1);
  });
});

describe('a resolved notification', () => {
  it('replies in the thread and marks the parent resolved, keeping its verdict', async () => {
    const startsAt = new Date(Date.now() - 60_000).toISOString();
    const endsAt = new Date(Date.now() - 5_000).toISOString();
    await am.post(['a', 'b', 'c'].map((p) => gatewayAlert(`istio-ingressgateway-${p}`, { startsAt, endsAt })));
    const resolved = await h.slack.waitFor(() => replies(EAST_CHANNEL, parentTs).find((m) => m.text.startsWith('Resolved:')), 20_000);
    expect(allText(resolved)).toContain(':white_check_mark: *Resolved*: every alert of *IstioGatewayNotReady* in this group stopped firing');
    const parent = await h.slack.waitFor((s) => s.messages(EAST_CHANNEL).find((m) => m.ts === parentTs && m.text.startsWith('Resolved · ')), 20_000);
    expect(allText(parent)).toMatch(/:white_check_mark: \*Resolved\* at \d\d:\d\d:\d\d UTC · \*IstioGatewayNotReady\*/);
    expect(allText(parent)).toMatch(/hosted-east\*: 3 failing checks/);

    expect(replies(EAST_CHANNEL, parentTs).filter((m) => m.text.startsWith('Resolved:'))).toHaveLength(1);
    expect(parents(EAST_CHANNEL)).toHaveLength(1);
    expect(await totalJobs()).toBe(1);
  });
});

describe('a webhook with the wrong token', () => {
  it('gets 401 from the bot, directly and from Alertmanager, and starts nothing', async () => {
    const before = await totalJobs();
    const direct = await postWebhook(h.alertsUrl, webhookPayload({ cluster: 'hosted-cp' }), 'not-the-token-mesh-medic-expects');
    expect(direct.status).toBe(401);
    expect(await direct.json()).toEqual({ error: 'missing or wrong bearer token' });
    expect((await postWebhook(h.alertsUrl, webhookPayload({ cluster: 'hosted-cp' }), null)).status).toBe(401);

    await am.post([{ labels: { alertname: 'IstiodDown', cluster: 'hosted-cp', test_route: 'wrong-token' } }]);
    for (let i = 0; i < 200 && !/unexpected status code 401/.test(am.output()); i++) await new Promise((r) => setTimeout(r, 50));
    expect(am.output()).toMatch(/Notify for alerts failed.*unexpected status code 401/);
    const metrics = await (await fetch(`${h.bot.http.url}/metrics`)).text();
    expect(metrics).toMatch(/mesh_medic_alert_notifications_total\{outcome="unauthorized"\} [3-9]|mesh_medic_alert_notifications_total\{outcome="unauthorized"\} \d\d/);
    expect(await totalJobs()).toBe(before);
    expect(h.slack.messages(DEFAULT_CHANNEL)).toEqual([]);
    expect(h.logs.join('')).not.toContain(ALERT_TOKEN);
  });
});
