// Prometheus metrics of the bot and the workers (prom-client, one registry per process — or per
// test — instead of the global default). Issue 7's operations list: diagnoses by trigger and
// outcome, check durations, findings by check and status, Kubernetes API calls and errors by
// cluster, queue depth (read at scrape time), approvals and remediations by outcome, Slack API
// errors. Counters other modules increment are fields of `Metrics`; nothing uses prom-client's
// global registry, so two registries (tests) never clash.

import client from 'prom-client';

export interface Metrics {
  readonly registry: client.Registry;
  slashCommands: client.Counter<'subcommand' | 'outcome'>;
  enqueues: client.Counter<'outcome'>;
  diagnoses: client.Counter<'trigger' | 'outcome'>;
  slackErrors: client.Counter<'method' | 'error'>;
  queueJobs: client.Gauge<'state'>;
  /** Jobs waiting to run (waiting + delayed + prioritized), read at scrape time. */
  queueDepth: client.Gauge;
  redisUp: client.Gauge;
  /** Seconds one check's `run` took, by check id. */
  checkDuration: client.Histogram<'check'>;
  /** Findings of finished diagnoses, by check id and status (pass, warn, fail, error, skipped). */
  findings: client.Counter<'check' | 'status'>;
  /** Kubernetes API calls made while reading clusters, by registered cluster name. */
  k8sApiCalls: client.Counter<'cluster'>;
  /** Failed Kubernetes reads, by cluster and error code (K8S_UNAUTHORIZED, K8S_TIMEOUT, …). */
  k8sApiErrors: client.Counter<'cluster' | 'code'>;
  /** Approval decisions on proposed fixes: approved, rejected, denied (not an approver), expired. */
  approvals: client.Counter<'outcome'>;
  /** Remediations run after approval, by remediation id and outcome (verified, failed, rolled_back, …). */
  remediations: client.Counter<'remediation' | 'outcome'>;
}

/** Names of the metrics, for dashboards, alerts and tests. */
export const METRIC_NAMES = {
  slashCommands: 'mesh_medic_slash_commands_total',
  enqueues: 'mesh_medic_diagnosis_requests_total',
  diagnoses: 'mesh_medic_diagnoses_total',
  slackErrors: 'mesh_medic_slack_api_errors_total',
  queueJobs: 'mesh_medic_queue_jobs',
  queueDepth: 'mesh_medic_queue_depth',
  redisUp: 'mesh_medic_redis_up',
  checkDuration: 'mesh_medic_check_duration_seconds',
  findings: 'mesh_medic_findings_total',
  k8sApiCalls: 'mesh_medic_k8s_api_calls_total',
  k8sApiErrors: 'mesh_medic_k8s_api_errors_total',
  approvals: 'mesh_medic_approvals_total',
  remediations: 'mesh_medic_remediations_total',
} as const;

// Checks run over an in-memory snapshot: most take well under a millisecond; a slow one is news.
const CHECK_DURATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];
// States BullMQ reports for jobs that have not started yet.
const WAITING_STATES = ['waiting', 'delayed', 'prioritized', 'waiting-children'];

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
    queueDepth: new client.Gauge({
      name: METRIC_NAMES.queueDepth,
      help: 'Diagnosis jobs waiting to run (waiting, delayed, prioritized), read at scrape time',
      registers,
      async collect() {
        const counts = await sources.jobCounts?.().catch(() => undefined);
        if (!counts) return;
        this.set(WAITING_STATES.reduce((n, state) => n + (counts[state] ?? 0), 0));
      },
    }),
    checkDuration: new client.Histogram({
      name: METRIC_NAMES.checkDuration,
      help: 'How long one check took to evaluate a snapshot, by check (a check re-run on a peer read in full is observed again)',
      labelNames: ['check'],
      buckets: CHECK_DURATION_BUCKETS,
      registers,
    }),
    findings: new client.Counter({
      name: METRIC_NAMES.findings,
      help: 'Findings of finished diagnoses by check and status',
      labelNames: ['check', 'status'],
      registers,
    }),
    k8sApiCalls: new client.Counter({
      name: METRIC_NAMES.k8sApiCalls,
      help: 'Kubernetes API calls made while reading clusters, by cluster',
      labelNames: ['cluster'],
      registers,
    }),
    k8sApiErrors: new client.Counter({
      name: METRIC_NAMES.k8sApiErrors,
      help: 'Failed Kubernetes reads by cluster and error code',
      labelNames: ['cluster', 'code'],
      registers,
    }),
    approvals: new client.Counter({
      name: METRIC_NAMES.approvals,
      help: 'Decisions on proposed fixes by outcome (approved, rejected, denied, expired)',
      labelNames: ['outcome'],
      registers,
    }),
    remediations: new client.Counter({
      name: METRIC_NAMES.remediations,
      help: 'Remediations run after approval, by remediation and outcome',
      labelNames: ['remediation', 'outcome'],
      registers,
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
