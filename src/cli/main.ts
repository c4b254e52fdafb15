// The command line: `mesh-medic <command> ...`. bin/mesh-medic.js calls main() and exits with
// the number it returns: 0 no failure, 1 a check failed, 2 usage, registry or other errors.

import { isMeshMedicError } from '../domain/errors.ts';
import { checksCommand, playbookCommand } from './catalog-commands.ts';
import { diagnoseCommand } from './diagnose-command.ts';
import { type CliDeps, type CliIo, processIo } from './io.ts';
import { rbacCommand } from './rbac-command.ts';
import { runSandboxCommand } from './sandbox-command.ts';
import { USAGE } from './usage.ts';

export type Command = (argv: string[], io: CliIo, deps: CliDeps) => Promise<number>;

const help: Command = async (_argv, io) => {
  io.stdout(USAGE);
  return 0;
};

export const COMMANDS: Record<string, Command> = {
  diagnose: diagnoseCommand,
  checks: checksCommand,
  playbook: playbookCommand,
  help,
  rbac: (argv, io) => rbacCommand(argv, io),
  sandbox: (argv, io) => runSandboxCommand(argv, io),
  // Loaded on use: Bolt, BullMQ and ioredis are not needed by the other commands.
  bot: async (argv, io) => (await import('./bot-command.ts')).botCommand(argv, io),
  worker: async (argv, io) => (await import('./worker-command.ts')).workerCommand(argv, io),
  all: async (argv, io) => (await import('./all-command.ts')).allCommand(argv, io),
  bench: async (argv, io) => (await import('./bench-command.ts')).benchCommand(argv, io),
};

export const EXIT = { ok: 0, failFound: 1, error: 2 } as const;

export async function main(argv: string[], io: CliIo = processIo(), deps: CliDeps = {}): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    (name === undefined ? io.stderr : io.stdout)(USAGE);
    return name === undefined ? EXIT.error : EXIT.ok;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    io.stderr(`unknown command '${name}'\n\n${USAGE}`);
    return EXIT.error;
  }
  if (rest.includes('--help') || rest.includes('-h')) return help(rest, io, deps);
  try {
    return await command(rest, io, deps);
  } catch (err) {
    io.stderr(`${errorText(err)}\n`);
    return EXIT.error;
  }
}

function errorText(err: unknown): string {
  if (isMeshMedicError(err)) return `error (${err.code}): ${err.message}`;
  // node:util parseArgs: unknown option, missing value, … are usage errors.
  const code = (err as { code?: unknown })?.code;
  if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) return `usage error: ${(err as Error).message}`;
  return `error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`;
}
