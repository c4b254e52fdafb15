// `npm run docs`: regenerates the generated sections of README.md from the code.
import { readFileSync, writeFileSync } from 'node:fs';
import { CHECKS } from '../src/checks/index.ts';
import { withCheckTable } from '../src/docs/check-table.ts';

const path = new URL('../README.md', import.meta.url);
writeFileSync(path, withCheckTable(readFileSync(path, 'utf8'), CHECKS));
console.log('README.md: check catalog updated');
