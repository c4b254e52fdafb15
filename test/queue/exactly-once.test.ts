// At-least-once execution, exactly-once effect: the diagnosis processor run again for the same
// job — as BullMQ does after a worker died or an attempt failed — must not post a second parent
// message or a second report. Real redis-server, real BullMQ jobs, the fake Slack Web API; the
// clusters are the hosted-xds-timeout scenario read offline (no API server needed here).

import { Queue, UnrecoverableError } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { offlineSnapshotSource, registryFromSpecs } from '../../src/k8s/snapshot-source.ts';
import { EffectsStore } from '../../src/queue/effects.ts';
import { readLastResults, saveLastResult } from '../../src/queue/last-results.ts';
import { DIAGNOSE_QUEUE, QUEUE_PREFIX } from '../../src/queue/names.ts';
import { DiagnosisProducer } from '../../src/queue/producer.ts';
import { closeRedis, createRedisConnection, waitUntilReady } from '../../src/redis/connections.ts';
import { loadScenarios } from '../../src/sandbox/scenarios.ts';
import { silentLogger } from '../../src/server/logger.ts';
import { loadPlaybooksOrWarn, playbookLookup } from '../../src/server/playbooks.ts';
import { createSlackClient, SlackNotifier } from '../../src/slack/notify.ts';
import { createDiagnoseProcessor } from '../../src/workers/diagnose-processor.ts';
import type { DiagnoseProcessorDeps, ProcessorStep } from '../../src/workers/types.ts';
import { type RunningFakeSlackApi, startFakeSlackApi } from '../fakes/slack-api.ts';
import { startRedis, type TestRedis } from '../helpers/redis.ts';

const CHANNEL = 'C0INCIDENTS';
const USER = 'U0ONCALL01';

let redis: TestRedis;
let slack: RunningFakeSlackApi;
let fast: Redis;
let worker: Redis;
let producer: DiagnosisProducer;
let queue: Queue;
let deps: DiagnoseProcessorDeps;

beforeAll(async () => {
  redis = await startRedis();
  slack = await startFakeSlackApi();
  fast = createRedisConnection(redis.url, 'request-path', { name: 'test-bot' });
  worker = createRedisConnection(redis.url, 'worker', { name: 'test-worker' });
  expect(await waitUntilReady(fast, 5000)).toBe(true);
  producer = new DiagnosisProducer(fast);
  // A Queue for reading jobs back as real BullMQ Job objects (no Worker: the test runs the processor).
  queue = new Queue(DIAGNOSE_QUEUE, { connection: worker, prefix: QUEUE_PREFIX });
  const specs = loadScenarios(['hosted-xds-timeout']).flatMap((s) => s.clusters);
  const registry = registryFromSpecs(specs);
  const logger = silentLogger();
  deps = {
    loadRegistry: () => registry,
    sourceFor: () => offlineSnapshotSource(specs),
    slack: new SlackNotifier(createSlackClient({ botToken: slack.botToken, signingSecret: 'unused-here', apiUrl: slack.url }), { intervalMs: 50 }),
    effects: new EffectsStore(worker),
    saveLastResult: (r) => saveLastResult(worker, r),
    playbookFor: playbookLookup(loadPlaybooksOrWarn(logger)),
    progressIntervalMs: 50,
    logger,
  };
});

afterAll(async () => {
  await queue?.close();
  await producer?.close();
  if (fast) await closeRedis(fast);
  if (worker) await closeRedis(worker);
  await slack?.close();
  await redis?.close();
});

beforeEach(async () => {
  slack.reset();
  await worker.flushall();
});

/** A real job in the queue, as the bot enqueues it, read back as BullMQ hands it to a worker. */
async function enqueue(cluster = 'hosted-east') {
  const outcome = await producer.enqueue({ cluster, checks: [], channel: CHANNEL, requestedBy: USER, trigger: 'slack', responseUrl: slack.responseUrl({ channel: CHANNEL, user: USER }) });
  expect(outcome.kind).toBe('queued');
  const job = await queue.getJob(outcome.jobId);
  if (!job) throw new Error('job not found');
  return job;
}

/** The worker "dies" right after `step` (the n-th time it is reached). */
function dieAfter(step: ProcessorStep, nth = 1) {
  let seen = 0;
  return (s: ProcessorStep) => {
    if (s === step && ++seen === nth) throw new Error(`worker died after ${step}`);
  };
}

const topLevel = () => slack.messages(CHANNEL).filter((m) => !m.thread_ts);
const replies = () => slack.messages(CHANNEL).filter((m) => m.thread_ts);

