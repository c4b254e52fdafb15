// One cluster diagnosed the way a person asks for it, timed from the Slack side: enqueue through
// the bot's producer → BullMQ → `mesh-medic worker` (its own process) → parent message, progress
// edits, report in the thread and verdict on the fake Slack Web API. Benchmark 5 compares it with
// diagnose() called directly; benchmark 2 reports its Slack columns per mesh size.

import { performance } from 'node:perf_hooks';
import {
  BENCH_CHANNEL,
  BENCH_USER,
  clearRound,
  isParentPost,
  isProgress,
  isReportPart,
  isVerdict,
  type Pipeline,
  recordSlack,
  type SlackCall,
  spawnMeshMedic,
  startPipeline,
  until,
} from './pipeline.ts';
import { type Summary, summarize } from './stats.ts';

/** One run through the queue, in ms from just before the enqueue call. */
export interface QueuedRun {
  enqueueMs: number;
  /** BullMQ's own timestamps (Date.now() in producer and worker), relative to the enqueue call. */
  pickedUpMs: number;
  parentPostedMs: number;
  /** null: the worker sent no progress edit in this run. */
  firstProgressMs: number | null;
  firstReportPartMs: number;
  /** The last report part posted in the thread. */
  reportInThreadMs: number;
  verdictMs: number;
  reportParts: number;
  progressUpdates: number;
}

export interface QueuedPlan {
  /** clusters.yaml the worker reads (the sandbox's registry). */
  registryPath: string;
  cluster: string;
  runs: number;
  /** Runs done first and discarded (a fresh worker's first diagnosis pays for loading code). */
  warmup: number;
  /** Repository root: the worker runs `bin/mesh-medic.js` from it. */
  root: string;
  log: (line: string) => void;
  /** Called before each run (warm-up included), e.g. to reset the API server's request log. */
  beforeRun?: () => Promise<void>;
  /** Called after each run (warm-up included) with whether it is measured. */
  afterRun?: (run: QueuedRun, measured: boolean) => Promise<void>;
}

/** How long one diagnosis may take to reach its verdict before the benchmark gives up. */
const VERDICT_TIMEOUT_MS = 300_000;

/**
 * A private redis-server, the fake Slack Web API and one `mesh-medic worker --concurrency 1`,
 * started for this plan and stopped after it; returns the measured runs (warm-up excluded).
 */
export async function measureQueued(plan: QueuedPlan): Promise<QueuedRun[]> {
  const pipeline = await startPipeline();
  try {
    const worker = await spawnMeshMedic(pipeline, 'worker', { clustersPath: plan.registryPath, root: plan.root, args: ['--concurrency', '1'] });
    try {
      const measured: QueuedRun[] = [];
      for (let i = 0; i < plan.warmup + plan.runs; i++) {
        await plan.beforeRun?.();
        const run = await queuedOnce(pipeline, plan.cluster, i);
        const isMeasured = i >= plan.warmup;
        await plan.afterRun?.(run, isMeasured);
        plan.log(`    queued ${isMeasured ? `${i - plan.warmup + 1}/${plan.runs}` : 'warm-up'}: ${describeRun(run)}`);
        if (isMeasured) measured.push(run);
      }
      return measured;
    } finally {
      await worker.stop();
    }
  } finally {
    await pipeline.stop();
  }
}

function describeRun(q: QueuedRun): string {
  const ms = (v: number | null) => (v === null ? 'none' : `${Math.round(v)} ms`);
  return `picked up ${ms(q.pickedUpMs)}, first progress ${ms(q.firstProgressMs)}, report ${ms(q.firstReportPartMs)}, verdict ${ms(q.verdictMs)}`;
}

/**
 * A new channel per run: the worker paces posts to about one per second per channel (Slack's
 * limit), and back-to-back runs in one channel would wait out the previous run's posts.
 */
async function queuedOnce(p: Pipeline, cluster: string, run: number): Promise<QueuedRun> {
  await clearRound(p);
  const rec = recordSlack(p);
  try {
    const wall0 = Date.now();
    const t0 = performance.now();
    const outcome = await p.producer.enqueue({ cluster, checks: [], channel: `${BENCH_CHANNEL}${run}`, requestedBy: BENCH_USER, trigger: 'slack' });
    const enqueueMs = performance.now() - t0;
    const verdict = await until('the verdict in the parent message', () => rec.calls.find(isVerdict), VERDICT_TIMEOUT_MS);
    const job = await until(
      'the finished job',
      async () => {
        const j = await p.queue.getJob(outcome.jobId);
        return j?.finishedOn ? j : undefined;
      },
      30_000,
    );
    return timeline(rec.calls, t0, enqueueMs, (job.processedOn ?? wall0) - wall0, verdict);
  } finally {
    rec.stop();
  }
}

function timeline(calls: SlackCall[], t0: number, enqueueMs: number, pickedUpMs: number, verdict: SlackCall): QueuedRun {
  const rel = (c: SlackCall | undefined) => (c ? c.at - t0 : Number.NaN);
  const parts = calls.filter(isReportPart);
  const progress = calls.filter(isProgress);
  return {
    enqueueMs,
    pickedUpMs,
    parentPostedMs: rel(calls.find(isParentPost)),
    firstProgressMs: progress.length > 0 ? rel(progress[0]) : null,
    firstReportPartMs: rel(parts[0]),
    reportInThreadMs: rel(parts.at(-1)),
    verdictMs: rel(verdict),
    reportParts: parts.length,
    progressUpdates: progress.length,
  };
}

/** Median / p99 of each step over the runs, keyed as both benchmarks' results name them. */
export interface QueuedMetrics {
  enqueueMs: Summary;
  pickedUpMs: Summary;
  parentPostedMs: Summary;
  /** Over the runs that had a progress edit; absent when none had (a summary needs samples). */
  firstProgressMs?: Summary;
  firstReportPartMs: Summary;
  reportInThreadMs: Summary;
  verdictMs: Summary;
}

export function queuedMetrics(runs: readonly QueuedRun[]): QueuedMetrics {
  const q = (pick: (r: QueuedRun) => number, digits = 1) => summarize(runs.map(pick), 'ms', digits);
  const progress = runs.map((r) => r.firstProgressMs).filter((v): v is number => v !== null);
  return {
    enqueueMs: q((r) => r.enqueueMs, 2),
    pickedUpMs: q((r) => r.pickedUpMs),
    parentPostedMs: q((r) => r.parentPostedMs),
    ...(progress.length > 0 ? { firstProgressMs: summarize(progress, 'ms') } : {}),
    firstReportPartMs: q((r) => r.firstReportPartMs),
    reportInThreadMs: q((r) => r.reportInThreadMs),
    verdictMs: q((r) => r.verdictMs),
  };
}
