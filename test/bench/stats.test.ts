// The statistics benchmark results are reported with: nearest-rank percentiles and medians.

import { describe, expect, it } from 'vitest';
import { median, percentile, summarize } from '../../bench/lib/stats.ts';
import { stageOf } from '../../bench/lib/profile.ts';

describe('benchmark statistics', () => {
  it('p99 of a few runs is the slowest run; p50 the middle one (nearest rank)', () => {
    expect(percentile([30, 10, 20], 99)).toBe(30);
    expect(percentile([30, 10, 20], 50)).toBe(20);
    expect(percentile(Array.from({ length: 200 }, (_, i) => i + 1), 99)).toBe(198);
    expect(percentile([5], 1)).toBe(5);
  });

  it('median averages the two middle values of an even count', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7, 1, 3])).toBe(3);
  });

  it('summarize keeps the samples in run order and rounds what it reports', () => {
    expect(summarize([12.34, 10.01, 11.55], 'ms')).toEqual({
      unit: 'ms',
      n: 3,
      median: 11.6,
      p99: 12.3,
      min: 10,
      max: 12.3,
      mean: 11.3,
      samples: [12.3, 10, 11.6],
    });
  });

  it('refuses empty input and impossible percentiles', () => {
    expect(() => summarize([], 'ms')).toThrow(/no samples/);
    expect(() => percentile([1], 0)).toThrow(/percentile/);
    expect(() => percentile([1], 101)).toThrow(/percentile/);
  });

  it('attributes profile samples to the stages a reader can act on', () => {
    expect(stageOf('file:///work/main/src/k8s/list-stream.ts', 'finishItem')).toBe('JSON.parse of list items');
    expect(stageOf('file:///work/main/src/k8s/list-stream.ts', 'push')).toBe('list scanning');
    expect(stageOf('file:///work/main/src/checks/subset-no-endpoints.ts', 'run')).toBe('checks');
    expect(stageOf('', '(garbage collector)')).toBe('garbage collection');
    expect(stageOf('', '(idle)')).toMatch(/^waiting/);
    expect(stageOf('node:internal/streams/readable', 'read')).toBe('HTTP, TLS, buffers');
  });
});
