// What one Alertmanager notification does, per incident (cluster, group) it holds:
// - firing, first time in the window: queue one diagnosis (BullMQ deduplication on the incident id
//   with the window as TTL, so it holds across bot replicas and after the diagnosis finished);
// - firing again within the window: record the new state, ask a worker to update the thread;
// - resolved: record it, ask a worker to reply in the thread and mark the parent resolved;
// - a cluster that is not registered (or no cluster label): one notice per group, default channel.
// Only bounded Redis writes happen here; Slack is a worker's business, so Alertmanager gets its
// answer fast whatever Slack is doing.

import { randomBytes } from 'node:crypto';
import { closestName } from '../config/closest.ts';
import type { AlertSettings } from '../config/env.ts';
import type { RegisteredCluster, Registry } from '../domain/cluster.ts';
import type { Playbook } from '../playbooks/index.ts';
import { isChannelRef, parseDiagnoseJob } from '../queue/jobs.ts';
import { DIAGNOSE_JOB } from '../queue/names.ts';
import { DIAGNOSE_JOB_OPTIONS, type DiagnosisProducer } from '../queue/producer.ts';
import type { Logger } from '../server/logger.ts';
import { checksForAlerts } from './check-order.ts';
import { type IncidentNotification, incidentId, incidentsOf, unknownIncidentId } from './incident.ts';
import { alertRequester } from './render.ts';
import type { WebhookPayload } from './schema.ts';
import type { IncidentStore } from './store.ts';
import type { AlertSyncQueue } from './sync-queue.ts';

export type IncidentOutcome =
  /** A new diagnosis was queued for this incident. */
  | 'diagnosis-queued'
  /** The incident already has its diagnosis in this window: its thread will be updated. */
  | 'thread-update-queued'
  /** Its thread will get the resolution. */
  | 'resolve-queued'
  /** Resolved, but this incident never started a diagnosis here (or it is older than a week). */
  | 'no-incident'
  /** The cluster label names no registered cluster (or is missing); a notice was queued. */
  | 'unknown-cluster'
  /** As above, but MESH_MEDIC_CHANNEL is not set (or not a channel id or name): only logged. */
  | 'unknown-cluster-unreported'
  /** The cluster is known, but neither it nor MESH_MEDIC_CHANNEL names a channel (id or name) to post in. */
  | 'no-channel';

export interface IncidentResult {
  /** The registered cluster, or the label value as sent (cut to 63 characters), or null. */
  cluster: string | null;
  outcome: IncidentOutcome;
  /** The diagnosis job of the incident, when there is one. */
  jobId?: string;
}

export interface ReceiverDeps {
  settings: AlertSettings;
  /** MESH_MEDIC_CHANNEL: where unknown clusters are reported, and clusters without a channel post.
   *  Like a cluster's channel, an ID or a name: the worker posts by name and keeps the ID Slack returns. */
  defaultChannel?: string;
  /** Read per notification: the registry the bot runs with. */
  registry: () => Registry;
  playbooks: readonly Playbook[];
  producer: DiagnosisProducer;
  syncQueue: AlertSyncQueue;
  incidents: IncidentStore;
  logger: Logger;
  now?: () => Date;
}

const MAX_NAMES = 10;
const MAX_JOB_CHECKS = 25;

export class AlertReceiver {
  constructor(private readonly deps: ReceiverDeps) {}

  /** Handles every incident of a notification; throws QueueError('queue-unavailable'). */
  async receive(payload: WebhookPayload): Promise<IncidentResult[]> {
    const registry = this.deps.registry();
    const results: IncidentResult[] = [];
    for (const notification of incidentsOf(payload, this.deps.settings.clusterLabel)) {
      results.push(await this.handle(notification, registry));
    }
    return results;
  }

  private handle(n: IncidentNotification, registry: Registry): Promise<IncidentResult> {
    const cluster = n.cluster === undefined ? undefined : registry.clusters.find((c) => c.name === n.cluster);
    if (!cluster) return this.unknownCluster(n, registry);
    const channel = cluster.channel ?? this.deps.defaultChannel;
    // Both are validated at start-up; this catches a registry built some other way.
    if (!channel || !isChannelRef(channel)) {
      this.deps.logger.error(
        { cluster: cluster.name, channel: channel ?? null },
        'alert for a cluster with no channel to post in: set its channel in clusters.yaml or MESH_MEDIC_CHANNEL (a channel name like #mesh-alerts, or an ID like C0123456789)',
      );
      return Promise.resolve({ cluster: cluster.name, outcome: 'no-channel' });
    }
    const incident = incidentId(cluster.name, n.groupKey);
    return n.status === 'firing' ? this.firing(n, cluster, channel, incident) : this.resolved(n, cluster, channel, incident);
  }

