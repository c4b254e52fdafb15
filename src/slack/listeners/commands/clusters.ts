// `/mesh clusters`: the registry with each cluster's last result (kept in Redis by the workers).
// Without Redis the list still comes, without the last results.

import { describeLastResult, type LastResult, readLastResults } from '../../../queue/last-results.ts';
import { type ClusterLine, type EphemeralSlackMessage, renderClusters } from '../../render/index.ts';
import type { ListenerContext } from '../context.ts';
import { ephemeral } from '../messages.ts';

export async function clusters(ctx: ListenerContext): Promise<EphemeralSlackMessage> {
  let last: Map<string, LastResult> | undefined;
  try {
    last = await ctx.producer.bounded(readLastResults(ctx.redis));
  } catch (err) {
    ctx.logger.warn({ err: (err as Error).message }, '/mesh clusters without last results: queue unavailable');
  }
  const now = ctx.now?.() ?? new Date();
  const lines: ClusterLine[] = ctx.registry().clusters.map((c) => {
    const line: ClusterLine = { name: c.name, mesh: c.mesh, role: c.role };
    if (c.network) line.network = c.network;
    const result = last?.get(c.name);
    if (result) line.lastResult = describeLastResult(result, now);
    else if (!last) line.lastResult = 'unknown (queue unavailable)';
    return line;
  });
  return ephemeral(renderClusters(lines));
}
