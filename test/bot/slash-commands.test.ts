// `/mesh` end to end, as a person in Slack experiences it: signed slash commands go to the real
// Bolt receiver of the real bot, jobs go through a real redis-server to a real worker, which reads
// sandbox clusters replaying the hosted-xds-timeout incident and posts to the fake Slack Web API.
// Assertions read the fake's channel, thread and ephemeral state: what a person would see.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntilReady } from '../../src/redis/connections.ts';
import { blockActionsBody, buttonClickPayload, nowSeconds, postToBolt } from '../helpers/slack-signing.ts';
import { BOT_TOKEN, blockTexts, CHANNEL, type Harness, OTHER_CHANNEL, redisDump, SIGNING_SECRET, slash, startHarness, totalJobs, USER } from './harness.ts';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ scenarios: ['hosted-xds-timeout'], appendonly: true });
});

afterAll(async () => {
  await h?.stop();
});

/** Top-level messages of a channel (thread replies left out). */
const parents = (channel = CHANNEL) => h.slack.messages(channel).filter((m) => !m.thread_ts);
const allText = (m: { text: string; blocks: unknown[] }) => [m.text, ...blockTexts(m.blocks)].join('\n');

/** The parent message of `cluster` once it shows a verdict (the one with ts `ts` if given). */
async function finishedParent(cluster: string, ts?: string) {
  return h.slack.waitFor(
    (s) =>
      s
        .messages(CHANNEL)
        .find((m) => !m.thread_ts && (ts === undefined || m.ts === ts) && m.text.startsWith(`${cluster}:`) && /failing check/.test(m.text)),
    20_000,
  );
}

