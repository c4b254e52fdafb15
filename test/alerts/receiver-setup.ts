// The webhook handler on its own small HTTP server, with a real redis-server behind it and a fixed
// registry: for tests of the receiver that need no cluster, worker or Slack.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { type AlertsHandler, createAlertsHandler } from '../../src/alerts/index.ts';
import { ALERT_SYNC_QUEUE } from '../../src/alerts/names.ts';
import type { AlertSettings } from '../../src/config/env.ts';
import type { Registry } from '../../src/domain/cluster.ts';
import { loadPlaybooks } from '../../src/playbooks/index.ts';
import { QUEUE_PREFIX } from '../../src/queue/names.ts';
import { DiagnosisProducer } from '../../src/queue/producer.ts';
import { closeRedis, createRedisConnection, waitUntilReady } from '../../src/redis/connections.ts';
import { silentLogger } from '../../src/server/logger.ts';
import { createMetrics, type Metrics } from '../../src/server/metrics.ts';
import { ALERT_TOKEN } from './harness.ts';

export const EAST_CHANNEL = 'C0EAST00001';
export const DEFAULT_CHANNEL = 'C0DEFAULT01';

export const REGISTRY: Registry = {
  path: '/etc/mesh-medic/clusters.yaml',
  meshes: [{ id: 'mesh-a' }],
  clusters: [
    { name: 'prod-east', kubeconfig: '/dev/null', mesh: 'mesh-a', role: 'primary', production: true, channel: EAST_CHANNEL },
    { name: 'prod-west', kubeconfig: '/dev/null', mesh: 'mesh-a', role: 'primary', production: true },
  ],
};

export interface ReceiverUnderTest {
  url: string;
  redis: Redis;
  producer: DiagnosisProducer;
  syncQueue: Queue;
  metrics: Metrics;
  /** Jobs in the diagnosis queue and the alert-sync queue, every state. */
  jobCounts(): Promise<{ diagnose: number; sync: number }>;
  close(): Promise<void>;
}

export async function startReceiver(redisUrl: string, opts: { settings?: Partial<AlertSettings>; defaultChannel?: string | null; maxBodyBytes?: number } = {}): Promise<ReceiverUnderTest> {
  const redis = createRedisConnection(redisUrl, 'request-path', { name: 'alerts-test' });
  await waitUntilReady(redis, 5000);
  const producer = new DiagnosisProducer(redis);
  const metrics = createMetrics();
  const defaultChannel = opts.defaultChannel === undefined ? DEFAULT_CHANNEL : opts.defaultChannel;
  const handler: AlertsHandler = createAlertsHandler({
    settings: { token: ALERT_TOKEN, clusterLabel: 'cluster', windowMs: 10 * 60_000, ...opts.settings },
    ...(defaultChannel ? { defaultChannel } : {}),
    registry: () => REGISTRY,
    playbooks: loadPlaybooks(),
    producer,
    redis,
    metrics,
    logger: silentLogger(),
    ...(opts.maxBodyBytes ? { maxBodyBytes: opts.maxBodyBytes } : {}),
  });
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const syncQueue = new Queue(ALERT_SYNC_QUEUE, { connection: redis, prefix: QUEUE_PREFIX });
  const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/alerts`,
    redis,
    producer,
    syncQueue,
    metrics,
    async jobCounts() {
      const [d, s] = await Promise.all([producer.withQueue((q) => q.getJobCounts()), syncQueue.getJobCounts()]);
      return { diagnose: total(d), sync: total(s) };
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await handler.close();
      await syncQueue.close();
      await producer.close();
      await closeRedis(redis);
    },
  };
}
