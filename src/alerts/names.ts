// Where alert handling keeps its state in Redis, beside the diagnosis queue (src/queue/names.ts).
// Own key space `mesh-medic:alert:*`, and its own BullMQ queue `alert-sync` for the Slack side
// effects of notifications (thread updates, resolutions, unknown-cluster notices).

import { QUEUE_PREFIX } from '../queue/names.ts';

/** BullMQ queue: jobs that bring Slack in line with an incident, and unknown-cluster notices. */
export const ALERT_SYNC_QUEUE = 'alert-sync';
export const SYNC_THREAD_JOB = 'sync-thread';
export const UNKNOWN_CLUSTER_JOB = 'unknown-cluster';

/** Hash per incident: its current diagnosis job and the latest notification's state. */
export const incidentKey = (incident: string): string => `${QUEUE_PREFIX}:alert:incident:${incident}`;

/** Hash per alert-triggered diagnosis job: what its thread shows of the alert (see store.ts). */
export const alertThreadKey = (jobId: string): string => `${QUEUE_PREFIX}:alert:thread:${jobId}`;

/** Incident state outlives the window: a resolution can come hours after the diagnosis. */
export const INCIDENT_TTL_SECONDS = 7 * 24 * 3600;
