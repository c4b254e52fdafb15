// Where mesh-medic keeps its state in Redis. Every key starts with `mesh-medic:` so one Redis can
// be shared with other applications and `redis-cli --scan --pattern 'mesh-medic:*'` shows it all.

/** BullMQ key prefix: queues live under `mesh-medic:<queue>:…`. */
export const QUEUE_PREFIX = 'mesh-medic';

/** One job per cluster diagnosed. */
export const DIAGNOSE_QUEUE = 'diagnose';
export const DIAGNOSE_JOB = 'diagnose';

/** Hash per diagnosis job: which user-visible effects already happened (see effects.ts). */
export const effectsKey = (jobId: string): string => `${QUEUE_PREFIX}:effects:${jobId}`;

/** Hash: cluster name -> when a fix last changed it (ms since the epoch), for workers' peer caches. */
export const CLUSTER_CHANGES_KEY = `${QUEUE_PREFIX}:cluster-changed`;

/** Hash: cluster name -> JSON of its last diagnosis result (for `/mesh clusters`). */
export const LAST_RESULTS_KEY = `${QUEUE_PREFIX}:last-result`;
