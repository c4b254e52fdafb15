// Builders for playbook files in temporary directories (malformed-file tests).

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SECTIONS = ['Symptoms', 'Why it happens', 'Confirm', 'Fix', 'Automated fix'];

export interface FixtureOptions {
  frontMatter?: string;
  sections?: string[];
  body?: (heading: string) => string;
}

export function playbookText(id: string, opts: FixtureOptions = {}): string {
  const front =
    opts.frontMatter ??
    [
      `id: ${id}`,
      `title: Fixture playbook ${id}`,
      'checks: [fixture-check]',
      'alerts: [FixtureAlert]',
      'sources: [003_87f8f8ea8e0ba1af.txt]',
    ].join('\n');
  const body = opts.body ?? ((h: string) => `Text of ${h}.`);
  const sections = (opts.sections ?? SECTIONS).map((h) => `## ${h}\n\n${body(h)}\n`).join('\n');
  return `---\n${front}\n---\n\n${sections}`;
}

/** A fresh directory holding the given files; call the returned cleanup when done. */
export function playbookDir(files: Record<string, string>): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'mesh-medic-playbooks-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
