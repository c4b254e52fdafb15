// The README is part of the product: its set-up commands and its check catalog must match the code.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CHECKS } from '../../src/checks/index.ts';
import { withCheckTable } from '../../src/docs/check-table.ts';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('README.md', () => {
  it('carries the check catalog as generated from the code (run `npm run docs` to refresh)', () => {
    expect(readme).toBe(withCheckTable(readme, CHECKS));
    for (const check of CHECKS) expect(readme).toContain(`\`${check.id}\``);
  });

  it('gives exactly the two set-up commands: run and test', () => {
    const setup = readme.slice(readme.indexOf('## Quick start'), readme.indexOf('\n## ', readme.indexOf('## Quick start') + 1));
    const commands = [...setup.matchAll(/```(?:bash|sh)\n([\s\S]*?)```/g)].map((m) => m[1]!.trim());
    expect(commands).toEqual(['npm ci && npm start', 'npm ci && npm test']);
    const ci = readFileSync(new URL('../../.ci/run', import.meta.url), 'utf8');
    expect(ci).toMatch(/npm test/);
  });
});
