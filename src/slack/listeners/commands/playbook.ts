// `/mesh playbook <id>`: the whole playbook, from the files loaded at start-up.

import { findPlaybook, type Playbook, SECTION_HEADINGS } from '../../../playbooks/index.ts';
import { suggestClosest } from '../../commands/parse.ts';
import { type EphemeralSlackMessage, renderPlaybook } from '../../render/index.ts';
import type { ListenerContext } from '../context.ts';
import { ephemeral, unknownPlaybook } from '../messages.ts';

export function playbook(ctx: ListenerContext, id: string): EphemeralSlackMessage {
  const found = findPlaybook([...ctx.playbooks], id);
  if (!found) {
    const ids = ctx.playbooks.map((p) => p.id);
    return unknownPlaybook(id, ids, suggestClosest(id, ids));
  }
  return ephemeral(renderPlaybook({ title: found.title, text: playbookMarkdown(found) }));
}

/** The playbook's sections as one markdown document with `##` headings. */
export function playbookMarkdown(p: Playbook): string {
  return SECTION_HEADINGS.map(({ heading, key }) => `## ${heading}\n\n${p.sections[key].trim()}`).join('\n\n');
}
