// Benchmark 3's worker part: every cluster of the mesh diagnosed end to end by `mesh-medic worker`
// processes. One `/mesh diagnose` job per cluster is enqueued through the bot's producer while the
// workers wait idle; the clock runs from just before the first enqueue until every cluster's parent
// message shows its verdict in the fake Slack (the report is posted in the thread before that).

import { performance } from 'node:perf_hooks';
import type { SandboxLog } from '../children/sandbox-server.ts';
import {
  BENCH_USER,
  clearRound,
  isReportPart,
  type MeshMedicProcess,
  type Pipeline,
  recordSlack,
  spawnMeshMedic,
  startPipeline,
  until,
} from './pipeline.ts';

export interface WorkerRun {
  workers: number;
  wallMs: number;
  firstVerdictMs: number;
  /** Parent messages that ended in a verdict / in "Diagnosis of … failed". */
  verdicts: number;
  failed: number;
  reportParts: number;
  /** Per job, processedOn → finishedOn (BullMQ's clock). */
  jobMs: number[];
  /** Diagnoses enqueued (one per cluster). */
  jobs: number;
  /** What the sandbox logged during this run (from WorkerPlan.afterRun). */
  sandbox?: SandboxLog;
}

export interface WorkerPlan {
  workerCounts: number[];
  runs: number;
  /** `--concurrency` of each worker process. */
  concurrency: number;
  timeoutMs: number;
  /** Extra environment of the worker processes. */
  env: Record<string, string>;
  /** Called once the run's workers are up, just before its first enqueue (reset the sandbox log). */
  beforeRun?: () => Promise<void>;
  /** Called when the run is over: what the sandbox logged during it. */
  afterRun?: () => Promise<SandboxLog>;
}

const finishedUpdate = (c: { method: string; text: string }) => c.method === 'chat.update' && !/^Diagnosing /.test(c.text);

/**
 * Each cluster's report goes to a channel of its own, new in every run: the worker paces posts to
 * about one per second per channel, as Slack asks, so 25 reports in one channel would measure that
 * pacing (~100 posts at 1/s) rather than the diagnoses.
 */
const channelOf = (run: number, i: number) => `C0B${run}X${i}`;
let runCounter = 0;

async function oneRun(p: Pipeline, clusters: string[], workers: number, timeoutMs: number): Promise<WorkerRun> {
  const run = ++runCounter;
  await clearRound(p);
  const rec = recordSlack(p);
  try {
    const t0 = performance.now();
    const outcomes = await Promise.all(
      clusters.map((cluster, i) => p.producer.enqueue({ cluster, checks: [], channel: channelOf(run, i), requestedBy: BENCH_USER, trigger: 'slack' })),
    );
    const done = () => new Set(rec.calls.filter(finishedUpdate).map((c) => `${c.channel} ${c.ts}`)).size;
    await until(`${clusters.length} verdicts in Slack`, () => done() >= clusters.length, timeoutMs);
    const finished = rec.calls.filter(finishedUpdate);
    const wallMs = (finished.at(-1)?.at ?? t0) - t0;
    // A job is finished a moment after its verdict is posted (the effects record comes last).
    const jobs = await until(
      'every job finished',
      async () => {
        const all = await Promise.all(outcomes.map((o) => p.queue.getJob(o.jobId)));
        return all.every((j) => j?.finishedOn) ? all : undefined;
      },
      30_000,
    );
    const jobMs = jobs.flatMap((j) => (j?.processedOn && j.finishedOn ? [j.finishedOn - j.processedOn] : []));
    return {
      workers,
      wallMs,
      firstVerdictMs: (finished[0]?.at ?? t0) - t0,
      verdicts: finished.filter((c) => !/^Diagnosis of .* failed/.test(c.text)).length,
      failed: finished.filter((c) => /^Diagnosis of .* failed/.test(c.text)).length,
      reportParts: rec.calls.filter(isReportPart).length,
      jobMs,
      jobs: outcomes.length,
    };
  } finally {
    rec.stop();
  }
}

export async function measureWorkers(
  ctx: { root: string; log: (line: string) => void },
  registryPath: string,
  clusters: string[],
  plan: WorkerPlan,
): Promise<WorkerRun[]> {
  const pipeline = await startPipeline();
  const out: WorkerRun[] = [];
  try {
    for (const n of plan.workerCounts) {
      for (let r = 0; r < plan.runs; r++) {
        // Fresh worker processes for every run: what one run read of the peers (a worker keeps it
        // for MESH_MEDIC_PEER_CACHE_SECONDS) must not make the next one cheaper.
        const procs: MeshMedicProcess[] = [];
        try {
          for (let i = 0; i < n; i++) {
            procs.push(
              await spawnMeshMedic(pipeline, 'worker', { clustersPath: registryPath, root: ctx.root, args: ['--concurrency', String(plan.concurrency)], env: plan.env }),
            );
          }
          await plan.beforeRun?.();
          const run = await oneRun(pipeline, clusters, n, plan.timeoutMs);
          run.sandbox = await plan.afterRun?.();
          ctx.log(`    ${n} worker process(es), run ${r + 1}/${plan.runs}: ${Math.round(run.wallMs)} ms for ${run.jobs} diagnoses (first verdict ${Math.round(run.firstVerdictMs)} ms, ${run.failed} failed)`);
          out.push(run);
        } finally {
          await Promise.all(procs.map((w) => w.stop()));
        }
      }
    }
    return out;
  } finally {
    await pipeline.stop();
  }
}
