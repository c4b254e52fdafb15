// bench/results.json (machine-readable) and bench/RESULTS.md (tables a person reads) from one set
// of results. Pending benchmarks and pending columns are written out as pending, never left out.

import type { Summary } from './stats.ts';
import type { BenchCase, Benchmark, BenchResult, BenchResults, Target } from './types.ts';

export function cell(value: unknown): string {
  if (value === null || value === undefined) return '–';
  return String(value).replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function table(headers: string[], rows: unknown[][]): string {
  const line = (cells: unknown[]) => `| ${cells.map(cell).join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

export function medianP99(s: Summary | undefined): string {
  return s ? `${s.median} / ${s.p99}` : '–';
}

/** Rows without a threshold ("reported", "measured") say so rather than "met". */
function metTag(t: Target): string {
  if (t.met === null) return t.measured === null ? 'not measured' : 'reported';
  if (/^(reported|measured)\b/.test(t.limit)) return t.met ? 'reported' : '**missed**';
  return t.met ? 'met' : '**missed**';
}

function targetsTable(targets: Target[]): string {
  return table(
    ['target', 'limit', 'measured', 'result'],
    targets.map((t) => [t.what, t.limit, t.measured ?? '–', metTag(t)]),
  );
}

/** One row per case: every metric as median / p99, then every fact. */
export function genericCases(cases: BenchCase[]): string {
  if (cases.length === 0) return '';
  const metricNames = [...new Set(cases.flatMap((c) => Object.keys(c.metrics)))];
  const factNames = [...new Set(cases.flatMap((c) => Object.keys(c.facts)))];
  return table(
    ['case', 'runs', ...metricNames.map((m) => `${m} (median / p99)`), ...factNames],
    cases.map((c) => [c.name, c.runs, ...metricNames.map((m) => medianP99(c.metrics[m])), ...factNames.map((f) => c.facts[f])]),
  );
}

function benchmarkSection(result: BenchResult, bench: Benchmark | undefined): string {
  const parts = [`## ${result.number}. ${result.title}`, ''];
  const status = result.statusNote ? `${result.status}: ${result.statusNote}` : result.status;
  parts.push(`Status: **${status}**.`, '');
  if (result.ranAt && result.loadAverage) {
    parts.push(
      `Ran ${result.ranAt} for ${Math.round(result.durationMs / 1000)} s; load average ${result.loadAverage.start.join(' / ')} before, ${result.loadAverage.end.join(' / ')} after.`,
      '',
    );
  }
  if (result.targets.length > 0) parts.push(targetsTable(result.targets), '');
  if (result.cases.length > 0) parts.push((bench?.markdown ?? ((r) => genericCases(r.cases)))(result), '');
  if (result.limits) parts.push(`**What limits it.** ${result.limits}`, '');
  for (const note of result.notes) parts.push(`- ${note}`);
  if (result.notes.length > 0) parts.push('');
  return parts.join('\n');
}

export function renderMarkdown(results: BenchResults, catalog: readonly Benchmark[]): string {
  const m = results.machine;
  const summary = table(
    ['#', 'benchmark', 'status', 'targets met'],
    results.benchmarks.map((b) => {
      const measured = b.targets.filter((t) => t.met !== null);
      const met = measured.filter((t) => t.met).length;
      return [b.number, b.title, b.status, measured.length > 0 ? `${met} of ${measured.length} measured` : '–'];
    }),
  );
  return [
    '# mesh-medic benchmarks',
    '',
    `Written by \`npm run bench\` (\`npx tsx bench/run.ts [--only ID] [--quick]\`); numbers are in \`results.json\`.`,
    `Machine: ${m.cores} × ${m.cpuModel}, ${m.totalMemoryMB} MB, Node ${m.node}, ${m.platform}. Started ${m.date}, mode ${results.mode}.`,
    `Load average (1/5/15 min) at start ${m.loadAverage.start.join(' / ')}, at end ${m.loadAverage.end.join(' / ')}: the machine is shared, so times are noisy.`,
    '',
    summary,
    '',
    ...results.benchmarks.map((b) => benchmarkSection(b, catalog.find((c) => c.id === b.id))),
  ].join('\n');
}
