// Cross-checks playbooks against the check catalog: every check names an existing playbook that
// lists it, and every playbook is named by the checks it lists (and by at least one).

import type { Playbook } from './types.ts';

export interface CheckRef {
  id: string;
  playbook: string;
}

function checkSideProblems(byId: Map<string, Playbook>, checks: readonly CheckRef[]): string[] {
  const problems: string[] = [];
  for (const check of checks) {
    const playbook = byId.get(check.playbook);
    if (!playbook) problems.push(`check "${check.id}" names playbook "${check.playbook}", which does not exist`);
    else if (!playbook.checks.includes(check.id)) {
      problems.push(`check "${check.id}" names playbook "${check.playbook}", which does not list it in checks`);
    }
  }
  return problems;
}

function playbookSideProblems(playbooks: Playbook[], checks: readonly CheckRef[]): string[] {
  const checkById = new Map(checks.map((c) => [c.id, c]));
  const problems: string[] = [];
  for (const playbook of playbooks) {
    for (const id of playbook.checks) {
      const check = checkById.get(id);
      if (!check) problems.push(`playbook "${playbook.id}" lists check "${id}", which does not exist`);
      else if (check.playbook !== playbook.id) {
        problems.push(`playbook "${playbook.id}" lists check "${id}", but that check names playbook "${check.playbook}"`);
      }
    }
    if (!checks.some((c) => c.playbook === playbook.id)) {
      problems.push(`playbook "${playbook.id}" is named by no check`);
    }
  }
  return problems;
}

/** Human-readable problems; an empty list means playbooks and checks agree. */
export function validateCatalog(playbooks: Playbook[], checks: readonly CheckRef[]): string[] {
  const byId = new Map(playbooks.map((p) => [p.id, p]));
  return [...checkSideProblems(byId, checks), ...playbookSideProblems(playbooks, checks)];
}
