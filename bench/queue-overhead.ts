// Benchmark 5 (issue 8): what a diagnosis costs in the queue. The same cluster (a generated mesh
// served by the sandbox API server) is diagnosed directly — `diagnose()` in a process of its own,
// as benchmark 2 does — and through the pipeline a person uses: enqueue (the bot's producer) →
// BullMQ → `mesh-medic worker` (its own process) → parent message, progress, report in the
// thread, verdict, all on the fake Slack Web API (bench/lib/queued-diagnosis.ts, which benchmark 2
// also uses for its "first progress" and "report in thread" columns). The difference, and where it
// goes, is the queue's and Slack's share.

import { fileURLToPath } from 'node:url';
import type { RunnerInit, RunnerRun } from './children/diagnose-runner.ts';
import type { SandboxStarted } from './children/sandbox-server.ts';
import { startChild } from './lib/child.ts';
import { measureQueued, type QueuedRun, queuedMetrics } from './lib/queued-diagnosis.ts';
import { medianP99, table } from './lib/report.ts';
import { round, summarize } from './lib/stats.ts';
import type { BenchCase, BenchContext, Benchmark, BenchOutcome, BenchResult } from './lib/types.ts';

interface Params {
  pods: number;
  runs: number;
}

const FULL: Params = { pods: 5_000, runs: 5 };
const QUICK: Params = { pods: 200, runs: 2 };
const WARMUP = 1;

const child = (name: string) => fileURLToPath(new URL(`./children/${name}`, import.meta.url));

async function directRuns(ctx: BenchContext, registryPath: string, cluster: string, runs: number): Promise<{ init: RunnerInit; runs: RunnerRun[] }> {
  const runner = startChild(child('diagnose-runner.ts'), { cwd: ctx.root });
  try {
    const init = await runner.request<RunnerInit>({ type: 'init', registryPath, cluster });
    const out: RunnerRun[] = [];
    for (let i = 0; i < WARMUP + runs; i++) {
      const r = await runner.request<RunnerRun>({ type: 'run' });
      ctx.log(`    direct ${i < WARMUP ? 'warm-up' : `${i - WARMUP + 1}/${runs}`}: ${Math.round(r.wallMs)} ms`);
      if (i >= WARMUP) out.push(r);
    }
    return { init, runs: out };
  } finally {
    await runner.stop();
  }
}

interface Measured {
  started: SandboxStarted;
  init: RunnerInit;
  direct: RunnerRun[];
  queued: QueuedRun[];
}

async function measure(ctx: BenchContext, prm: Params): Promise<Measured> {
  const sandbox = startChild(child('sandbox-server.ts'), { cwd: ctx.root });
  try {
    const started = await sandbox.request<SandboxStarted>({ type: 'start', layout: 'single', pods: prm.pods, seed: 1 });
    const cluster = started.clusters[0]?.name;
    if (!cluster) throw new Error('the sandbox serves no cluster');
    ctx.log(`  ${prm.pods} pods: ${started.objects} objects served`);
    const { init, runs: direct } = await directRuns(ctx, started.registryPath, cluster, prm.runs);
    const queued = await measureQueued({ registryPath: started.registryPath, cluster, runs: prm.runs, warmup: WARMUP, root: ctx.root, log: ctx.log });
    return { started, init, direct, queued };
  } finally {
    await sandbox.stop();
  }
}

function toCase(m: Measured, prm: Params): BenchCase {
  const queued = queuedMetrics(m.queued);
  const direct = summarize(m.direct.map((r) => r.wallMs), 'ms');
  const verdict = queued.verdictMs;
  return {
    name: `${prm.pods.toLocaleString('en-US')} pods: diagnose() directly vs enqueue → worker → verdict in Slack`,
    parameters: { pods: prm.pods, objects: m.started.objects, checks: m.init.runnable },
    runs: m.queued.length,
    warmup: WARMUP,
    metrics: {
      directMs: direct,
      ...queued,
      // What the queue path costs beyond the same diagnosis called directly (medians).
      reportingMs: summarize(m.queued.map((r) => r.verdictMs - r.firstReportPartMs), 'ms'),
    },
    facts: {
      overheadMs: round(verdict.median - direct.median),
      overheadPercent: round((100 * (verdict.median - direct.median)) / direct.median),
      reportParts: m.queued[0]?.reportParts ?? null,
      progressUpdates: m.queued[0]?.progressUpdates ?? null,
    },
  };
}

