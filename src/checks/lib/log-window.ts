// Which log lines still describe the present, and how to say when they happened. Timestamp
// parsing lives in pod-logs.ts; this adds the window our log checks share and short time spans.

import { isRecentLine, lineTime } from './pod-logs.ts';

/** How far back a log line still describes the present: older errors may be resolved blips. */
export const RECENT_WINDOW_MS = 15 * 60 * 1000;

/** Undated lines count as recent: a bounded tail of the current container is all we have. */
export function isRecent(line: string, now: Date): boolean {
  return isRecentLine(line, now, RECENT_WINDOW_MS);
}

/** `12:19:07Z` style time for summaries. */
export function shortTime(date: Date): string {
  return `${date.toISOString().slice(11, 19)}Z`;
}

/** "between 12:19:07Z and 12:21:15Z" / "at 12:19:07Z" / "" for a group of log lines. */
export function timeSpan(lines: string[]): string {
  const times = lines.flatMap((l) => lineTime(l)?.getTime() ?? []);
  if (times.length === 0) return '';
  const first = new Date(Math.min(...times));
  const last = new Date(Math.max(...times));
  return first.getTime() === last.getTime() ? `at ${shortTime(first)}` : `between ${shortTime(first)} and ${shortTime(last)}`;
}
