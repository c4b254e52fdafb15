// `/mesh playbook <id>`: the whole playbook, translated to mrkdwn, in as many sections as it needs.

import { escapeTruncated } from '../mrkdwn.ts';
import { type Block, context, header, type SlackMessage, section } from './blocks.ts';
import { MAX_BLOCKS_PER_MESSAGE, MAX_SECTION_TEXT } from './limits.ts';
import { markdownToMrkdwn, splitMrkdwn } from './markdown.ts';

export interface PlaybookPage {
  title: string;
  /** The playbook's markdown (sections with `##` headings). */
  text: string;
}

export function renderPlaybook(p: PlaybookPage): SlackMessage {
  const chunks = splitMrkdwn(markdownToMrkdwn(p.text), MAX_SECTION_TEXT);
  // One block for the header, one kept free for the "did not fit" note.
  const room = MAX_BLOCKS_PER_MESSAGE - 2;
  const blocks: Block[] = [header(p.title), ...chunks.slice(0, room).map((c) => section(c))];
  if (chunks.length > room) blocks.push(context(`…${chunks.length - room} more parts did not fit in one message.`));
  return { text: `Playbook: ${escapeTruncated(p.title, 150)}`, blocks };
}
