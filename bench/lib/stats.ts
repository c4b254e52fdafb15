// Summary statistics for repeated benchmark runs. p99 is nearest-rank: with 3 to 5 runs it is the
// slowest run, and the results say so rather than pretend to a precision the run count lacks.

export interface Summary {
  unit: string;
  /** Measured runs (warm-up excluded). */
  n: number;
  median: number;
  p99: number;
  min: number;
  max: number;
  mean: number;
  /** Every measured value, in run order. */
  samples: number[];
}

/** Nearest-rank percentile (0 < p <= 100) of a non-empty list. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new Error('percentile of an empty list');
  if (!(p > 0 && p <= 100)) throw new Error(`percentile must be in (0, 100], got ${p}`);
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.max(0, rank - 1)] as number;
}

/** The median; the mean of the two middle values for an even count. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of an empty list');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function summarize(samples: readonly number[], unit: string, digits = 1): Summary {
  if (samples.length === 0) throw new Error('no samples to summarize');
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  return {
    unit,
    n: samples.length,
    median: round(median(samples), digits),
    p99: round(percentile(samples, 99), digits),
    min: round(Math.min(...samples), digits),
    max: round(Math.max(...samples), digits),
    mean: round(mean, digits),
    samples: samples.map((s) => round(s, digits)),
  };
}
