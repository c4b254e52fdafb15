// The shape of bench/results.json, and what a benchmark is. Each benchmark is one file exporting a
// `Benchmark`; bench/benchmarks.ts lists them in issue 8's order. A benchmark whose components do
// not exist yet is listed with `pending` instead of `run`, so the results say so rather than omit it.

import type { Summary } from './stats.ts';

export interface MachineInfo {
  cores: number;
  cpuModel: string;
  node: string;
  platform: string;
  totalMemoryMB: number;
  /** ISO time the run started. */
  date: string;
  /** 1/5/15-minute load averages when the run started and when it ended (others share the machine). */
  loadAverage: { start: number[]; end: number[] };
}

export interface Target {
  what: string;
  /** Human form of the limit, e.g. "≤ 1.5 s". */
  limit: string;
  /** What was measured against it, in the limit's unit, or null when not measured. */
  measured: string | null;
  /** null: not measured (pending or not run at this size). */
  met: boolean | null;
}

/** One parameter set of a benchmark (one mesh size, one concurrency level, ...). */
export interface BenchCase {
  name: string;
  parameters: Record<string, number | string | boolean>;
  /** Measured runs and discarded warm-up runs. */
  runs: number;
  warmup: number;
  metrics: Record<string, Summary>;
  /** Single values and yes/no facts of the case (e.g. whether API calls matched the request log). */
  facts: Record<string, number | string | boolean | null>;
  /** Columns the issue asks for that need components not built yet. */
  pending?: Record<string, string>;
  /** CPU profile of one extra (unmeasured) run: milliseconds of self time per stage. */
  profile?: Record<string, number>;
}

/** done: everything measured; partial: some columns need components not built yet; pending: none
 *  of it can run yet; skipped: not selected by --only and no earlier result to keep; failed. */
export type BenchStatus = 'done' | 'partial' | 'pending' | 'skipped' | 'failed';

export interface BenchResult {
  id: string;
  /** Number in issue 8's list. */
  number: number;
  title: string;
  status: BenchStatus;
  /** Why pending/partial/failed. */
  statusNote?: string;
  parameters: Record<string, unknown>;
  targets: Target[];
  cases: BenchCase[];
  /** The "what limits it" paragraph. */
  limits: string;
  notes: string[];
  durationMs: number;
  /** When this benchmark ran and the load average around it (results of other runs may be merged). */
  ranAt: string | null;
  loadAverage: { start: number[]; end: number[] } | null;
}

/** What a benchmark's run() returns; the harness adds identity, timing and load. */
export type BenchOutcome = Omit<BenchResult, 'id' | 'number' | 'title' | 'durationMs' | 'ranAt' | 'loadAverage'>;

export interface BenchResults {
  schema: 1;
  mode: 'full' | 'quick';
  machine: MachineInfo;
  benchmarks: BenchResult[];
}

export interface BenchContext {
  quick: boolean;
  /** Progress lines for the person running the benchmark (stderr). */
  log: (line: string) => void;
  /** Repository root (children run with it as working directory). */
  root: string;
}

export interface Benchmark {
  id: string;
  number: number;
  title: string;
  /** Absent: the benchmark needs components that are not built yet. */
  run?: (ctx: BenchContext) => Promise<BenchOutcome>;
  /** Why it cannot run yet (shown when `run` is absent). */
  pending?: string;
  /** The targets, shown as not measured while pending. */
  targets?: { what: string; limit: string }[];
  /** Markdown table(s) of the cases for RESULTS.md; default: one generic row per case. */
  markdown?: (result: BenchResult) => string;
}
