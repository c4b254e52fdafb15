// The last diagnosis result of each cluster, for `/mesh clusters`: one Redis hash, one field per
// cluster, small JSON values. Read back through a schema (Redis contents are input too).

import type { Redis } from 'ioredis';
import { z } from 'zod';
import { STATUSES } from '../domain/finding.ts';
import { LAST_RESULTS_KEY } from './names.ts';

const lastResultSchema = z.object({
  cluster: z.string(),
  jobId: z.string(),
  state: z.enum(['done', 'failed']),
  finishedAt: z.iso.datetime(),
  counts: z.partialRecord(z.enum(STATUSES), z.number().int().nonnegative()),
  /** Ids of failing checks. */
  failing: z.array(z.string()),
  thread: z.object({ channel: z.string(), ts: z.string() }).optional(),
});

export type LastResult = z.infer<typeof lastResultSchema>;

export async function saveLastResult(redis: Redis, result: LastResult): Promise<void> {
  await redis.hset(LAST_RESULTS_KEY, result.cluster, JSON.stringify(result));
}

/** Every cluster's last result; unreadable entries are left out. */
export async function readLastResults(redis: Redis): Promise<Map<string, LastResult>> {
  const raw = await redis.hgetall(LAST_RESULTS_KEY);
  const out = new Map<string, LastResult>();
  for (const [cluster, json] of Object.entries(raw)) {
    try {
      const parsed = lastResultSchema.safeParse(JSON.parse(json));
      if (parsed.success) out.set(cluster, parsed.data);
    } catch {
      // skip: a corrupt entry only costs that cluster its "last result" phrase
    }
  }
  return out;
}

/** "2 fail · 1 warn · 5 min ago", the phrase `/mesh clusters` shows. */
export function describeLastResult(r: LastResult, now: Date): string {
  const age = describeAge(now.getTime() - Date.parse(r.finishedAt));
  if (r.state === 'failed') return `diagnosis failed · ${age}`;
  const parts = (['fail', 'error', 'warn'] as const).filter((s) => (r.counts[s] ?? 0) > 0).map((s) => `${r.counts[s]} ${s}`);
  return `${parts.length > 0 ? parts.join(' · ') : 'no failing checks'} · ${age}`;
}

export function describeAge(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} d ago`;
}
