// A finding's evidence as one compact mrkdwn list: `Kind namespace/name field=value` per object,
// log lines of the same object together in one code block. Everything in it came from a cluster,
// so every piece is escaped, and the whole list fits one section ("…and N more" past that).

import type { Evidence } from '../../domain/finding.ts';
import { codeBlock, codeSpan, escapeTruncated, oneLine, truncate } from '../mrkdwn.ts';
import { fitItems } from './budget.ts';

export interface EvidenceOptions {
  /** The diagnosed cluster: evidence from any other cluster is marked `@cluster`. */
  cluster: string;
  /** Characters available for the whole list. */
  budget: number;
  /** Evidence entries shown before "…and N more". */
  maxEntries?: number;
}

const MAX_NAME = 120;
const MAX_VALUE = 200;
const MAX_LOG_LINE = 300;
const MAX_LOG_LINES_PER_OBJECT = 5;
/** Escaped characters of one object's log block: a few lines, never the whole budget. */
const MAX_LOG_BLOCK = 1200;
const DEFAULT_MAX_ENTRIES = 12;

/** One object (and what we say about it), or one object with its log lines. */
interface Group {
  head: string;
  logs: string[];
  /** How many evidence entries the group stands for. */
  size: number;
}

function objectHead(e: Evidence, cluster: string): string {
  const ref = e.namespace ? `${e.namespace}/${e.name}` : e.name;
  const where = e.cluster !== cluster ? ` @${escapeTruncated(oneLine(e.cluster), 63)}` : '';
  return `${escapeTruncated(oneLine(e.kind), 60)} ${codeSpan(ref, MAX_NAME)}${where}`;
}

function fieldPart(e: Evidence): string {
  const field = e.field !== undefined ? ` ${codeSpan(e.field, MAX_NAME)}` : '';
  const value = e.value !== undefined ? `=${codeSpan(e.value, MAX_VALUE)}` : '';
  return `${field}${value}`;
}

function groupEvidence(evidence: readonly Evidence[], cluster: string): Group[] {
  const groups: Group[] = [];
  for (const e of evidence) {
    const head = `${objectHead(e, cluster)}${fieldPart(e)}`;
    const last = groups.at(-1);
    if (e.log !== undefined && last && last.head === head && last.logs.length > 0) {
      last.logs.push(e.log);
      last.size++;
    } else {
      groups.push({ head, logs: e.log !== undefined ? [e.log] : [], size: 1 });
    }
  }
  return groups;
}

function renderGroup(g: Group): string {
  if (g.logs.length === 0) return `• ${g.head}`;
  const shown = g.logs.slice(0, MAX_LOG_LINES_PER_OBJECT).map((l) => truncate(oneLine(l), MAX_LOG_LINE));
  const hidden = g.logs.length - shown.length;
  const more = hidden > 0 ? `\n…and ${hidden} more log line${hidden === 1 ? '' : 's'}` : '';
  return `• ${g.head} log:\n${codeBlock(shown.join('\n'), MAX_LOG_BLOCK)}${more}`;
}

/** The evidence list, or '' when there is none. */
export function renderEvidence(evidence: readonly Evidence[], opts: EvidenceOptions): string {
  if (evidence.length === 0) return '';
  const maxEntries = opts.maxEntries ?? DEFAULT_MAX_ENTRIES;
  const groups = groupEvidence(evidence.slice(0, maxEntries), opts.cluster);
  // "…and N more" counts evidence entries, not groups: that is what a reader can compare.
  return fitItems(groups.map(renderGroup), {
    budget: opts.budget,
    weights: groups.map((g) => g.size),
    alreadyHidden: Math.max(0, evidence.length - maxEntries),
  });
}