describe('a diagnosis job run again after an interruption', () => {
  it.each([
    ['the parent message was posted', 'parent-posted' as const],
    ['the diagnosis ran', 'diagnosed' as const],
    ['the report was posted', 'report-part-posted' as const],
    ['the verdict was shown', 'finished' as const],
  ])('posts one parent and one report when it died after %s', async (_what, step) => {
    const job = await enqueue();
    await expect(createDiagnoseProcessor({ ...deps, afterStep: dieAfter(step) })(job)).rejects.toThrow(`worker died after ${step}`);
    const result = await createDiagnoseProcessor(deps)(job);
    expect(result.failing).toEqual(['gateway-readiness', 'gateway-xds-unreachable', 'istiod-remote-endpoints']);

    const [parent, ...others] = topLevel();
    expect(others).toEqual([]);
    expect(parent?.text).toMatch(/^hosted-east: 3 failing checks/);
    const thread = slack.thread(CHANNEL, parent!.ts);
    const reports = thread.slice(1);
    expect(reports.length).toBeGreaterThan(0);
    expect(reports.filter((m) => m.text.startsWith('Diagnosis of hosted-east:'))).toHaveLength(1);
    expect(replies()).toEqual(reports);
  });

  it('does nothing visible when a finished job runs once more', async () => {
    const job = await enqueue();
    await createDiagnoseProcessor(deps)(job);
    const before = { messages: slack.messages(), calls: slack.calls.filter((c) => c.method.startsWith('chat.')).length };
    await createDiagnoseProcessor(deps)(job);
    expect(slack.messages()).toEqual(before.messages);
    expect(slack.calls.filter((c) => c.method === 'chat.postMessage')).toHaveLength(before.messages.length);
  });

  it('keeps the first run\'s report on a rerun instead of diagnosing again', async () => {
    const job = await enqueue();
    let diagnoses = 0;
    const counting = {
      ...deps,
      sourceFor: (r: Parameters<DiagnoseProcessorDeps['sourceFor']>[0]) => {
        diagnoses++;
        return deps.sourceFor(r);
      },
    };
    await expect(createDiagnoseProcessor({ ...counting, afterStep: dieAfter('report-part-posted') })(job)).rejects.toThrow();
    await createDiagnoseProcessor(counting)(job);
    expect(diagnoses).toBe(1);
    const last = (await readLastResults(worker)).get('hosted-east');
    expect(last).toMatchObject({ state: 'done', failing: ['gateway-readiness', 'gateway-xds-unreachable', 'istiod-remote-endpoints'], jobId: job.id });
  });
});

describe('failures a retry cannot fix', () => {
  it('tells the requester through their response_url when the channel cannot be posted to, and does not retry', async () => {
    const job = await enqueue();
    slack.failNext('chat.postMessage', 'not_in_channel');
    await expect(createDiagnoseProcessor(deps)(job)).rejects.toBeInstanceOf(UnrecoverableError);
    const told = await slack.waitFor((s) => s.ephemerals(CHANNEL).find((m) => m.user === USER));
    expect(told.text).toContain('Could not diagnose *hosted-east*: mesh-medic cannot post in that channel (not\u200b_\u200bin\u200b_\u200bchannel)');
    expect(topLevel()).toEqual([]);
  });

  it('marks the parent message as failed when the cluster left the registry before a retry', async () => {
    const job = await enqueue();
    await expect(createDiagnoseProcessor({ ...deps, afterStep: dieAfter('parent-posted') })(job)).rejects.toThrow();
    const gone = { ...deps, loadRegistry: () => ({ ...deps.loadRegistry(), clusters: [] }) };
    await expect(createDiagnoseProcessor(gone)(job)).rejects.toBeInstanceOf(UnrecoverableError);
    const [parent, ...others] = topLevel();
    expect(others).toEqual([]);
    expect(parent?.text).toBe('Diagnosis of hosted-east failed');
    expect(JSON.stringify(parent?.blocks)).toContain("unknown cluster 'hosted-east'");
    expect((await readLastResults(worker)).get('hosted-east')).toMatchObject({ state: 'failed', jobId: job.id });
  });

  it('marks the parent message as failed after the last attempt, without leaking internals', async () => {
    const job = await enqueue();
    const lastAttempt = { id: job.id, data: job.data, attemptsMade: 2, opts: { attempts: 3 }, updateProgress: (p: { done: number; total: number }) => job.updateProgress(p) };
    const crash = { ...deps, afterStep: (step: ProcessorStep) => {
      if (step === 'diagnosed') throw new TypeError('cannot read properties of undefined (secret internals)');
    } };
    await expect(createDiagnoseProcessor(crash)(lastAttempt)).rejects.toBeInstanceOf(UnrecoverableError);
    const [parent] = topLevel();
    expect(parent?.text).toBe('Diagnosis of hosted-east failed');
    expect(JSON.stringify(parent?.blocks)).toContain('internal error (see the worker log)');
    expect(JSON.stringify(parent?.blocks)).not.toContain('secret internals');
  });
});
