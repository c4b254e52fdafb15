// One playbook file -> a Playbook, or the list of everything wrong with it.

import { basename } from 'node:path';
import { parseFrontMatter, splitFrontMatter } from './front-matter.ts';
import { parseSections } from './sections.ts';
import type { Playbook } from './types.ts';

export type ParseResult = { playbook: Playbook; problems: [] } | { playbook: null; problems: string[] };

/** Parses the text of `path`; the playbook id must equal the file name without `.md`. */
export function parsePlaybook(text: string, path: string): ParseResult {
  const split = splitFrontMatter(text);
  if ('problem' in split) return { playbook: null, problems: [split.problem] };
  const front = parseFrontMatter(split.yaml);
  const sections = parseSections(split.body);
  const problems = [...('problems' in front ? front.problems : []), ...('problems' in sections ? sections.problems : [])];
  const expectedId = basename(path).replace(/\.md$/, '');
  if ('value' in front && front.value.id !== expectedId) {
    problems.push(`id "${front.value.id}" does not match the file name (expected id "${expectedId}")`);
  }
  if (problems.length > 0 || !('value' in front) || !('value' in sections)) return { playbook: null, problems };
  const { id, title, checks, alerts, sources } = front.value;
  return { playbook: { id, title, checks, alerts, sources, sections: sections.value, path }, problems: [] };
}
