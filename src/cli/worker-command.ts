// `mesh-medic worker`: diagnosis workers, plus /healthz, /readyz and /metrics on PORT (so a
// worker Deployment has probes too). SIGTERM stops taking jobs and lets running ones finish.

import { parseArgs } from 'node:util';
import { readBotEnv, readLogLevel } from '../config/env.ts';
import { MeshMedicError } from '../domain/errors.ts';
import { redisReachable } from '../redis/connections.ts';
import { startHttpServer } from '../server/http-server.ts';
import { createMetrics } from '../server/metrics.ts';
import { startDiagnoseWorker } from '../workers/index.ts';
import { processLogger, type ServiceDeps, stopSignal } from './bot-command.ts';
import type { CliIo } from './io.ts';

export async function workerCommand(argv: string[], io: CliIo, deps: ServiceDeps = {}): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { concurrency: { type: 'string' }, host: { type: 'string' } },
    strict: true,
    allowPositionals: false,
  });
  const concurrency = parseConcurrency(values.concurrency);
  const settings = readBotEnv(io.env);
  const signal = stopSignal(deps.until);
  try {
    const logger = deps.logger ?? processLogger(io, readLogLevel(io.env));
    let redisUp = async () => false;
    const metrics = createMetrics({ redisUp: () => redisUp() });
    const worker = startDiagnoseWorker(settings, { logger, metrics, cwd: io.cwd, ...settings.worker, ...(concurrency ? { concurrency } : {}) });
    redisUp = () => redisReachable(worker.redis);
    const http = await startHttpServer({
      port: settings.port,
      ...(values.host ? { host: values.host } : {}),
      readiness: async () => {
        const ok = await redisUp();
        return { ready: ok, checks: { redis: ok ? 'ok' : 'unreachable' } };
      },
      metrics,
      logger,
    }).catch(async (err: unknown) => {
      // PORT taken, say: leave nothing running behind the error.
      await worker.close();
      throw err;
    });
    logger.info({ url: http.url, concurrency: concurrency ?? 4 }, 'worker started: /healthz, /readyz, /metrics');
    await signal.stopped;
    logger.info('stopping worker: finishing running jobs');
    await http.close();
    await worker.close();
    return 0;
  } finally {
    signal.dispose();
  }
}

function parseConcurrency(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 100) {
    throw new MeshMedicError('USAGE', `--concurrency must be a whole number from 1 to 100, got '${value}'`);
  }
  return n;
}
