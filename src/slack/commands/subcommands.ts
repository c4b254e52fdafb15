// The `/mesh` subcommands: one table drives the parser's "valid commands" list and the help
// message, so the two cannot drift apart.

export const SUBCOMMANDS = ['help', 'clusters', 'diagnose', 'playbook', 'status', 'audit'] as const;
export type Subcommand = (typeof SUBCOMMANDS)[number];

export interface SubcommandDoc {
  name: Subcommand;
  /** Arguments as typed after `/mesh <name>`; `<x>` required, `[x]` optional. */
  args: string;
  description: string;
}

export const SUBCOMMAND_DOCS: readonly SubcommandDoc[] = [
  { name: 'diagnose', args: '<cluster> [check-id ...]', description: 'Run the checks (all, or the ones named) against a cluster and report in a thread.' },
  { name: 'clusters', args: '', description: 'List registered clusters with their mesh, role, network and last result.' },
  { name: 'status', args: '[cluster]', description: 'Show running and recent diagnoses.' },
  { name: 'playbook', args: '<id>', description: 'Show a playbook: symptoms, cause, how to confirm and fix.' },
  { name: 'audit', args: '[cluster]', description: 'Show the latest approvals, refusals and applied fixes.' },
  { name: 'help', args: '[command]', description: 'Show this help.' },
];

export function isSubcommand(word: string): word is Subcommand {
  return (SUBCOMMANDS as readonly string[]).includes(word);
}

/** `/mesh diagnose <cluster> [check-id ...]` */
export function usageOf(name: Subcommand): string {
  const doc = SUBCOMMAND_DOCS.find((d) => d.name === name);
  return `/mesh ${name}${doc?.args ? ` ${doc.args}` : ''}`;
}
