// Which clusters fixes changed, and when, as every worker reads it from a real redis-server.

import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterChanges, markClusterChanged } from '../../src/queue/cluster-changes.ts';
import { CLUSTER_CHANGES_KEY } from '../../src/queue/names.ts';
import { startRedis, type TestRedis } from '../helpers/redis.ts';

let server: TestRedis;
let redis: Redis;

beforeAll(async () => {
  server = await startRedis();
  redis = new Redis(server.url, { maxRetriesPerRequest: 1 });
});

afterAll(async () => {
  redis?.disconnect();
  await server?.close();
});

describe('cluster changes', () => {
  it('records the last change of each cluster and answers for the clusters asked about', async () => {
    await markClusterChanged(redis, 'prod-east', 1_000);
    await markClusterChanged(redis, 'prod-east', 2_000);
    await markClusterChanged(redis, 'prod-west', 1_500);
    expect(await clusterChanges(redis, ['prod-east', 'never-fixed'])).toEqual(new Map([['prod-east', 2_000]]));
    expect(await clusterChanges(redis, [])).toEqual(new Map());
  });

  it('ignores a value that is not a time (Redis contents are input too)', async () => {
    await redis.hset(CLUSTER_CHANGES_KEY, 'garbled', 'yesterday');
    expect(await clusterChanges(redis, ['garbled', 'prod-west'])).toEqual(new Map([['prod-west', 1_500]]));
  });
});
