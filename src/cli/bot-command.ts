// `mesh-medic bot`: the Slack app (HTTP receiver at /slack/events, or Socket Mode) plus /healthz,
// /readyz and /metrics on PORT. Runs until SIGINT/SIGTERM, then shuts down gracefully.

import { parseArgs } from 'node:util';
import { readBotEnv } from '../config/env.ts';
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
  const logger = deps.logger ?? processLogger(io);
  const bot = await startBot(settings, { logger, cwd: io.cwd, ...(values.host ? { host: values.host } : {}) });
  logger.info(
    { url: bot.http.url, mode: bot.socketMode ? 'socket' : 'http', clusters: bot.registry.clusters.length },
    bot.socketMode ? 'bot connected to Slack (Socket Mode); health and metrics served' : 'bot listening: /slack/events, /healthz, /readyz, /metrics',
  );
  await (deps.until ?? waitForSignal());
  logger.info('stopping bot');
  await bot.close();
  return 0;
}

/** JSON log lines on the command's stdout. */
export function processLogger(io: CliIo): Logger {
  return createLogger({ destination: { write: (line: string) => io.stdout(line) } });
}

export function waitForSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const done = (sig: NodeJS.Signals) => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve(sig);
    };
    process.on('SIGINT', done);
    process.on('SIGTERM', done);
  });
}
