// Redis connections, one factory per way of using Redis:
// - workers (and the worker side of BullMQ) wait out a Redis outage: commands queue while
//   disconnected and are retried forever (`maxRetriesPerRequest: null`, which BullMQ requires);
// - the bot's request path must answer Slack within 3 s, so its commands fail at once while Redis
//   is unreachable (no offline queue) and time out well under a second when Redis hangs.
// Both reconnect on their own, quickly, so the bot recovers by itself when Redis returns.

import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../server/logger.ts';

/** A command on the bot's request path gets this long before it counts as "Redis unavailable". */
export const FAST_COMMAND_TIMEOUT_MS = 500;
// Reconnect quickly (capped) so a returning Redis is noticed within about a second.
const MAX_RECONNECT_DELAY_MS = 1000;

export type RedisRole = 'worker' | 'request-path';

export interface ConnectionOptions {
  /** Used in the connection name (CLIENT LIST) and in logs. */
  name: string;
  logger?: Logger;
}

/** The URL as it may appear in a log line: no user name or password. */
export function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return '(invalid Redis URL)';
  }
}

function reconnectDelay(times: number): number {
  return Math.min(100 * 2 ** Math.min(times, 4), MAX_RECONNECT_DELAY_MS);
}

const ROLE_OPTIONS: Record<RedisRole, RedisOptions> = {
  worker: { maxRetriesPerRequest: null },
  'request-path': {
    enableOfflineQueue: false,
    commandTimeout: FAST_COMMAND_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    connectTimeout: 2000,
  },
};

/** A connection for `role`; it connects in the background and logs each change of state once. */
export function createRedisConnection(url: string, role: RedisRole, opts: ConnectionOptions): Redis {
  const redis = new Redis(url, {
    ...ROLE_OPTIONS[role],
    connectionName: `mesh-medic-${opts.name}`,
    retryStrategy: reconnectDelay,
  });
  logStateChanges(redis, url, opts);
  return redis;
}

/** Logs "unavailable" once per outage and "connected" once per recovery, never the URL's secrets. */
function logStateChanges(redis: Redis, url: string, opts: ConnectionOptions): void {
  let healthy = true;
  const where = `${opts.name} -> ${redactRedisUrl(url)}`;
  redis.on('error', (err: Error) => {
    if (!healthy) return;
    healthy = false;
    opts.logger?.warn({ redis: where, err: err.message }, 'redis unavailable; reconnecting');
  });
  redis.on('ready', () => {
    if (healthy) return;
    healthy = true;
    opts.logger?.info({ redis: where }, 'redis connected again');
  });
}

/** Resolves when the connection is ready, or after `timeoutMs` with false (it keeps trying). */
export function waitUntilReady(redis: Redis, timeoutMs: number): Promise<boolean> {
  if (redis.status === 'ready') return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      resolve(false);
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve(true);
    };
    redis.once('ready', onReady);
  });
}

/** Whether Redis answers PING within `timeoutMs` (for /readyz); never throws. */
export async function redisReachable(redis: Redis, timeoutMs = FAST_COMMAND_TIMEOUT_MS): Promise<boolean> {
  if (redis.status !== 'ready') return false;
  try {
    return (await withTimeout(redis.ping(), timeoutMs)) === 'PONG';
  } catch {
    return false;
  }
}

/** Closes politely (QUIT) when connected, otherwise drops the socket and stops reconnecting. */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'ready') {
    try {
      await withTimeout(redis.quit(), 1000);
      return;
    } catch {
      // fall through: disconnect below
    }
  }
  redis.disconnect(false);
}

export function withTimeout<T>(promise: Promise<T>, ms: number, message = `timed out after ${ms} ms`): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