/** Until no diagnosis is waiting or running (the worker finishes jobs after their last post). */
async function queueIdle(): Promise<void> {
  for (;;) {
    const c = await h.bot.producer.withQueue((q) => q.getJobCounts('active', 'waiting', 'delayed', 'prioritized'));
    if (Object.values(c).every((n) => n === 0)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('/mesh diagnose, end to end', () => {
  it('acks with a confirmation, posts a parent message that moves, threads the report and ends with the verdict', async () => {
    const res = await slash(h, 'diagnose hosted-east');
    expect(res.status).toBe(200);
    expect(res.ack?.response_type).toBe('ephemeral');
    expect(res.ackText).toContain('Queued a diagnosis of *hosted-east* (21 checks)');

    const parent = await finishedParent('hosted-east');
    // The parent first said it was reading the cluster, then showed progress, then the verdict.
    expect(parent.edits[0]?.text).toBe('Diagnosing hosted-east: reading the cluster for 21 checks');
    expect(parent.edits.some((e) => /^Diagnosing hosted-east: \d+\/21 checks done/.test(e.text))).toBe(true);
    expect(allText(parent)).toMatch(/hosted-east\*: 3 failing checks \(critical: .*`istiod-remote-endpoints`/);
    expect(allText(parent)).toContain('Requested by <@U0ONCALL01>');

    const thread = h.slack.thread(CHANNEL, parent.ts);
    const report = thread.slice(1).map(allText).join('\n');
    expect(report).toContain('Diagnosis of hosted-east');
    expect(report).toMatch(/FAIL\* · critical · `istiod-remote-endpoints`/);
    // Its evidence: the hosted istiod's Pod IP in the istiod-remote Endpoints...
    expect(report).toContain('10.234.95.141');
    // ...and the playbook excerpt that says what to do about it.
    expect(report).toContain('Workload cluster cannot reach the hosted control plane');
    expect(report).toContain('LoadBalancer IP');
    expect(parents().filter((m) => m.ts === parent.ts)).toHaveLength(1);
  });

  it('lists the cluster with its last result in /mesh clusters, and the run in /mesh status', async () => {
    await queueIdle();
    const clustersRes = await slash(h, 'clusters');
    expect(clustersRes.status).toBe(200);
    const listed = await h.slack.waitFor((s) => s.ephemerals(CHANNEL).find((m) => m.via === 'response_url' && m.text.includes('registered clusters')));
    const text = blockTexts(listed.blocks).join('\n');
    expect(text).toMatch(/\*hosted-east\* · mesh `ywistio` · remote · last: 3 fail · just now/);
    expect(text).toMatch(/\*hosted-cp\* · mesh `ywistio` · control-plane · not diagnosed yet/);

    await slash(h, 'status hosted-east');
    const status = await h.slack.waitFor((s) => s.ephemerals(CHANNEL).find((m) => m.via === 'response_url' && /recent diagnoses/.test(m.text)));
    const statusText = blockTexts(status.blocks).join('\n');
    expect(statusText).toMatch(/:white_check_mark: \*hosted-east\* · 3 failing \(`gateway-readiness`/);
    expect(statusText).toContain('requested by <@U0ONCALL01>');
    expect(statusText).toMatch(/<https:\/\/mesh-medic-fake\.slack\.test\/archives\/C0INCIDENTS\/p\d+\|thread>/);
  });

  it('joins a diagnosis that is already running instead of starting another', async () => {
    const east = h.sandbox.cluster('hosted-east');
    // Every read of hosted-east's pods takes 3 s, so the run is still going when the next requests come.
    east.faults.addRule({ match: { verb: 'list', resource: 'pods' }, action: { delayMs: 3000 } });
    try {
      const jobsBefore = await totalJobs(h);
      const parentsBefore = parents().length;
      const first = await slash(h, 'diagnose hosted-east');
      expect(first.ackText).toContain('Queued a diagnosis of *hosted-east*');
      const running = await h.slack.waitFor((s) =>
        s.messages(CHANNEL).find((m) => !m.thread_ts && m.text === 'Diagnosing hosted-east: reading the cluster for 21 checks'),
      );

      const second = await slash(h, 'diagnose hosted-east gateway-readiness', { user: 'U0SECOND02' });
      expect(second.status).toBe(200);
      expect(second.ackText).toContain('*hosted-east* is already being diagnosed, so this request joins that run');
      expect(second.ackText).toContain(`archives/${CHANNEL}/p${running.ts.replace('.', '')}|thread>`);
      // Asked from another channel, the answer names the channel the run is in.
      const third = await slash(h, 'diagnose hosted-east', { channel: OTHER_CHANNEL });
      expect(third.ackText).toContain(`in <#${CHANNEL}>`);
      // The one who joined gets a note, only they see, in the running thread.
      const note = await h.slack.waitFor((s) => s.ephemerals(CHANNEL).find((m) => m.user === 'U0SECOND02' && m.thread_ts === running.ts));
      expect(note.text).toBe('Your diagnosis request joined this run');

      await finishedParent('hosted-east', running.ts);
      // Three requests, one job, one parent message, nothing in the other channel.
      expect(await totalJobs(h)).toBe(jobsBefore + 1);
      expect(parents()).toHaveLength(parentsBefore + 1);
      expect(h.slack.messages(OTHER_CHANNEL)).toEqual([]);
    } finally {
      await east.faults.clear();
    }
  });
});

describe('a cluster that refuses to be read', () => {
  it('reports what failed as findings and still finishes the diagnosis', async () => {
    const cp = h.sandbox.cluster('hosted-cp');
    cp.faults.addRule({ match: { verb: 'list', resource: 'pods' }, action: { status: 403, message: 'pods is forbidden for mesh-medic' } });
    try {
      const res = await slash(h, 'diagnose hosted-cp');
      expect(res.ackText).toContain('Queued a diagnosis of *hosted-cp*');
      const parent = await h.slack.waitFor((s) => s.messages(CHANNEL).find((m) => !m.thread_ts && m.text.startsWith('hosted-cp:')), 20_000);
      expect(parent.text).toMatch(/could not decide/);
      const report = h.slack.thread(CHANNEL, parent.ts).slice(1).map(allText).join('\n');
      expect(report).toMatch(/\*ERROR\* · critical · `control-plane-health`\ncould not read pods from cluster hosted-cp: forbidden/);
      expect(report).toContain('pods is forbidden for mesh-medic');
    } finally {
      await cp.faults.clear();
    }
  });
});

describe('requests that must not start anything', () => {
  it('answers 401 to unsigned, wrongly signed and replayed requests, and enqueues nothing', async () => {
    const before = await totalJobs(h);
    const parentsBefore = parents().length;
    const unsigned = await slash(h, 'diagnose hosted-cp', { signature: null });
    const wrongSecret = await slash(h, 'diagnose hosted-cp', { secret: 'not-the-signing-secret' });
    const forged = await slash(h, 'diagnose hosted-cp', { signature: `v0=${'a'.repeat(64)}` });
    const replayed = await slash(h, 'diagnose hosted-cp', { timestamp: nowSeconds() - 6 * 60 });
    expect([unsigned.status, wrongSecret.status, forged.status, replayed.status]).toEqual([401, 401, 401, 401]);
    expect([unsigned.ack, wrongSecret.ack, forged.ack, replayed.ack]).toEqual([undefined, undefined, undefined, undefined]);
    expect(await totalJobs(h)).toBe(before);
    expect(parents()).toHaveLength(parentsBefore);
  });

  it('refuses an unknown cluster naming the known ones and the closest, and enqueues nothing', async () => {
    const before = await totalJobs(h);
    const res = await slash(h, 'diagnose hosted-eats');
    expect(res.status).toBe(200);
    expect(res.ack?.response_type).toBe('ephemeral');
    expect(res.ackText).toBe(':warning: Unknown cluster `hosted-eats`. Did you mean `hosted-east`? Known clusters: `hosted-cp`, `hosted-east`.');
    expect(await totalJobs(h)).toBe(before);
  });

  it('refuses unknown checks and malformed commands with a useful answer', async () => {
    const before = await totalJobs(h);
    const check = await slash(h, 'diagnose hosted-east istiod-remote-endpoint');
    expect(check.ackText).toContain('Unknown check `istiod-remote-endpoint`. Did you mean `istiod-remote-endpoints`?');
    const typo = await slash(h, 'diagnse hosted-east');
    expect(typo.ackText).toContain('Unknown command `diagnse`. Did you mean `diagnose`?');
    const hostile = await slash(h, 'diagnose <!channel> *boom*');
    expect(hostile.ackText).toContain('is not a valid cluster name');
    expect(hostile.ackText).not.toContain('<!channel>');
    const missing = await slash(h, 'diagnose');
    expect(missing.ackText).toContain('Which cluster? Usage: `/mesh diagnose <cluster> [check-id ...]`'.replace('<cluster>', '&lt;cluster&gt;'));
    expect(await totalJobs(h)).toBe(before);
  });

  it('answers help and playbook at once, and refuses a button that names no proposal of its message', async () => {
    const help = await slash(h, 'help');
    expect(help.ackText).toContain('`/mesh diagnose <cluster> [check-id ...]`'.replace('<cluster>', '&lt;cluster&gt;'));
    const playbook = await slash(h, 'playbook hosted-control-plane-address');
    expect(playbook.ackText).toContain('Workload cluster cannot reach the hosted control plane');
    expect(playbook.ackText).toContain('*Why it happens*');
    const unknown = await slash(h, 'playbook hosted-control-plane-adress');
    expect(unknown.ackText).toContain('Unknown playbook `hosted-control-plane-adress`. Did you mean `hosted-control-plane-address`?');

    const click = buttonClickPayload({
      actionId: 'remediation_approve',
      value: 'proposal-1',
      messageTs: '1700000000.000100',
      responseUrl: h.slack.responseUrl({ channel: CHANNEL, user: USER }),
    });
    const res = await postToBolt(h.bot.eventsUrl, SIGNING_SECRET, blockActionsBody(click));
    expect(res.status).toBe(200);
    const answer = await h.slack.waitFor((s) => s.ephemerals(CHANNEL).find((m) => m.text.includes('does not belong to a proposal')));
    expect(answer.text).toContain('nothing was done');
  });
});

describe('operations', () => {
  it('serves /healthz, /readyz and /metrics on the bot port, and 404 for /alerts while alerts are off', async () => {
    const base = h.bot.http.url;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, checks: { redis: 'ok', registry: 'ok (2 clusters)' } });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/mesh_medic_diagnosis_requests_total\{outcome="queued"\} [1-9]/);
    expect(metrics).toMatch(/mesh_medic_diagnosis_requests_total\{outcome="joined"\} [1-9]/);
    expect(metrics).toMatch(/mesh_medic_diagnoses_total\{trigger="slack",outcome="done"\} [1-9]/);
    expect(metrics).toMatch(/mesh_medic_queue_jobs\{state="completed"\} [1-9]/);
    expect((await fetch(`${base}/alerts`, { method: 'POST', body: '[]' })).status).toBe(404);
    expect((await fetch(`${base}/slack/events`)).status).toBe(405);
  });

  it('keeps the bot token, the signing secret and cluster credentials out of logs, messages and Redis', async () => {
    const logs = h.logs.join('');
    expect(logs).toContain('diagnosis finished');
    const posted = JSON.stringify([h.slack.messages(), h.slack.ephemerals()]);
    const stored = await redisDump(h);
    // Redis holds the jobs (ids and names) and what the workers recorded, nothing else.
    expect(stored).toMatch(/mesh-medic:diagnose:hosted-east-\S+ \{.*cluster\\":\\"hosted-east/);
    expect(stored).toMatch(/mesh-medic:effects:hosted-east-\S+ \{.*"parentTs":"\d+\.\d+"/);
    const clusterTokens = [...h.sandbox.clusters.values()].map((c) => c.token);
    for (const secret of [BOT_TOKEN, SIGNING_SECRET, ...clusterTokens]) {
      expect(logs).not.toContain(secret);
      expect(posted).not.toContain(secret);
      expect(stored).not.toContain(secret);
    }
    expect(stored).not.toContain('certificate-authority-data');
  });
});

describe('Redis down', () => {
  it('answers "queue unavailable, nothing was started", reports not ready, and recovers by itself when Redis returns', async () => {
    const before = await totalJobs(h);
    await h.redis.stop();
    try {
      const res = await slash(h, 'diagnose hosted-cp');
      expect(res.status).toBe(200);
      expect(res.ack?.response_type).toBe('ephemeral');
      expect(res.ackText).toContain('Queue unavailable, nothing was started');
      expect((await fetch(`${h.bot.http.url}/readyz`)).status).toBe(503);
      // /mesh clusters still lists the registry, without last results.
      await slash(h, 'clusters');
      const listed = await h.slack.waitFor((s) => s.ephemerals(CHANNEL).find((m) => blockTexts(m.blocks).join().includes('unknown (queue unavailable)')));
      expect(blockTexts(listed.blocks).join('\n')).toContain('*hosted-cp*');
    } finally {
      await h.redis.start();
    }
    // The append-only file kept every job: none was added while Redis was down.
    expect(await waitUntilReady(h.bot.redis, 10_000)).toBe(true);
    expect(await totalJobs(h)).toBe(before);

    const res = await slash(h, 'diagnose hosted-cp');
    expect(res.ackText).toContain('Queued a diagnosis of *hosted-cp*');
    const parent = await h.slack.waitFor(
      (s) => s.messages(CHANNEL).find((m) => !m.thread_ts && m.text.startsWith('hosted-cp: no failing checks') && !m.text.includes('could not decide')),
      20_000,
    );
    expect(allText(parent)).toContain(':white_check_mark: *hosted-cp*: no failing checks');
  });
});
