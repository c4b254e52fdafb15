// The benchmark harness end to end, in --quick mode (small meshes): it starts the real sandbox API
// server and diagnosing child processes, and must write well-formed results. Benchmarks are not
// tests: nothing here looks at how fast anything was, only at what a reader of the results sees.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BenchResults } from '../../bench/lib/types.ts';
import { benchCommand } from '../../src/cli/bench-command.ts';
import type { CliIo } from '../../src/cli/io.ts';
import { isMeshMedicError } from '../../src/domain/errors.ts';

let out: string;
let results: BenchResults;
let markdown: string;
let exitCode: number;
/** After a second run with --only multi-cluster into the same directory. */
let merged: BenchResults;
/** After a third run with --only 1 4 5 (the Slack pipeline benchmarks) into the same directory. */
let pipeline: BenchResults;
let pipelineMarkdown: string;
const stdout: string[] = [];
const stderr: string[] = [];

const io = (): CliIo => ({
  stdout: (t) => stdout.push(t),
  stderr: (t) => stderr.push(t),
  cwd: out,
  isTTY: false,
  env: {},
});

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'bench-smoke-'));
  // --out is relative to the command's working directory.
  exitCode = await benchCommand(['--quick', '--only', 'diagnosis-scale', '--out', 'results'], io());
  results = JSON.parse(readFileSync(join(out, 'results', 'results.json'), 'utf8')) as BenchResults;
  markdown = readFileSync(join(out, 'results', 'RESULTS.md'), 'utf8');
  expect(await benchCommand(['--quick', '--only', '3', '--out', 'results'], io())).toBe(0);
  merged = JSON.parse(readFileSync(join(out, 'results', 'results.json'), 'utf8')) as BenchResults;
  expect(await benchCommand(['--quick', '--only', '1', '--only', 'alert-storm', '--only', '5', '--out', 'results'], io())).toBe(0);
  pipeline = JSON.parse(readFileSync(join(out, 'results', 'results.json'), 'utf8')) as BenchResults;
  pipelineMarkdown = readFileSync(join(out, 'results', 'RESULTS.md'), 'utf8');
}, 400_000);

afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('mesh-medic bench --quick --only diagnosis-scale', () => {
  it('exits 0 and says where it wrote the results', () => {
    expect(exitCode, stderr.join('')).toBe(0);
    expect(stdout.join('')).toContain(join(out, 'results', 'results.json'));
  });

  it('records the machine: cores, CPU, Node version, date and load average', () => {
    const m = results.machine;
    expect(results.schema).toBe(1);
    expect(results.mode).toBe('quick');
    expect(m.cores).toBe(cpus().length);
    expect(m.cpuModel).toBe(cpus()[0]?.model.trim());
    expect(m.node).toBe(process.version);
    expect(Number.isNaN(Date.parse(m.date))).toBe(false);
    for (const l of [m.loadAverage.start, m.loadAverage.end]) {
      expect(l).toHaveLength(3);
      for (const v of l) expect(v).toBeGreaterThanOrEqual(0);
    }
  });

  it('lists all five benchmarks of issue 8 in order; those not selected are skipped with their targets', () => {
    expect(results.benchmarks.map((b) => [b.number, b.id])).toEqual([
      [1, 'slash-ack'],
      [2, 'diagnosis-scale'],
      [3, 'multi-cluster'],
      [4, 'alert-storm'],
      [5, 'queue-overhead'],
    ]);
    for (const b of results.benchmarks.filter((x) => [1, 4, 5].includes(x.number))) {
      expect(b.status).toBe('skipped');
      expect(b.statusNote).toMatch(/--only/);
      expect(b.targets.length).toBeGreaterThan(0);
      expect(b.targets.every((t) => t.met === null && t.measured === null)).toBe(true);
    }
    // Not selected by --only, and nothing earlier to keep.
    expect(results.benchmarks[2]).toMatchObject({ id: 'multi-cluster', status: 'skipped', cases: [] });
  });

  it('measures every size with median and p99 over the runs, warm-up excluded', () => {
    const b = results.benchmarks.find((x) => x.id === 'diagnosis-scale')!;
    expect(b.status).toBe('done');
    expect(b.cases.map((c) => c.parameters.pods)).toEqual([100, 400]);
    for (const c of b.cases) {
      expect(c.warmup).toBe(1);
      for (const name of ['wallMs', 'loadMs', 'checksMs', 'apiCalls', 'clientCpuMs', 'serverCpuMs']) {
        const s = c.metrics[name]!;
        expect(s, name).toBeDefined();
        expect(s.n).toBe(c.runs);
        expect(s.samples).toHaveLength(c.runs);
        expect(s.min).toBeLessThanOrEqual(s.median);
        expect(s.median).toBeLessThanOrEqual(s.p99);
        expect(s.p99).toBeLessThanOrEqual(s.max);
      }
      expect(c.metrics.wallMs!.unit).toBe('ms');
      expect(Number(c.facts.peakRssMB)).toBeGreaterThan(Number(c.facts.baselineRssMB) - 1);
      expect(c.pending).toBeUndefined();
    }
  });

  it('times every size through the queue and a worker to the first progress edit, the report in the thread and the verdict', () => {
    const b = results.benchmarks.find((x) => x.id === 'diagnosis-scale')!;
    for (const c of b.cases) {
      const m = (k: string) => c.metrics[k]!.median;
      for (const name of ['firstProgressMs', 'firstReportPartMs', 'verdictMs']) expect(c.metrics[name]?.n, name).toBe(c.runs);
      // The order a person sees things in the thread.
      expect(m('parentPostedMs')).toBeLessThanOrEqual(m('firstProgressMs'));
      expect(m('firstProgressMs')).toBeLessThanOrEqual(m('firstReportPartMs'));
      expect(m('firstReportPartMs')).toBeLessThanOrEqual(m('verdictMs'));
      expect(Number(c.facts.reportParts)).toBeGreaterThan(0);
      // The worker's diagnosis reads what the direct one reads.
      expect(c.facts.workerApiCallsMatch).toBe(true);
    }
    for (const what of ['time to the first progress update', 'time to the report in the Slack thread']) {
      expect(b.targets.find((t) => t.what.startsWith(what))).toMatchObject({ measured: expect.stringMatching(/^100: [\d.]+ \/ [\d.]+ ms, 400: /), met: true });
    }
  });

  it('finds the API calls equal to pages of the kinds read plus log reads, with no per-object reads', () => {
    const b = results.benchmarks.find((x) => x.id === 'diagnosis-scale')!;
    for (const c of b.cases) {
      expect(c.facts.apiCallsMatch).toBe(true);
      expect(c.facts.sandboxApiCalls).toBe(c.facts.expectedApiCalls);
      expect(c.metrics.apiCalls!.median).toBe(c.facts.expectedApiCalls);
      expect(c.facts.perObjectReads).toBe(0);
      expect(c.facts.failedRequests).toBe(0);
      // A healthy generated mesh: a correct diagnosis fails nothing.
      expect(c.facts.failOrErrorFindings).toBe(0);
    }
    const calls = b.targets.find((t) => t.what.startsWith('API calls'))!;
    expect(calls.met).toBe(true);
  });

  it('writes RESULTS.md with the machine, a row per size with its Slack columns, and pending benchmarks marked', () => {
    expect(markdown).toContain(`${cpus().length} × ${cpus()[0]?.model.trim()}`);
    expect(markdown).toContain('## 2. Single-cluster diagnosis on generated meshes');
    expect(markdown).toMatch(/^\| 100 \| \d+ \| 2 \| [\d.]+ \/ [\d.]+ \|/m);
    expect(markdown).toMatch(/^\| 400 \| \d+ \| 2 \| /m);
    // The last two columns: first progress and report in the thread, median / p99.
    expect(markdown).toMatch(/^\| 100 \| .* \| [\d.]+ \/ [\d.]+ \| [\d.]+ \/ [\d.]+ \|$/m);
    expect(markdown).not.toContain('| pending |');
    expect(markdown).toMatch(/^\| 1 \| Slash-command ack latency .* \| skipped \|/m);
    expect(markdown).toContain('**What limits it.**');
  });

  it('--only another benchmark keeps the earlier results of the others and measures the mesh, engine and workers', () => {
    const before = results.benchmarks.find((b) => b.id === 'diagnosis-scale')!;
    expect(merged.benchmarks.find((b) => b.id === 'diagnosis-scale')).toEqual(before);
    const mesh = merged.benchmarks.find((b) => b.id === 'multi-cluster')!;
    expect(mesh.status).toBe('done');
    expect(mesh.cases.map((c) => [c.parameters.clusters, c.parameters.workers])).toEqual([
      [3, undefined],
      [3, undefined],
      [3, 1],
      [3, 2],
    ]);
    for (const c of mesh.cases.slice(0, 2)) {
      expect(c.facts.apiCallsMatch).toBe(true);
      expect(c.facts.perObjectReads).toBe(0);
      expect(c.facts.failOrErrorFindings).toBe(0);
      expect(c.metrics.wallMs!.n).toBe(c.runs);
    }
    // Shared snapshots: each cluster read once for the whole mesh.
    expect(mesh.cases[0]!.facts.snapshotsLoaded).toBe(3);
    expect(mesh.cases[0]!.facts.diagnoses).toBe(3);
    // Through the workers: every cluster's diagnosis reached its verdict in Slack, none failed.
    for (const c of mesh.cases.slice(2)) {
      expect(c.facts.diagnoses).toBe(3);
      expect(c.facts.verdicts).toBe('3');
      expect(c.facts.failedDiagnoses).toBe(0);
      expect(c.metrics.jobMs!.n).toBe(3);
    }
    expect(mesh.cases[3]!.facts.speedUpFrom1Worker).toEqual(expect.any(Number));
    // A quick run's small mesh is not the target's: measured, not judged.
    expect(mesh.targets.find((t) => t.what.startsWith('end to end with 2 worker'))).toMatchObject({ met: null, measured: expect.stringMatching(/ s$/) });
    expect(mesh.targets.find((t) => t.what.startsWith('speed-up'))?.measured).toMatch(/×$/);
  });

  it('acknowledges every signed slash command with 200 and queues one diagnosis per cluster asked for', () => {
    const b = pipeline.benchmarks.find((x) => x.id === 'slash-ack')!;
    expect(b.status).toBe('done');
    const c = b.cases[0]!;
    expect(c.facts.all200).toBe(true);
    expect(c.facts.requests).toBe(100);
    expect(c.facts.jobsPerRound).toBe('3, 3');
    expect(c.facts.queuedAcksPerRound).toBe('3, 3');
    expect(c.metrics.ackMs!.n).toBe(100);
    expect(c.metrics.diagnoseAckMs!.n).toBe(50);
    expect(b.targets[0]).toMatchObject({ measured: expect.stringMatching(/ ms$/), met: null });
    expect(pipelineMarkdown).toMatch(/^\| 1 \| Slash-command ack latency .* \| done \|/m);
  });

  it('turns an alert storm of one group into exactly one diagnosis, every post answered 202', () => {
    const b = pipeline.benchmarks.find((x) => x.id === 'alert-storm')!;
    expect(b.status).toBe('done');
    const c = b.cases[0]!;
    expect(c.facts.statuses).toBe('{"202":200}');
    expect(c.facts.diagnosisJobsPerRound).toBe('1');
    expect(JSON.parse(String(c.facts.outcomes))).toEqual({ 'diagnosis-queued': 1, 'thread-update-queued': 199 });
    expect(b.targets.find((t) => t.what.startsWith('diagnoses started'))).toMatchObject({ met: true });
  });

  it('times a diagnosis through the queue and the worker against diagnose() directly, step by step', () => {
    const b = pipeline.benchmarks.find((x) => x.id === 'queue-overhead')!;
    expect(b.status).toBe('done');
    const c = b.cases[0]!;
    const m = (k: string) => c.metrics[k]!.median;
    expect(c.metrics.verdictMs!.n).toBe(2);
    // The order a person sees things in the thread.
    expect(m('enqueueMs')).toBeLessThanOrEqual(m('parentPostedMs'));
    expect(m('parentPostedMs')).toBeLessThanOrEqual(m('firstReportPartMs'));
    expect(m('firstReportPartMs')).toBeLessThanOrEqual(m('reportInThreadMs'));
    expect(m('reportInThreadMs')).toBeLessThanOrEqual(m('verdictMs'));
    expect(Number(c.facts.reportParts)).toBeGreaterThan(0);
    expect(pipelineMarkdown).toContain('## 5. Queue overhead');
    // The earlier runs' results are kept.
    expect(pipeline.benchmarks.find((x) => x.id === 'multi-cluster')).toEqual(merged.benchmarks.find((x) => x.id === 'multi-cluster'));
  });

  it('refuses an unknown benchmark with a usage error naming the real ones, and writes nothing', async () => {
    const err = await benchCommand(['--only', 'warp-speed', '--out', 'elsewhere'], io()).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isMeshMedicError(err) && err.code).toBe('USAGE');
    expect((err as Error).message).toContain("unknown benchmark 'warp-speed'");
    expect((err as Error).message).toContain('2 diagnosis-scale');
    expect(() => readFileSync(join(out, 'elsewhere', 'results.json'))).toThrow();
  });
});
