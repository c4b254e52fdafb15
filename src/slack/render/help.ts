// `/mesh help`: generated from the subcommand table the parser uses, so it lists exactly what
// the parser accepts.

import { SUBCOMMAND_DOCS, type Subcommand, usageOf } from '../commands/subcommands.ts';
import { codeSpan } from '../mrkdwn.ts';
import { context, type SlackMessage, section } from './blocks.ts';

export function renderHelp(topic?: Subcommand): SlackMessage {
  const docs = topic ? SUBCOMMAND_DOCS.filter((d) => d.name === topic) : SUBCOMMAND_DOCS;
  const lines = docs.map((d) => `${codeSpan(usageOf(d.name))}\n${d.description}`);
  return {
    text: topic ? `Usage: ${usageOf(topic)}` : 'mesh-medic commands: /mesh diagnose, clusters, status, playbook, audit, help',
    blocks: [
      section(`*mesh-medic* diagnoses Istio meshes and proposes fixes a person approves.\n\n${lines.join('\n\n')}`),
      context('Cluster names, check ids and playbook ids are lowercase, like `prod-east` or `istiod-remote-endpoints`.'),
    ],
  };
}
