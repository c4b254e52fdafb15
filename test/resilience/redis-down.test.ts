// Redis going away in the middle of a diagnosis. test/bot/slash-commands.test.ts already covers
// Redis down when a command arrives ("queue unavailable, nothing was started", /readyz 503, the
// bot recovering by itself); this adds the harder case: Redis stops while a worker is inside a
// diagnosis, and comes back. The running diagnosis must finish with one parent and one report,
// the bot must stay up and honest while Redis is away, and new commands must work afterwards.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntilReady } from '../../src/redis/connections.ts';
import { finishedParent, parentsOf, queueIdle, type Rig, recordedParent, reportOf, slash, startRig, startWorker, totalJobs, until } from './harness.ts';

let rig: Rig;

beforeAll(async () => {
  rig = await startRig({ scenarios: ['hosted-xds-timeout'], appendonly: true });
  startWorker(rig);
});

afterAll(async () => {
  await rig?.stop();
});

describe('Redis restarted in the middle of a diagnosis', () => {
  it('finishes the running diagnosis once, answers "queue unavailable" meanwhile, and takes new work after', async () => {
    const east = rig.sandbox.cluster('hosted-east');
    // The read of pods is held for 3 s, so Redis goes away while the worker is diagnosing.
    east.faults.addRule({ match: { verb: 'list', resource: 'pods' }, action: { delayMs: 3000 } });
    expect((await slash(rig, 'diagnose hosted-east')).ackText).toContain('Queued a diagnosis of *hosted-east*');
    const recorded = await recordedParent(rig, 'hosted-east');

    await rig.redis.stop('SIGTERM');
    try {
      const refused = await slash(rig, 'diagnose hosted-cp');
      expect(refused.status).toBe(200);
      expect(refused.ack?.response_type).toBe('ephemeral');
      expect(refused.ackText).toContain('Queue unavailable, nothing was started');
      expect((await fetch(`${rig.bot.http.url}/readyz`)).status).toBe(503);
      expect((await fetch(`${rig.bot.http.url}/healthz`)).status).toBe(200);
      // Redis stays away until the worker has its pods and goes on to record what it found.
      await until('the worker to receive its pods', () => east.requestLog.entries().some((e) => e.verb === 'list' && e.resource === 'pods'));
    } finally {
      await rig.redis.start();
    }
    expect(await waitUntilReady(rig.bot.redis, 10_000)).toBe(true);

    const done = await finishedParent(rig, 'hosted-east');
    expect(done.ts).toBe(recorded.ts);
    expect(done.text).toMatch(/^hosted-east: 3 failing checks/);
    const report = reportOf(rig, done.ts).join('\n');
    expect(report.match(/^Diagnosis of hosted-east$/gm)).toHaveLength(1);
    expect(report.match(/FAIL\* · critical · `istiod-remote-endpoints`/g)).toHaveLength(1);
    await east.faults.clear();
    await queueIdle(rig);

    // The bot recovered by itself: the next command is queued and completed.
    expect((await slash(rig, 'diagnose hosted-cp')).ackText).toContain('Queued a diagnosis of *hosted-cp*');
    const cp = await finishedParent(rig, 'hosted-cp');
    expect(cp.text).toMatch(/^hosted-cp: no failing checks/);
    expect((await fetch(`${rig.bot.http.url}/readyz`)).status).toBe(200);
    // The refused request left no trace: two requests queued, two jobs, two parents.
    expect(await totalJobs(rig)).toBe(2);
    expect(parentsOf(rig)).toHaveLength(2);
  });
});
