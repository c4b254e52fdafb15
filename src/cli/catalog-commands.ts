// `mesh-medic checks [--json]` and `mesh-medic playbook <id>`.

import { parseArgs } from 'node:util';
import { CHECKS } from '../checks/index.ts';
import { didYouMean } from '../config/closest.ts';
import { readEnv } from '../config/env.ts';
import { MeshMedicError } from '../domain/errors.ts';
import { loadCatalogPlaybooks } from '../engine/catalog.ts';
import { findPlaybook, loadPlaybooks, renderPlaybookText } from '../playbooks/index.ts';
import type { CliDeps, CliIo } from './io.ts';
import { catalogEntry, renderCatalog } from './render-text.ts';
import { PLAYBOOK_USAGE } from './usage.ts';

export async function checksCommand(argv: string[], io: CliIo, deps: CliDeps = {}): Promise<number> {
  const checks = deps.checks ?? CHECKS;
  const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean', default: false } }, strict: true });
  // Listing the shipped catalog is also how an operator verifies it: disagreement with the
  // playbooks is an error (exit 2), not a footnote. (Tests inject catalogs without playbooks.)
  if (!deps.checks) loadCatalogPlaybooks(checks);
  if (values.json) io.stdout(`${JSON.stringify(checks.map(catalogEntry), null, 2)}\n`);
  else io.stdout(renderCatalog(checks, { color: readEnv(io.env).color ?? io.isTTY }));
  return 0;
}

export async function playbookCommand(argv: string[], io: CliIo): Promise<number> {
  const { positionals } = parseArgs({ args: argv, options: {}, strict: true, allowPositionals: true });
  if (positionals.length !== 1) throw new MeshMedicError('USAGE', `expected one playbook id\nusage: ${PLAYBOOK_USAGE}`);
  const id = positionals[0]!;
  const playbooks = loadPlaybooks();
  const playbook = findPlaybook(playbooks, id);
  if (!playbook) {
    const ids = playbooks.map((p) => p.id);
    throw new MeshMedicError(
      'UNKNOWN_PLAYBOOK',
      `unknown playbook '${id}'.${didYouMean(id, ids)} Playbooks: ${ids.join(', ')}.`,
      { unrecoverable: true },
    );
  }
  io.stdout(renderPlaybookText(playbook));
  return 0;
}
