// `mesh-medic all`: the bot and a worker in one process (small installs, and the sandbox),
// sharing one HTTP server and one metrics registry. Without SLACK_BOT_TOKEN it is sandbox mode
// (`npm start`): src/sandbox/mode/ starts redis, clusters and the Slack emulator around them.

import { parseArgs } from 'node:util';
import { readServiceEnv } from '../config/env.ts';
import { startBot } from '../server/bot.ts';
import { startDiagnoseWorker } from '../workers/index.ts';
import { processLogger, type ServiceDeps, stopSignal } from './bot-command.ts';
import type { CliIo } from './io.ts';

export async function allCommand(argv: string[], io: CliIo, deps: ServiceDeps = {}): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { host: { type: 'string' } }, strict: true, allowPositionals: false });
  const env = readServiceEnv(io.env);
  if (env.mode === 'sandbox') {
    const { sandboxModeCommand } = await import('../sandbox/mode/command.ts');
    return sandboxModeCommand(env, io, { ...(values.host ? { host: values.host } : {}), ...(deps.until ? { until: deps.until } : {}) });
  }
  const { settings, logLevel } = env;
  const signal = stopSignal(deps.until);
  try {
    const logger = deps.logger ?? processLogger(io, logLevel);
    const bot = await startBot(settings, { logger, cwd: io.cwd, ...(values.host ? { host: values.host } : {}) });
    let worker: ReturnType<typeof startDiagnoseWorker>;
    try {
      worker = startDiagnoseWorker(settings, { logger, metrics: bot.metrics, cwd: io.cwd, ...settings.worker });
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
