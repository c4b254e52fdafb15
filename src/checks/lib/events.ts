// Events about one object (involvedObject / regarding), oldest first.

import type { K8sObject } from '../../domain/k8s-object.ts';

export function eventsOf(events: K8sObject[], kind: string, obj: K8sObject): K8sObject[] {
  return events
    .filter((e) => {
      const io = (e.involvedObject ?? e.regarding) as { kind?: string; name?: string; namespace?: string } | undefined;
      return io?.kind === kind && io.name === obj.metadata.name && (io.namespace ?? e.metadata.namespace) === obj.metadata.namespace;
    })
    .sort((a, b) => eventTime(a) - eventTime(b));
}

export function eventTime(e: K8sObject): number {
  const t = (e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata.creationTimestamp) as string | undefined;
  const ms = t ? Date.parse(t) : Number.NaN;
  return Number.isNaN(ms) ? 0 : ms;
}

export function eventCount(e: K8sObject): number {
  const series = e.series as { count?: number } | undefined;
  return typeof e.count === 'number' ? e.count : (series?.count ?? 1);
}
