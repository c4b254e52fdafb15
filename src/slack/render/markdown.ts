// Playbook markdown (GitHub flavour, written by us) -> Slack mrkdwn. Playbooks are trusted, but
// they still contain `<`, `>` and `&` (`istiod-<mesh>-hosted-lb`) that Slack would read as links,
// so entities are escaped first; then the few constructs playbooks use are translated.

import { scrubControl } from '../mrkdwn.ts';

const FENCE = /^(\s*)(`{3,}|~{3,})/;

function escapeEntities(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

// Inline code is left alone (Slack renders `code` the same way); outside it, **bold** becomes
// *bold*, [label](url) becomes <url|label>, bullets become •, headings become bold lines.
function inline(line: string): string {
  return line
    .split(/(`[^`]*`)/)
    .map((part, i) => (i % 2 === 1 ? part : prose(part)))
    .join('');
}

function prose(text: string): string {
  return text
    .replace(/\*\*([^*]+)\*\*/g, '*$1*')
    .replace(/__([^_]+)__/g, '*$1*')
    .replace(/\[([^\]]+)\]\((https?:\/\/[^)\s|]+)\)/g, '<$2|$1>');
}

function proseLine(line: string): string {
  const heading = /^\s*#{1,6}\s+(.+?)\s*#*\s*$/.exec(line);
  if (heading) return `*${inline(heading[1]!).replace(/\*/g, '')}*`;
  const bullet = /^(\s*)[-*+]\s+(.*)$/.exec(line);
  if (bullet) return `${bullet[1]}• ${inline(bullet[2]!)}`;
  return inline(line);
}

/** Markdown -> mrkdwn. Fenced blocks lose their language tag and their list indentation. */
export function markdownToMrkdwn(markdown: string): string {
  const out: string[] = [];
  let fenceIndent: number | undefined;
  for (const raw of escapeEntities(scrubControl(markdown)).split('\n')) {
    const fence = FENCE.exec(raw);
    if (fence) {
      fenceIndent = fenceIndent === undefined ? fence[1]!.length : undefined;
      out.push('```');
    } else if (fenceIndent !== undefined) {
      const indent = Math.min(fenceIndent, raw.length - raw.trimStart().length);
      out.push(raw.slice(indent));
    } else {
      out.push(proseLine(raw));
    }
  }
  return out.join('\n').trim();
}

/**
 * Cuts mrkdwn into chunks of at most `max` characters at line ends, closing and reopening a code
 * fence when a cut falls inside one. A single longer line is cut hard.
 */
export function splitMrkdwn(text: string, max: number): string[] {
  const chunks: string[] = [];
  let current = '';
  let inFence = false;
  const flush = () => {
    if (current.trim() !== '') chunks.push(inFence ? `${current}\n\`\`\`` : current);
    current = inFence ? '```' : '';
  };
  // Reserve room for a closing fence on every chunk.
  const room = max - 4;
  for (const line of text.split('\n')) {
    for (const piece of hardWrap(line, room - 4)) {
      if (current !== '' && current.length + 1 + piece.length > room) flush();
      current = current === '' ? piece : `${current}\n${piece}`;
    }
    if (/^```/.test(line)) inFence = !inFence;
  }
  if (current.trim() !== '' && current !== '```') chunks.push(current);
  return chunks;
}

function hardWrap(line: string, width: number): string[] {
  if (line.length <= width) return [line];
  const pieces: string[] = [];
  for (let i = 0; i < line.length; i += width) pieces.push(line.slice(i, i + width));
  return pieces;
}
