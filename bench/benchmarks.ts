// The benchmarks of issue 8, in its order. Each is one file exporting a `Benchmark`; one whose
// components are not built yet is listed with `pending` so the results say what is missing.
// To add one: write bench/<id>.ts exporting a Benchmark with `run`, and replace its entry here.

import { alertStorm } from './alert-storm.ts';
import { diagnosisScale } from './diagnosis-scale.ts';
import { multiCluster } from './multi-cluster.ts';
import { queueOverhead } from './queue-overhead.ts';
import { slashAck } from './slash-ack.ts';
import type { Benchmark } from './lib/types.ts';

export const BENCHMARKS: readonly Benchmark[] = [slashAck, diagnosisScale, multiCluster, alertStorm, queueOverhead];

export function findBenchmark(id: string): Benchmark | undefined {
  return BENCHMARKS.find((b) => b.id === id || String(b.number) === id);
}
