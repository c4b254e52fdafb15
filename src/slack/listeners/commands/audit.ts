// `/mesh audit [cluster]`: the latest audit records (proposals, approvals, refusals, dry runs,
// applies, verifications, undos), newest first, only to the person who asked.

import { suggestClosest } from '../../commands/parse.ts';
import type { EphemeralSlackMessage } from '../../render/index.ts';
import { renderAuditList } from '../../render/remediation.ts';
import type { ListenerContext } from '../context.ts';
import { queueUnavailable, unknownCluster } from '../messages.ts';

export const AUDIT_LIMIT = 20;

export async function audit(ctx: ListenerContext, cluster?: string): Promise<EphemeralSlackMessage> {
  if (cluster !== undefined) {
    const known = ctx.registry().clusters.map((c) => c.name);
    if (!known.includes(cluster)) return unknownCluster(cluster, known, suggestClosest(cluster, known));
  }
  const services = ctx.remediation;
  if (!services) return renderAuditList([], cluster);
  try {
    const entries = await ctx.producer.bounded(services.audit.latest({ limit: AUDIT_LIMIT, ...(cluster ? { cluster } : {}) }));
    return renderAuditList(entries, cluster);
  } catch (err) {
    ctx.logger.warn({ err: (err as Error).message }, '/mesh audit: Redis unavailable');
    return queueUnavailable();
  }
}
