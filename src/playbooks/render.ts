// A whole playbook as plain text for a terminal (`mesh-medic playbook <id>`): headings underlined,
// code blocks indented without their fences, inline markdown markers removed.

import { classifyLines } from './markdown-lines.ts';
import { type Playbook, SECTION_HEADINGS } from './types.ts';

const H3 = /^\s*#{3,6}\s+(.+?)\s*#*\s*$/;

function plainInline(text: string): string {
  return text
    .replace(/\[([^\]]+)\]\(([^)]+)\)/g, '$1 ($2)')
    .replace(/\*\*([^*]+)\*\*/g, '$1')
    .replace(/`([^`]+)`/g, '$1');
}

function underline(title: string, char: string): string {
  return `${title}\n${char.repeat(Math.max(3, [...title].length))}`;
}

/** Markdown body of a section -> terminal text. */
export function markdownToPlain(markdown: string): string {
  const out: string[] = [];
  let fenceIndent = 0;
  for (const line of classifyLines(markdown).lines) {
    if (line.isFence) {
      fenceIndent = line.text.length - line.text.trimStart().length;
      continue;
    }
    if (line.inFence) {
      // Keep the command as written, indented four spaces deeper than its surrounding list item.
      out.push(`${' '.repeat(fenceIndent + 4)}${line.text.slice(Math.min(fenceIndent, leadingSpaces(line.text)))}`);
      continue;
    }
    const subheading = H3.exec(line.text)?.[1];
    out.push(subheading ? underline(plainInline(subheading), '~') : plainInline(line.text));
  }
  return out.join('\n').trimEnd();
}

function leadingSpaces(text: string): number {
  return text.length - text.trimStart().length;
}

export function renderPlaybookText(playbook: Playbook): string {
  const header = [
    underline(playbook.title, '='),
    `Playbook: ${playbook.id}`,
    `Checks:   ${playbook.checks.join(', ')}`,
    `Alerts:   ${playbook.alerts.length > 0 ? playbook.alerts.join(', ') : '(none)'}`,
    `Sources:  ${playbook.sources.length > 0 ? playbook.sources.join(', ') : '(general knowledge)'}`,
  ].join('\n');
  const sections = SECTION_HEADINGS.map(({ heading, key }) =>
    [underline(heading.toUpperCase(), '-'), markdownToPlain(playbook.sections[key])].join('\n'),
  );
  return `${[header, ...sections].join('\n\n')}\n`;
}