function limits(c: BenchCase): string {
  const med = (k: string) => c.metrics[k]?.median ?? 0;
  const diagnosisInWorker = round(med('firstReportPartMs') - med('parentPostedMs'));
  return (
    `The queue itself is cheap: the enqueue takes ${med('enqueueMs')} ms and the idle worker has the job ${med('pickedUpMs')} ms after ` +
    `it was added (BullMQ's blocking wait wakes on the add). Before diagnosing, the worker posts the parent message and records it ` +
    `(${med('parentPostedMs')} ms after the enqueue). The diagnosis inside the worker then takes about ${diagnosisInWorker} ms ` +
    `(parent posted → first report part, which includes rendering the report and the fix proposals) against ${med('directMs')} ms ` +
    `directly; posting the ${c.facts.reportParts} report part(s), the last result and the verdict edit take ${med('reportingMs')} ms more. ` +
    `${overheadSentence(c)} Against real Slack each Web API call costs ~100 ms or more, and a worker paces its posts to about one ` +
    `per second per channel after a burst of 3 (Slack's limit; a diagnosis posts a parent, progress edits, the report and a verdict ` +
    `edit), so the Slack share grows there; the queue's does not.`
  );
}

/** The end-to-end difference, called noise when it is inside the spread of the direct runs. */
function overheadSentence(c: BenchCase): string {
  const direct = c.metrics.directMs;
  const overhead = Number(c.facts.overheadMs);
  const spread = direct ? round(direct.max - direct.min) : 0;
  if (Math.abs(overhead) <= spread) {
    return (
      `End to end the person waits ${overhead} ms (${c.facts.overheadPercent}%) more than diagnose() alone takes, which is inside ` +
      `the spread of the direct runs themselves (${direct?.min}–${direct?.max} ms): the queue and the Slack posts cost too little to tell apart here.`
    );
  }
  return (
    `End to end the person waits ${overhead} ms (${c.facts.overheadPercent}%) more than diagnose() alone takes: Slack round trips, the ` +
    `effects records that make a rerun post nothing twice, and the worker's own event loop, not BullMQ.`
  );
}

function markdown(result: BenchResult): string {
  const rows = table(
    ['case', 'runs', 'diagnose() directly', 'enqueue', 'picked up', 'parent posted', 'first progress', 'report in thread', 'verdict (end to end)', 'overhead'],
    result.cases.map((c) => [
      c.name,
      c.runs,
      medianP99(c.metrics.directMs),
      medianP99(c.metrics.enqueueMs),
      medianP99(c.metrics.pickedUpMs),
      medianP99(c.metrics.parentPostedMs),
      medianP99(c.metrics.firstProgressMs),
      medianP99(c.metrics.reportInThreadMs),
      medianP99(c.metrics.verdictMs),
      `${c.facts.overheadMs} ms (${c.facts.overheadPercent}%)`,
    ]),
  );
  return `${rows}\n\nAll times in ms (median / p99) from just before the enqueue call; "diagnose() directly" is the same diagnosis in a process of its own.`;
}

export const queueOverhead: Benchmark = {
  id: 'queue-overhead',
  number: 5,
  title: 'Queue overhead: a diagnosis through BullMQ vs the same checks called directly',
  markdown,
  targets: [{ what: 'time in BullMQ per diagnosis', limit: 'reported' }],
  async run(ctx: BenchContext): Promise<BenchOutcome> {
    const prm = ctx.quick ? QUICK : FULL;
    const m = await measure(ctx, prm);
    const c = toCase(m, prm);
    const queueMs = round((c.metrics.enqueueMs?.median ?? 0) + (c.metrics.pickedUpMs?.median ?? 0));
    return {
      status: 'done',
      parameters: {
        ...prm,
        warmupRuns: WARMUP,
        base: 'healthy-single scenario + generateApps (as benchmark 2)',
        processes: 'sandbox API server (child); diagnose-runner (child, direct runs); `node bin/mesh-medic.js worker --concurrency 1` (its own process); private redis-server; producer and fake Slack Web API in this process',
      },
      targets: [
        {
          what: 'time in BullMQ per diagnosis (enqueue + wait until a worker has it), median',
          limit: 'reported',
          measured: `${queueMs} ms`,
          met: null,
        },
        {
          what: 'end to end through the queue vs diagnose() directly, medians',
          limit: 'reported',
          measured: `${c.metrics.verdictMs?.median} ms vs ${c.metrics.directMs?.median} ms (+${c.facts.overheadMs} ms)`,
          met: null,
        },
      ],
      cases: [c],
      limits: limits(c),
      notes: [
        'The direct runs and the worker read the same sandbox cluster with a fresh live snapshot source per diagnosis (kubeconfig, TLS, concurrency 6).',
        'The worker posts progress at most once a second (its default); "first progress" is the first edit of the parent message, pushed when the first check finishes (after the snapshot was read) but sent only when the worker\'s event loop gets a turn, i.e. after the last check (benchmark 2 shows it at every size).',
        'Slack is the fake Web API on 127.0.0.1, so Slack calls cost ~1 ms here instead of ~100 ms.',
        'Each run posts in a channel of its own: the worker paces posts to about one per second per channel after a burst of 3 (Slack\'s limit), which a diagnosis\'s own posts (parent, progress, report, verdict) can still meet; back-to-back runs in one channel would also wait out the previous run\'s posts.',
      ],
    };
  },
};
