// The benchmark harness (issue 8): runs the benchmarks of bench/benchmarks.ts, writes
// bench/results.json and bench/RESULTS.md. `npx tsx bench/run.ts [--only ID ...] [--quick] [--out DIR]`,
// or `mesh-medic bench` (src/cli/bench-command.ts). With --only, the other benchmarks' earlier
// results in DIR are kept. Benchmarks are not tests: nothing here fails on a missed target.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { MeshMedicError } from '../src/domain/errors.ts';
import { BENCHMARKS, findBenchmark } from './benchmarks.ts';
import { loadAverage, machineInfo } from './lib/machine.ts';
import { renderMarkdown } from './lib/report.ts';
import type { Benchmark, BenchResult, BenchResults } from './lib/types.ts';

export const BENCH_USAGE = 'mesh-medic bench [--only ID|NUMBER ...] [--quick] [--out DIR]';

export const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url)).replace(/[\\/]$/, '');
const ROOT = resolve(BENCH_DIR, '..');

export interface BenchOptions {
  /** Benchmark ids (or numbers) to run; all when empty. */
  only: string[];
  quick: boolean;
  /** Where results.json and RESULTS.md go. */
  outDir: string;
}

export interface BenchIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export function parseBenchArgs(argv: string[], cwd: string): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      only: { type: 'string', multiple: true },
      quick: { type: 'boolean', default: false },
      out: { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  const only = values.only ?? [];
  const unknown = only.filter((id) => !findBenchmark(id));
  if (unknown.length > 0) {
    const known = BENCHMARKS.map((b) => `${b.number} ${b.id}`).join(', ');
    throw new MeshMedicError('USAGE', `unknown benchmark ${unknown.map((u) => `'${u}'`).join(', ')} (benchmarks: ${known})\nusage: ${BENCH_USAGE}`);
  }
  return { only, quick: values.quick, outDir: values.out ? resolve(cwd, values.out) : BENCH_DIR };
}

function pendingResult(b: Benchmark): BenchResult {
  return {
    id: b.id,
    number: b.number,
    title: b.title,
    status: 'pending',
    statusNote: b.pending ?? 'not implemented',
    parameters: {},
    targets: (b.targets ?? []).map((t) => ({ ...t, measured: null, met: null })),
    cases: [],
    limits: '',
    notes: [],
    durationMs: 0,
    ranAt: null,
    loadAverage: null,
  };
}

function skippedResult(b: Benchmark): BenchResult {
  return { ...pendingResult(b), status: 'skipped', statusNote: `not run this time (--only); run it with --only ${b.id}` };
}

async function runOne(b: Benchmark, opts: BenchOptions, io: BenchIo): Promise<BenchResult> {
  if (!b.run) return pendingResult(b);
  io.stderr(`bench ${b.number} ${b.id}${opts.quick ? ' (quick)' : ''}\n`);
  const started = performance.now();
  const ran = { ranAt: new Date().toISOString(), start: loadAverage() };
  const finish = () => ({
    durationMs: Math.round(performance.now() - started),
    ranAt: ran.ranAt,
    loadAverage: { start: ran.start, end: loadAverage() },
  });
  try {
    const r = await b.run({ quick: opts.quick, root: ROOT, log: (line) => io.stderr(`${line}\n`) });
    return { id: b.id, number: b.number, title: b.title, ...r, ...finish() };
  } catch (err) {
    // One broken benchmark must not lose the others' results: it is recorded as failed.
    const message = err instanceof Error ? err.message : String(err);
    io.stderr(`bench ${b.id} failed: ${message}\n`);
    return { ...pendingResult(b), status: 'failed', statusNote: message.split('\n')[0] ?? message, ...finish() };
  }
}

/** Earlier results of the benchmarks not run now (same mode only), to merge with --only. */
function earlierResults(file: string, mode: BenchResults['mode']): Map<string, BenchResult> {
  if (!existsSync(file)) return new Map();
  try {
    const old = JSON.parse(readFileSync(file, 'utf8')) as BenchResults;
    if (old.schema !== 1 || old.mode !== mode) return new Map();
    return new Map(old.benchmarks.map((b) => [b.id, b]));
  } catch {
    return new Map();
  }
}

export async function runBench(opts: BenchOptions, io: BenchIo): Promise<BenchResults> {
  const startedAt = new Date();
  const startLoad = loadAverage();
  const mode = opts.quick ? 'quick' : 'full';
  const jsonPath = join(opts.outDir, 'results.json');
  const earlier = earlierResults(jsonPath, mode);
  const selected = new Set(opts.only.map((id) => findBenchmark(id)?.id));
  const benchmarks: BenchResult[] = [];
  for (const b of BENCHMARKS) {
    const chosen = selected.size === 0 || selected.has(b.id);
    if (!b.run) benchmarks.push(pendingResult(b));
    else if (chosen) benchmarks.push(await runOne(b, opts, io));
    else benchmarks.push(earlier.get(b.id) ?? skippedResult(b));
  }
  const results: BenchResults = { schema: 1, mode, machine: machineInfo(startedAt, startLoad), benchmarks };
  mkdirSync(opts.outDir, { recursive: true });
  writeFileSync(jsonPath, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(opts.outDir, 'RESULTS.md'), renderMarkdown(results, BENCHMARKS));
  io.stdout(`wrote ${jsonPath} and RESULTS.md\n`);
  return results;
}

/** Exit code: 0 when every benchmark that ran produced results (missed targets included), 2 otherwise. */
export async function benchMain(argv: string[], io: BenchIo, cwd: string): Promise<number> {
  const results = await runBench(parseBenchArgs(argv, cwd), io);
  return results.benchmarks.some((b) => b.status === 'failed') ? 2 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const io: BenchIo = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) };
  benchMain(process.argv.slice(2), io, process.cwd()).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      io.stderr(`${err instanceof MeshMedicError ? `error (${err.code})` : 'error'}: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 2;
    },
  );
}
