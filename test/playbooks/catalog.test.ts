// validateCatalog names every disagreement between playbooks and checks.

import { describe, expect, it } from 'vitest';
import { type Playbook, validateCatalog } from '../../src/playbooks/index.ts';

function playbook(id: string, checks: string[]): Playbook {
  const sections = { symptoms: 's', why: 'w', confirm: 'c', fix: 'f', automatedFix: 'a' };
  return { id, title: id, checks, alerts: [], sources: [], sections, path: `/x/${id}.md` };
}

describe('validateCatalog', () => {
  it('finds nothing wrong when both sides agree', () => {
    const playbooks = [playbook('pb-a', ['check-1', 'check-2']), playbook('pb-b', ['check-3'])];
    const checks = [
      { id: 'check-1', playbook: 'pb-a' },
      { id: 'check-2', playbook: 'pb-a' },
      { id: 'check-3', playbook: 'pb-b' },
    ];
    expect(validateCatalog(playbooks, checks)).toEqual([]);
  });

  it('reports each kind of disagreement', () => {
    const playbooks = [
      playbook('pb-a', ['check-1', 'ghost-check', 'check-2']),
      playbook('pb-b', ['check-3']),
      playbook('orphan', ['check-9']),
    ];
    const checks = [
      { id: 'check-1', playbook: 'pb-a' },
      { id: 'check-2', playbook: 'pb-b' },
      { id: 'check-3', playbook: 'pb-b' },
      { id: 'check-4', playbook: 'missing-pb' },
    ];
    expect(validateCatalog(playbooks, checks).sort()).toEqual(
      [
        'check "check-2" names playbook "pb-b", which does not list it in checks',
        'check "check-4" names playbook "missing-pb", which does not exist',
        'playbook "pb-a" lists check "ghost-check", which does not exist',
        'playbook "pb-a" lists check "check-2", but that check names playbook "pb-b"',
        'playbook "orphan" lists check "check-9", which does not exist',
        'playbook "orphan" is named by no check',
      ].sort(),
    );
  });
});
