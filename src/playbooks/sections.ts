// Splits a playbook body into its `##` sections and checks they are exactly the five expected,
// in order, each with content. Headings inside fenced code blocks are content, not headings.

import { classifyLines } from './markdown-lines.ts';
import { type PlaybookSections, SECTION_HEADINGS } from './types.ts';

const H2 = /^##\s+(.+?)\s*#*\s*$/;

interface RawSection {
  heading: string;
  lines: string[];
}

function splitByHeading(body: string): { preamble: string[]; sections: RawSection[]; unclosedFence: boolean } {
  const { lines, unclosedFence } = classifyLines(body);
  const preamble: string[] = [];
  const sections: RawSection[] = [];
  for (const line of lines) {
    const heading = line.inFence ? undefined : H2.exec(line.text)?.[1];
    if (heading !== undefined) sections.push({ heading, lines: [] });
    else (sections.at(-1)?.lines ?? preamble).push(line.text);
  }
  return { preamble, sections, unclosedFence };
}

const quote = (heading: string) => `"## ${heading}"`;
const EXPECTED = SECTION_HEADINGS.map((s) => s.heading);

function headingProblems(found: string[]): string[] {
  const problems: string[] = [];
  for (const heading of found) {
    if (!EXPECTED.includes(heading)) {
      problems.push(`unknown section ${quote(heading)} (expected exactly: ${EXPECTED.map(quote).join(', ')})`);
    }
  }
  for (const heading of EXPECTED) {
    const count = found.filter((h) => h === heading).length;
    if (count === 0) problems.push(`missing section ${quote(heading)}`);
    if (count > 1) problems.push(`section ${quote(heading)} appears ${count} times`);
  }
  const known = found.filter((h) => EXPECTED.includes(h));
  const inOrder = known.every((h, i) => i === 0 || EXPECTED.indexOf(h) >= EXPECTED.indexOf(known[i - 1]!));
  if (!inOrder) problems.push(`sections out of order: found ${known.join(', ')}; expected ${EXPECTED.join(', ')}`);
  return problems;
}

/** The five sections as trimmed markdown, or every problem with the body's structure. */
export function parseSections(body: string): { value: PlaybookSections } | { problems: string[] } {
  const { preamble, sections, unclosedFence } = splitByHeading(body);
  const problems: string[] = [];
  if (preamble.some((line) => line.trim() !== '')) {
    problems.push(`text before the first section: the body must start with ${quote(EXPECTED[0]!)}`);
  }
  if (unclosedFence) problems.push('a code fence (```) is opened and never closed');
  problems.push(...headingProblems(sections.map((s) => s.heading)));
  const content = new Map(sections.map((s) => [s.heading, s.lines.join('\n').trim()]));
  for (const [heading, text] of content) {
    if (EXPECTED.includes(heading) && text === '') problems.push(`section ${quote(heading)} is empty`);
  }
  if (problems.length > 0) return { problems };
  const value = Object.fromEntries(SECTION_HEADINGS.map((s) => [s.key, content.get(s.heading) ?? ''])) as unknown;
  return { value: value as PlaybookSections };
}
