// From one notification to incidents. An incident is (cluster, Alertmanager group): the cluster is
// read from each alert's cluster label (alerts of one group may name several clusters when the
// route does not group by that label), the group is Alertmanager's `groupKey`, stable for as long
// as the group exists. Everything else about an incident is derived from these two.

import { createHash } from 'node:crypto';
import type { AlertStatus, WebhookAlert, WebhookPayload } from './schema.ts';

/** One cluster's share of one notification. */
export interface IncidentNotification {
  /** The alert's cluster label value as sent (untrusted); undefined when the label is missing. */
  cluster: string | undefined;
  groupKey: string;
  /** `firing` while any of its alerts fires. */
  status: AlertStatus;
  firing: number;
  total: number;
  /** Alert names, most firing alerts first. */
  names: string[];
}

/** Splits a notification by cluster label value, in order of first appearance. */
export function incidentsOf(payload: WebhookPayload, clusterLabel: string): IncidentNotification[] {
  const byCluster = new Map<string | undefined, WebhookAlert[]>();
  for (const alert of payload.alerts) {
    const value = alert.labels[clusterLabel] ?? payload.commonLabels[clusterLabel];
    const cluster = value === undefined || value === '' ? undefined : value;
    const list = byCluster.get(cluster) ?? [];
    list.push(alert);
    byCluster.set(cluster, list);
  }
  return [...byCluster].map(([cluster, alerts]) => {
    const firing = alerts.filter((a) => a.status === 'firing').length;
    return { cluster, groupKey: payload.groupKey, status: firing > 0 ? 'firing' : 'resolved', firing, total: alerts.length, names: alertNames(alerts) };
  });
}

/** Distinct `alertname`s, the one with the most firing alerts first (ties: by name). */
export function alertNames(alerts: readonly WebhookAlert[]): string[] {
  const counts = new Map<string, number>();
  for (const a of alerts) {
    const name = a.labels.alertname;
    if (!name) continue;
    counts.set(name, (counts.get(name) ?? 0) + (a.status === 'firing' ? 2 : 1));
  }
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([name]) => name);
}

function digest(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 20);
}

/**
 * The incident's id: readable (`hosted-east-<hash>`), safe as a BullMQ deduplication id and in a
 * Redis key, and the same on every bot replica. Only registered cluster names (validated names)
 * appear in it; anything else is hashed.
 */
export function incidentId(cluster: string, groupKey: string): string {
  return `${cluster}-${digest(cluster, groupKey)}`;
}

/** Id of an incident whose cluster is not registered (or not labelled): hash only. */
export function unknownIncidentId(clusterValue: string | undefined, groupKey: string): string {
  return `unknown-${digest(clusterValue ?? '', groupKey)}`;
}
