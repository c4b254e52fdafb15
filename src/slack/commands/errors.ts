// Why a `/mesh` command was refused. Returned (not thrown) by the parser, shown ephemerally.

import { MeshMedicError } from '../../domain/errors.ts';

export type CommandErrorReason =
  | 'too-long'
  | 'control-characters'
  | 'unknown-subcommand'
  | 'missing-argument'
  | 'too-many-arguments'
  | 'too-many-checks'
  | 'invalid-name';

/**
 * A refused command. `message` is mrkdwn that is safe to post as is: any user text in it has been
 * escaped, put in a code span and truncated. `code` is always `USAGE`; `reason` says which rule.
 */
export class CommandError extends MeshMedicError {
  readonly ok = false;
  readonly reason: CommandErrorReason;

  constructor(reason: CommandErrorReason, mrkdwnMessage: string) {
    super('USAGE', mrkdwnMessage, { unrecoverable: true });
    this.name = 'CommandError';
    this.reason = reason;
  }
}
