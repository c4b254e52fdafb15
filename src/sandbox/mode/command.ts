// `mesh-medic all` without SLACK_BOT_TOKEN (what `npm start` runs): sandbox mode in the
// foreground. Human lines go to stdout, JSON logs to stderr. The first Ctrl-C / SIGTERM stops
// everything gracefully; a second one gives up waiting and exits at once.

import type { SandboxEnv } from '../../config/env.ts';
import { createLogger } from '../../server/logger.ts';
import type { CliIo } from '../../cli/io.ts';
import { startSandboxMode } from './start.ts';

export interface SandboxModeCommandOptions {
  host?: string;
  /** Resolves when the run should stop (default: SIGINT or SIGTERM). */
  until?: Promise<unknown>;
}

/** Exit code of a forced stop (the second Ctrl-C), as shells report SIGINT. */
const FORCED_EXIT = 130;

export async function sandboxModeCommand(env: SandboxEnv, io: CliIo, opts: SandboxModeCommandOptions = {}): Promise<number> {
  const logger = createLogger({ level: env.logLevel, destination: { write: (line: string) => io.stderr(line) } });
  const signals = opts.until ? undefined : watchSignals();
  try {
    const run = await startSandboxMode(env, { logger, print: (line) => io.stdout(`${line}\n`), cwd: io.cwd, ...(opts.host ? { host: opts.host } : {}) });
    signals?.onSecond(() => {
      io.stderr('second stop signal: exiting now without waiting\n');
      run.killNow();
      process.exit(FORCED_EXIT);
    });
    await (opts.until ?? signals?.first);
    io.stdout('stopping: worker (finishes running diagnoses), emulator and bot, clusters, redis…\n');
    await run.stop();
    io.stdout('stopped\n');
    return 0;
  } finally {
    signals?.dispose();
  }
}

interface Signals {
  first: Promise<void>;
  onSecond(handler: () => void): void;
  dispose(): void;
}

/** Installed before anything starts, so a Ctrl-C during start-up still stops cleanly. */
function watchSignals(): Signals {
  let count = 0;
  let resolveFirst: () => void = () => {};
  let second: () => void = () => {};
  const first = new Promise<void>((resolve) => {
    resolveFirst = resolve;
  });
  const handler = () => {
    count++;
    if (count === 1) resolveFirst();
    else second();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    first,
    onSecond: (h) => {
      second = h;
    },
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
