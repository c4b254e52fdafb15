// `/mesh clusters`: every registered cluster with its mesh, role, network and last result.

import { codeSpan, escapeTruncated } from '../mrkdwn.ts';
import { type Block, context, type SlackMessage, section } from './blocks.ts';
import { fitItems, linesIntoSections } from './budget.ts';
import { MAX_BLOCKS_PER_MESSAGE, MAX_SECTION_TEXT } from './limits.ts';

export interface ClusterLine {
  name: string;
  mesh: string;
  role: string;
  network?: string;
  /** One short phrase, e.g. "2 fail · 5 min ago"; shown escaped. */
  lastResult?: string;
}

function line(c: ClusterLine): string {
  const network = c.network ? ` · network ${codeSpan(c.network, 63)}` : '';
  const last = c.lastResult ? ` · last: ${escapeTruncated(c.lastResult, 200)}` : ' · not diagnosed yet';
  return `• *${escapeTruncated(c.name, 63)}* · mesh ${codeSpan(c.mesh, 63)} · ${escapeTruncated(c.role, 20)}${network}${last}`;
}

export function renderClusters(clusters: readonly ClusterLine[]): SlackMessage {
  if (clusters.length === 0) {
    return { text: 'No clusters are registered.', blocks: [section('No clusters are registered: add them to `clusters.yaml`.')] };
  }
  const sorted = [...clusters].sort((a, b) => a.name.localeCompare(b.name));
  const blocks: Block[] = linesIntoSections(sorted.map(line), MAX_BLOCKS_PER_MESSAGE - 1, MAX_SECTION_TEXT).map((t) => section(t));
  const count = `${sorted.length} registered cluster${sorted.length === 1 ? '' : 's'}`;
  blocks.push(context(`${count} · \`/mesh diagnose &lt;cluster&gt;\` checks one`));
  const names = fitItems(sorted.map((c) => escapeTruncated(c.name, 63)), { budget: 500, separator: ', ' });
  return { text: `${count}: ${names}`, blocks };
}
