// Jobs of the alert-sync queue: ids and names only, validated on both sides of the queue.

import { z } from 'zod';
import { isChannelRef } from '../queue/jobs.ts';

const INCIDENT = /^[a-z0-9][-a-z0-9]{0,120}$/;

/** "Bring this incident's thread in line with its latest notification" (the state is in Redis). */
export const syncThreadJobSchema = z.strictObject({ incident: z.string().regex(INCIDENT) });

/** "Tell the default channel that alerts came for a cluster we do not know." */
export const unknownClusterJobSchema = z.strictObject({
  incident: z.string().regex(INCIDENT),
  /** MESH_MEDIC_CHANNEL: an ID or a name (one post, so the name is simply posted to). */
  channel: z.string().refine(isChannelRef, 'must be a Slack channel id or name'),
  /** The label value as sent; absent when the alerts had no cluster label. */
  cluster: z.string().max(256).optional(),
  clusterLabel: z.string().min(1).max(256),
  names: z.array(z.string().max(256)).max(10),
  firing: z.number().int().nonnegative(),
  known: z.array(z.string().max(63)).max(50),
  suggestion: z.string().max(63).optional(),
});

export type SyncThreadJob = z.infer<typeof syncThreadJobSchema>;
export type UnknownClusterJob = z.infer<typeof unknownClusterJobSchema>;
