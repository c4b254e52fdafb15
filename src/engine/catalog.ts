// The check catalog and the playbooks must agree: every check names an existing playbook, every
// playbook lists exactly the checks that name it. Processes that start for a long time (bot,
// worker) call this at start-up so a broken catalog stops them before the first incident.

import { CHECKS } from '../checks/index.ts';
import type { Check } from '../checks/types.ts';
import { MeshMedicError } from '../domain/errors.ts';
import { loadPlaybooks, type Playbook, validateCatalog } from '../playbooks/index.ts';

export function loadCatalogPlaybooks(checks: readonly Check[] = CHECKS, dir?: string): Playbook[] {
  const playbooks = loadPlaybooks(dir);
  const problems = validateCatalog(playbooks, checks);
  if (problems.length > 0) {
    throw new MeshMedicError('PLAYBOOK_INVALID', `check catalog and playbooks disagree:\n- ${problems.join('\n- ')}`);
  }
  return playbooks;
}
