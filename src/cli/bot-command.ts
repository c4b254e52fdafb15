// `mesh-medic bot`: the Slack app (HTTP receiver at /slack/events, or Socket Mode) plus /healthz,
// /readyz and /metrics on PORT. Runs until SIGINT/SIGTERM, then shuts down gracefully.

import { parseArgs } from 'node:util';
import { type LogLevel, readBotEnv, readLogLevel } from '../config/env.ts';
import { startBot } from '../server/bot.ts';
import { createLogger, type Logger } from '../server/logger.ts';
import type { CliIo } from './io.ts';

export interface ServiceDeps {
  /** Resolves when the service should stop (default: SIGINT or SIGTERM). */
  until?: Promise<unknown>;
  logger?: Logger;
}

export async function botCommand(argv: string[], io: CliIo, deps: ServiceDeps = {}): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { host: { type: 'string' } }, strict: true, allowPositionals: false });
  const settings = readBotEnv(io.env);
  const signal = stopSignal(deps.until);
  try {
    const logger = deps.logger ?? processLogger(io, readLogLevel(io.env));
    const bot = await startBot(settings, { logger, cwd: io.cwd, ...(values.host ? { host: values.host } : {}) });
    logger.info(
      { url: bot.http.url, mode: bot.socketMode ? 'socket' : 'http', clusters: bot.registry.clusters.length },
      bot.socketMode ? 'bot connected to Slack (Socket Mode); health and metrics served' : 'bot listening: /slack/events, /healthz, /readyz, /metrics',
    );
    await signal.stopped;
    logger.info('stopping bot');
    await bot.close();
    return 0;
  } finally {
    signal.dispose();
  }
}

/** JSON log lines on the command's stdout, from MESH_MEDIC_LOG_LEVEL up. */
export function processLogger(io: CliIo, level: LogLevel): Logger {
  return createLogger({ level, destination: { write: (line: string) => io.stdout(line) } });
}

export interface StopSignal {
  /** Resolves on SIGINT/SIGTERM (or with `until`, when given). */
  stopped: Promise<unknown>;
  /** Removes the signal handlers (on every way out of the command). */
  dispose(): void;
}

/** Installed before anything starts, so a stop during start-up is graceful too. */
export function stopSignal(until?: Promise<unknown>): StopSignal {
  if (until) return { stopped: until, dispose: () => {} };
  let done: (sig: NodeJS.Signals) => void = () => {};
  const stopped = new Promise<NodeJS.Signals>((resolve) => {
    done = resolve;
  });
  process.on('SIGINT', done);
  process.on('SIGTERM', done);
  return {
    stopped,
    dispose: () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
    },
  };
}
