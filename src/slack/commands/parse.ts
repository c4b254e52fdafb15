// `/mesh …` text -> a typed command. The text is untrusted: its length is bounded, control and
// bidi-override characters are refused, every argument must be a DNS-label-like name, and what
// comes back holds only validated tokens (never the raw text). Whether a cluster, check or
// playbook exists is the bot's business (it has the registry); this module only checks shape.

import { codeSpan, truncate } from '../mrkdwn.ts';
import { CommandError } from './errors.ts';
import { isSubcommand, SUBCOMMANDS, type Subcommand, usageOf } from './subcommands.ts';
import { suggestClosest } from './suggest.ts';

export { CommandError, type CommandErrorReason } from './errors.ts';
export { suggestClosest } from './suggest.ts';

export const MAX_COMMAND_LENGTH = 500;
export const MAX_CHECK_IDS = 25;
/** Cluster names, check ids and playbook ids: a lowercase DNS label. */
export const NAME_PATTERN = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
// How much of a refused word an error message quotes back.
const QUOTE_CHARS = 40;

export type ParsedCommand =
  | { ok: true; command: 'help'; topic?: Subcommand }
  | { ok: true; command: 'clusters' }
  | { ok: true; command: 'diagnose'; cluster: string; checks: string[] }
  | { ok: true; command: 'playbook'; id: string }
  | { ok: true; command: 'status'; cluster?: string }
  | { ok: true; command: 'audit'; cluster?: string };

// Control characters other than tab/newline/carriage return (those separate words), DEL, C1, and
// the invisible bidi overrides and isolates.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const FORBIDDEN_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

export function parseMeshCommand(text: string): ParsedCommand | CommandError {
  if (text.length > MAX_COMMAND_LENGTH) {
    return new CommandError(
      'too-long',
      `That command is ${text.length.toLocaleString('en-US')} characters long; the limit is ${MAX_COMMAND_LENGTH}.`,
    );
  }
  if (FORBIDDEN_CHARS.test(text)) {
    return new CommandError('control-characters', 'That command contains control or invisible formatting characters; type it again as plain text.');
  }
  const words = text.trim().split(/\s+/).filter((w) => w !== '');
  const [first, ...args] = words;
  if (first === undefined) return { ok: true, command: 'help' };
  const sub = first.toLowerCase();
  if (!isSubcommand(sub)) return unknownSubcommand(first);
  return parseArgs(sub, args);
}

function parseArgs(sub: Subcommand, args: string[]): ParsedCommand | CommandError {
  switch (sub) {
    case 'help':
      return parseHelp(args);
    case 'clusters':
      return args.length > 0 ? tooManyArguments(sub) : { ok: true, command: 'clusters' };
    case 'diagnose':
      return parseDiagnose(args);
    case 'playbook':
      return parsePlaybook(args);
    case 'status':
    case 'audit':
      return parseOptionalCluster(sub, args);
  }
}

function parseHelp(args: string[]): ParsedCommand | CommandError {
  if (args.length > 1) return tooManyArguments('help');
  const [topic] = args;
  if (topic === undefined) return { ok: true, command: 'help' };
  const lower = topic.toLowerCase();
  return isSubcommand(lower) ? { ok: true, command: 'help', topic: lower } : unknownSubcommand(topic);
}

function parseDiagnose(args: string[]): ParsedCommand | CommandError {
  const [cluster, ...checks] = args;
  if (cluster === undefined) return missingArgument('diagnose', 'Which cluster?');
  const badCluster = invalidName(cluster, 'cluster name');
  if (badCluster) return badCluster;
  if (checks.length > MAX_CHECK_IDS) {
    return new CommandError('too-many-checks', `That names ${checks.length} checks; at most ${MAX_CHECK_IDS} fit in one diagnosis. Leave them out to run every check.`);
  }
  for (const check of checks) {
    const bad = invalidName(check, 'check id');
    if (bad) return bad;
  }
  return { ok: true, command: 'diagnose', cluster, checks: [...new Set(checks)] };
}

function parsePlaybook(args: string[]): ParsedCommand | CommandError {
  const [id, ...rest] = args;
  if (id === undefined) return missingArgument('playbook', 'Which playbook?');
  if (rest.length > 0) return tooManyArguments('playbook');
  return invalidName(id, 'playbook id') ?? { ok: true, command: 'playbook', id };
}

function parseOptionalCluster(sub: 'status' | 'audit', args: string[]): ParsedCommand | CommandError {
  const [cluster, ...rest] = args;
  if (rest.length > 0) return tooManyArguments(sub);
  if (cluster === undefined) return { ok: true, command: sub };
  return invalidName(cluster, 'cluster name') ?? { ok: true, command: sub, cluster };
}

/** A refused word as it may appear in a message: escaped, in a code span, cut short. */
function quote(word: string): string {
  return codeSpan(truncate(word, QUOTE_CHARS));
}

function invalidName(word: string, what: string): CommandError | undefined {
  if (NAME_PATTERN.test(word)) return undefined;
  const lower = word.toLowerCase();
  const hint = NAME_PATTERN.test(lower) ? ` Names are lowercase: did you mean ${codeSpan(lower)}?` : '';
  return new CommandError(
    'invalid-name',
    `${quote(word)} is not a valid ${what}: use lowercase letters, digits and \`-\` (at most 63, starting and ending with a letter or digit).${hint}`,
  );
}

function unknownSubcommand(word: string): CommandError {
  const guess = suggestClosest(word, SUBCOMMANDS);
  const hint = guess ? ` Did you mean ${codeSpan(guess)}?` : '';
  const valid = SUBCOMMANDS.map((s) => codeSpan(s)).join(', ');
  return new CommandError('unknown-subcommand', `Unknown command ${quote(word)}.${hint} Valid commands: ${valid}.`);
}

function missingArgument(sub: Subcommand, question: string): CommandError {
  return new CommandError('missing-argument', `${question} Usage: ${codeSpan(usageOf(sub))}`);
}

function tooManyArguments(sub: Subcommand): CommandError {
  return new CommandError('too-many-arguments', `Too many arguments. Usage: ${codeSpan(usageOf(sub))}`);
}
