// Reads and validates every playbook of a directory at start-up. All problems of all files are
// reported in one error, so an author fixes them in one pass instead of one restart per typo.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MeshMedicError } from '../domain/errors.ts';
import { parsePlaybook } from './parse.ts';
import type { Playbook } from './types.ts';

/** `<repo>/playbooks`, wherever the repository is checked out. */
export const PLAYBOOKS_DIR: string = fileURLToPath(new URL('../../playbooks', import.meta.url));

// A README describes the format for authors; it is not a playbook.
const NOT_PLAYBOOKS = new Set(['README.md']);

function invalid(dir: string, problems: string[]): MeshMedicError {
  const list = problems.map((p) => `  - ${p}`).join('\n');
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  return new MeshMedicError('PLAYBOOK_INVALID', `invalid playbooks in ${dir} (${count}):\n${list}`, {
    unrecoverable: true,
  });
}

function playbookFiles(dir: string): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw invalid(dir, ['playbook directory not found']);
  const files = readdirSync(dir)
    .filter((name) => name.endsWith('.md') && !NOT_PLAYBOOKS.has(name))
    .sort();
  if (files.length === 0) throw invalid(dir, ['no playbook files (*.md) found']);
  return files;
}

/** Loads every `*.md` of `dir`, sorted by id; throws PLAYBOOK_INVALID listing every problem. */
export function loadPlaybooks(dir: string = PLAYBOOKS_DIR): Playbook[] {
  const playbooks: Playbook[] = [];
  const problems: string[] = [];
  for (const file of playbookFiles(dir)) {
    const result = parsePlaybook(readFileSync(join(dir, file), 'utf8'), join(dir, file));
    if (result.playbook) playbooks.push(result.playbook);
    problems.push(...result.problems.map((p) => `${file}: ${p}`));
  }
  if (problems.length > 0) throw invalid(dir, problems);
  return playbooks.sort((a, b) => a.id.localeCompare(b.id));
}

export function findPlaybook(playbooks: Playbook[], id: string): Playbook | undefined {
  return playbooks.find((p) => p.id === id);
}
