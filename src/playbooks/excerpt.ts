// The passage a finding quotes: why it happens (first paragraph) and how to fix it (first steps),
// short enough for a Slack section or a terminal. Cuts fall at the end of a sentence or of a block
// outside code fences, so a quoted command is never cut in half.

import { classifyLines, type MarkdownLine } from './markdown-lines.ts';
import type { Playbook } from './types.ts';

export const DEFAULT_EXCERPT_CHARS = 1200;
const ELLIPSIS = '…';

// A period that ends a sentence: not after a digit ("1."), and followed by a capital, a code span
// or the end of the line (so "e.g. the" is not a sentence end).
const SENTENCE_END = /(?<=[^\d\s])[.!?](?=\s+[A-Z`("*]|\s*$)/g;
const BLOCK_START = /^\s*($|[-*+] |\d+\. |`{3,}|~{3,}|#)/;

interface Cut {
  at: number;
  /** A cut at a line end keeps the ellipsis on its own line (a fence close must stay alone). */
  atLineEnd: boolean;
  /** Ends a sentence or a block; otherwise a line end in the middle of a wrapped sentence. */
  clean: boolean;
}

function firstParagraph(markdown: string): string {
  return markdown.split(/\n\s*\n/)[0]?.trim() ?? '';
}

function lineEndIsClean(line: MarkdownLine, next: MarkdownLine | undefined, closesFence: boolean): boolean {
  return closesFence || /[.!?:)]\s*$/.test(line.text) || next === undefined || BLOCK_START.test(next.text);
}

/** Every place the text may be cut: line ends outside code blocks and sentence ends in prose. */
function cutPoints(text: string): Cut[] {
  const { lines } = classifyLines(text);
  const cuts: Cut[] = [];
  let offset = 0;
  let insideBlock = false;
  lines.forEach((line, i) => {
    if (line.isFence) insideBlock = !insideBlock;
    const closesFence = line.isFence && !insideBlock;
    if (!line.inFence) {
      for (const m of line.text.matchAll(SENTENCE_END)) cuts.push({ at: offset + m.index + 1, atLineEnd: false, clean: true });
    }
    if (!line.inFence || closesFence) {
      const clean = lineEndIsClean(line, lines[i + 1], closesFence);
      cuts.push({ at: offset + line.text.length, atLineEnd: true, clean });
    }
    offset += line.text.length + 1;
  });
  return cuts;
}

/** Cuts `text` to at most `maxChars` characters (ellipsis included) at the last clean boundary. */
export function trimAtBoundary(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const budget = maxChars - 2; // room for the separator and the ellipsis
  if (budget <= 0) return ELLIPSIS.slice(0, Math.max(0, maxChars));
  const fitting = cutPoints(text).filter((c) => c.at > 0 && c.at <= budget && text.slice(0, c.at).trim() !== '');
  const best = fitting.filter((c) => c.clean).at(-1) ?? fitting.at(-1);
  if (best) return `${text.slice(0, best.at).trimEnd()}${best.atLineEnd ? '\n' : ' '}${ELLIPSIS}`;
  // A single sentence longer than the budget: cut at the last space instead of mid-word.
  const space = text.lastIndexOf(' ', budget);
  return `${text.slice(0, space > 0 ? space : budget).trimEnd()} ${ELLIPSIS}`;
}

export function excerptFor(playbook: Playbook, opts: { maxChars?: number } = {}): string {
  const maxChars = opts.maxChars ?? DEFAULT_EXCERPT_CHARS;
  const text = `${firstParagraph(playbook.sections.why)}\n\n${playbook.sections.fix.trim()}`;
  return trimAtBoundary(text, maxChars);
}