  private async firing(n: IncidentNotification, cluster: RegisteredCluster, channel: string, incident: string): Promise<IncidentResult> {
    const { producer, incidents, syncQueue } = this.deps;
    const names = n.names.slice(0, MAX_NAMES);
    const data = parseDiagnoseJob({
      cluster: cluster.name,
      checks: [],
      channel,
      requestedBy: alertRequester(names, n.firing),
      trigger: 'alert',
      requestedAt: this.now().toISOString(),
      alert: { incident, names, firing: n.firing, checks: checksForAlerts(this.deps.playbooks, names).slice(0, MAX_JOB_CHECKS) },
    });
    const newJobId = `${cluster.name}-alert-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
    const job = await producer.withQueue((queue) =>
      queue.add(DIAGNOSE_JOB, data, { ...DIAGNOSE_JOB_OPTIONS, jobId: newJobId, deduplication: { id: incident, ttl: this.deps.settings.windowMs } }),
    );
    const jobId = job.id ?? newJobId;
    await producer.bounded(incidents.recordNotification({ ...this.notice(n, cluster, channel, incident), jobId }));
    if (jobId === newJobId) return { cluster: cluster.name, outcome: 'diagnosis-queued', jobId };
    await producer.bounded(syncQueue.syncThread({ incident }));
    return { cluster: cluster.name, outcome: 'thread-update-queued', jobId };
  }

  private async resolved(n: IncidentNotification, cluster: RegisteredCluster, channel: string, incident: string): Promise<IncidentResult> {
    const { producer, incidents, syncQueue } = this.deps;
    const jobId = await producer.bounded(incidents.jobOf(incident));
    if (!jobId) return { cluster: cluster.name, outcome: 'no-incident' };
    await producer.bounded(incidents.recordNotification(this.notice(n, cluster, channel, incident)));
    await producer.bounded(syncQueue.syncThread({ incident }));
    return { cluster: cluster.name, outcome: 'resolve-queued', jobId };
  }

  private async unknownCluster(n: IncidentNotification, registry: Registry): Promise<IncidentResult> {
    const shown = n.cluster === undefined ? null : n.cluster.slice(0, 63);
    // A resolution of something never diagnosed needs no word; the firing notice was enough.
    if (n.status === 'resolved') return { cluster: shown, outcome: 'unknown-cluster' };
    const channel = this.deps.defaultChannel;
    if (!channel || !isChannelRef(channel)) {
      this.deps.logger.warn(
        { cluster: shown, alerts: n.names.slice(0, MAX_NAMES) },
        'alert for an unregistered cluster; set MESH_MEDIC_CHANNEL (a channel name or ID) to be told in Slack',
      );
      return { cluster: shown, outcome: 'unknown-cluster-unreported' };
    }
    const known = registry.clusters.map((c) => c.name);
    const suggestion = n.cluster === undefined ? undefined : closestName(n.cluster, known);
    await this.deps.producer.bounded(
      this.deps.syncQueue.noticeUnknownCluster({
        incident: unknownIncidentId(n.cluster, n.groupKey),
        channel,
        ...(n.cluster !== undefined ? { cluster: n.cluster.slice(0, 256) } : {}),
        clusterLabel: this.deps.settings.clusterLabel,
        names: n.names.slice(0, MAX_NAMES).map((name) => name.slice(0, 256)),
        firing: n.firing,
        known: known.slice(0, 50),
        ...(suggestion ? { suggestion } : {}),
      }),
    );
    return { cluster: shown, outcome: 'unknown-cluster' };
  }

  private notice(n: IncidentNotification, cluster: RegisteredCluster, channel: string, incident: string) {
    return { incident, cluster: cluster.name, channel, status: n.status, firing: n.firing, names: n.names.slice(0, MAX_NAMES), notifiedAt: this.now() };
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }
}
