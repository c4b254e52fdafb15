// Prometheus metrics of the bot and the workers (prom-client, one registry per process — or per
// test — instead of the global default). A small set for now; issue 7 adds the rest (check
// durations, Kubernetes calls, approvals, …) on this same registry.

import client from 'prom-client';

export interface Metrics {
  readonly registry: client.Registry;
  slashCommands: client.Counter<'subcommand' | 'outcome'>;
  enqueues: client.Counter<'outcome'>;
  diagnoses: client.Counter<'trigger' | 'outcome'>;
  slackErrors: client.Counter<'method' | 'error'>;
  queueJobs: client.Gauge<'state'>;
  redisUp: client.Gauge;
}

export interface MetricsSources {
  /** Job counts by state, read at scrape time (bounded by the caller). */
  jobCounts?: () => Promise<Record<string, number>>;
  redisUp?: () => Promise<boolean>;
}

export function createMetrics(sources: MetricsSources = {}): Metrics {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'mesh_medic_' });
  const registers = [registry];
  return {
    registry,
    slashCommands: new client.Counter({
      name: 'mesh_medic_slash_commands_total',
      help: '/mesh commands received, by subcommand and outcome',
      labelNames: ['subcommand', 'outcome'],
      registers,
    }),
    enqueues: new client.Counter({
      name: 'mesh_medic_diagnosis_requests_total',
      help: 'Diagnosis requests by outcome: queued, joined (already running) or queue_unavailable',
      labelNames: ['outcome'],
      registers,
    }),
    diagnoses: new client.Counter({
      name: 'mesh_medic_diagnoses_total',
      help: 'Diagnosis job runs by trigger and outcome (done, failed, retrying)',
      labelNames: ['trigger', 'outcome'],
      registers,
    }),
    slackErrors: new client.Counter({
      name: 'mesh_medic_slack_api_errors_total',
      help: 'Failed Slack API calls by method and Slack error code',
      labelNames: ['method', 'error'],
      registers,
    }),
    queueJobs: new client.Gauge({
      name: 'mesh_medic_queue_jobs',
      help: 'Diagnosis jobs in the queue by state',
      labelNames: ['state'],
      registers,
      async collect() {
        const counts = await sources.jobCounts?.().catch(() => undefined);
        if (!counts) return;
        for (const [state, n] of Object.entries(counts)) this.set({ state }, n);
      },
    }),
    redisUp: new client.Gauge({
      name: 'mesh_medic_redis_up',
      help: '1 when Redis answered PING at scrape time',
      registers,
      async collect() {
        if (sources.redisUp) this.set((await sources.redisUp()) ? 1 : 0);
      },
    }),
  };
}
