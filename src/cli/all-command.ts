// `mesh-medic all`: the bot and a worker in one process (small installs, and the sandbox later),
// sharing one HTTP server and one metrics registry.

import { parseArgs } from 'node:util';
import { readBotEnv } from '../config/env.ts';
import { startBot } from '../server/bot.ts';
import { startDiagnoseWorker } from '../workers/index.ts';
import { processLogger, type ServiceDeps, stopSignal } from './bot-command.ts';
import type { CliIo } from './io.ts';

export async function allCommand(argv: string[], io: CliIo, deps: ServiceDeps = {}): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { host: { type: 'string' } }, strict: true, allowPositionals: false });
  const settings = readBotEnv(io.env);
  const signal = stopSignal(deps.until);
  try {
    const logger = deps.logger ?? processLogger(io);
    const bot = await startBot(settings, { logger, cwd: io.cwd, ...(values.host ? { host: values.host } : {}) });
    let worker: ReturnType<typeof startDiagnoseWorker>;
    try {
      worker = startDiagnoseWorker(settings, { logger, metrics: bot.metrics, cwd: io.cwd });
    } catch (err) {
      await bot.close();
      throw err;
    }
    logger.info({ url: bot.http.url, mode: bot.socketMode ? 'socket' : 'http' }, 'bot and worker running in one process');
    await signal.stopped;
    logger.info('stopping: bot first (no new requests), then the worker (finishes running jobs)');
    await bot.close();
    await worker.close();
    return 0;
  } finally {
    signal.dispose();
  }
}
