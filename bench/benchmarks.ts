// The benchmarks of issue 8, in its order. Each is one file exporting a `Benchmark`; one whose
// components are not built yet is listed with `pending` so the results say what is missing.
// To add one: write bench/<id>.ts exporting a Benchmark with `run`, and replace its entry here.

import { diagnosisScale } from './diagnosis-scale.ts';
import { multiCluster } from './multi-cluster.ts';
import type { Benchmark } from './lib/types.ts';

export const BENCHMARKS: readonly Benchmark[] = [
  {
    id: 'slash-ack',
    number: 1,
    title: 'Slash-command ack latency at 200 concurrent signed requests',
    pending: 'needs the Slack bot (Bolt receiver); not built yet',
    targets: [{ what: 'ack latency p99', limit: '≤ 50 ms (Slack\'s hard limit: 3,000 ms)' }],
  },
  diagnosisScale,
  // Engine part only until the workers exist (see the file).
  multiCluster,
  {
    id: 'alert-storm',
    number: 4,
    title: 'Alert storm: 1,000 Alertmanager webhook posts in 10 s for one cluster and group',
    pending: 'needs the alert receiver and queue; not built yet',
    targets: [
      { what: 'diagnoses started', limit: 'exactly 1' },
      { what: 'webhook latency p99', limit: '≤ 50 ms' },
    ],
  },
  {
    id: 'queue-overhead',
    number: 5,
    title: 'Queue overhead: a diagnosis through BullMQ vs the same checks called directly',
    pending: 'needs the BullMQ workers; not built yet',
    targets: [{ what: 'time in BullMQ per diagnosis', limit: 'reported' }],
  },
];

export function findBenchmark(id: string): Benchmark | undefined {
  return BENCHMARKS.find((b) => b.id === id || String(b.number) === id);
}
