// Playbooks for the bot (`/mesh playbook`) and the workers (report excerpts). A broken playbook
// must not block a diagnosis during an incident: it is logged, and reports go out without excerpts.

import { excerptFor, findPlaybook, loadPlaybooks, type Playbook } from '../playbooks/index.ts';
import type { PlaybookLookup } from '../slack/render/index.ts';
import type { Logger } from './logger.ts';

export function loadPlaybooksOrWarn(logger: Logger): Playbook[] {
  try {
    return loadPlaybooks();
  } catch (err) {
    logger.error({ err: err instanceof Error ? err.message : String(err) }, 'playbooks not loaded; reports go out without excerpts');
    return [];
  }
}

export function playbookLookup(playbooks: readonly Playbook[]): PlaybookLookup {
  const all = [...playbooks];
  return (id) => {
    const p = findPlaybook(all, id);
    return p ? { title: p.title, excerpt: excerptFor(p) } : undefined;
  };
}
