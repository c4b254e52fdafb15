// Reading container log lines: their timestamps (kubectl's --timestamps prefix, Istio's own
// RFC3339 prefix, Envoy's `[START_TIME]`, JSON `time` fields) and which of the snapshot's logs
// belong to which pods. Lines without a timestamp are kept: we cannot prove they are old.

import type { K8sObject } from '../../domain/k8s-object.ts';
import type { ReadFailure, Snapshot } from '../../k8s/snapshot.ts';

const RFC3339 = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})/;
const LEADING = new RegExp(`^\\s*\\[?(${RFC3339.source})\\]?`);
const JSON_TIME = new RegExp(`"(?:time|timestamp|start_time|ts)"\\s*:\\s*"(${RFC3339.source})"`);

/** The time a log line was written, when the line says so. */
export function lineTime(line: string): Date | undefined {
  const m = LEADING.exec(line) ?? JSON_TIME.exec(line);
  if (!m?.[1]) return undefined;
  const t = Date.parse(m[1]);
  return Number.isNaN(t) ? undefined : new Date(t);
}

/** True when the line is at most `windowMs` older than `now` (or has no timestamp). */
export function isRecentLine(line: string, now: Date, windowMs: number): boolean {
  const t = lineTime(line);
  return t === undefined || now.getTime() - t.getTime() <= windowMs;
}

/** The newest timestamp in a log: how far the log reaches, whatever `now` is. */
export function newestTime(lines: string[]): Date | undefined {
  for (let i = lines.length - 1; i >= 0; i--) {
    const t = lineTime(lines[i] ?? '');
    if (t) return t;
  }
  return undefined;
}

/** A log line as evidence: exactly as logged, cut only when absurdly long. */
export function exactLine(line: string, max = 2000): string {
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** Log lines made shorter for summaries: whitespace flattened, bounded length. */
export function quoteLine(line: string, max = 300): string {
  const flat = line.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Like quoteLine, but keeps the part matching `pattern` in view when the line must be cut. */
export function quoteMatch(line: string, pattern: RegExp, max = 160): string {
  const flat = line.replace(/\s+/g, ' ').trim();
  const at = flat.search(pattern);
  if (flat.length <= max || at < 0 || at < max - 60) return quoteLine(flat, max);
  const start = Math.max(0, at - Math.floor(max / 2));
  const piece = flat.slice(start, start + max - 2);
  return `…${piece}${start + max - 2 < flat.length ? '…' : ''}`;
}

export interface PodContainerLog {
  pod: K8sObject;
  container: string;
  previous: boolean;
  /** undefined when the snapshot holds no such log (not selected, or the read failed). */
  lines: string[] | undefined;
  /** Why the log is missing, when its read failed. */
  failure?: ReadFailure;
}

/** One container log of one pod, with the read failure when there was one. */
export function podLog(snapshot: Snapshot, pod: K8sObject, container: string, previous: boolean): PodContainerLog {
  const namespace = pod.metadata.namespace ?? '';
  const name = pod.metadata.name;
  const lines = snapshot.log(namespace, name, container, previous);
  const failure = lines
    ? undefined
    : snapshot
        .logFailures()
        .find(
          (f) =>
            f.log?.namespace === namespace && f.log.pod === name && f.log.container === container && f.log.previous === previous,
        );
  return { pod, container, previous, lines, ...(failure ? { failure } : {}) };
}
