// When a fix last changed each cluster, shared by every worker process. A worker keeps what it read
// of peer clusters for a few seconds (engine/peer-cache.ts); a fix applied by another worker must
// still be seen by the next diagnosis anywhere, so a diagnosis first asks which of its peers changed
// since it read them (one HMGET) and reads those again.

import type { Redis } from 'ioredis';
import { CLUSTER_CHANGES_KEY } from './names.ts';

export async function markClusterChanged(redis: Redis, cluster: string, at: number = Date.now()): Promise<void> {
  await redis.hset(CLUSTER_CHANGES_KEY, cluster, String(at));
}

/** When each of `clusters` was last changed by a fix (ms since the epoch); absent: never. */
export async function clusterChanges(redis: Redis, clusters: readonly string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (clusters.length === 0) return out;
  const values = await redis.hmget(CLUSTER_CHANGES_KEY, ...clusters);
  clusters.forEach((cluster, i) => {
    const at = Number(values[i]);
    if (values[i] !== null && Number.isFinite(at)) out.set(cluster, at);
  });
  return out;
}
