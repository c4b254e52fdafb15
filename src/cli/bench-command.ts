// `mesh-medic bench [--only ID|NUMBER ...] [--quick] [--out DIR]`: runs the benchmark harness
// (bench/run.ts), which writes bench/results.json and bench/RESULTS.md. Loaded on demand, so the
// other commands never load benchmark code.

import type { CliIo } from './io.ts';

export async function benchCommand(argv: string[], io: CliIo): Promise<number> {
  const { benchMain } = await import('../../bench/run.ts');
  return benchMain(argv, io, io.cwd);
}
