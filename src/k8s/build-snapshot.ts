// Builds a Snapshot from objects already in memory: the last step of the live loader, and the
// whole of the offline path used by check tests on scenario files.

import type { K8sObject } from '../domain/k8s-object.ts';
import { findResourceTypeByKind, resourceName } from './resources.ts';
import { projectObject } from './projection.ts';
import { matchesQuery, queriesFor } from './read-plan.ts';
import { summarizeSecret } from './secret-summary.ts';
import { type KindScopes, SNAPSHOT_KINDS, type PodLog, type ReadFailure, Snapshot, type SnapshotKind } from './snapshot.ts';
import { selectLogTargets } from './log-targets.ts';

const KIND_SET = new Set<string>(SNAPSHOT_KINDS);

export function snapshotKindOf(obj: K8sObject): SnapshotKind | undefined {
  const type = findResourceTypeByKind(obj.apiVersion, obj.kind);
  if (!type) return undefined;
  const name = resourceName(type);
  return KIND_SET.has(name) ? (name as SnapshotKind) : undefined;
}

/** Keeps the objects of one kind that its read plan would have listed, projected as a snapshot
 *  keeps them (projection.ts; already done per item on the live path, where it is then a no-op). */
export function applyReadPlan(kind: SnapshotKind, objects: K8sObject[], scope?: readonly string[]): K8sObject[] {
  const queries = queriesFor(kind, scope);
  return objects.filter((o) => queries.some((q) => matchesQuery(o, q))).map((o) => projectObject(kind, o));
}

export interface OfflineSnapshotInput {
  cluster: string;
  objects: K8sObject[];
  /** Available container logs; only those the log targets select are kept. */
  logs?: { namespace: string; pod: string; container: string; previous: boolean; text: string }[];
  /** Kinds to treat as unreadable (simulates RBAC gaps in tests). */
  failures?: ReadFailure[];
  takenAt?: Date;
  /** Kinds to keep only in these namespaces, as a scoped live read would list them. */
  scopes?: KindScopes;
}

export function buildSnapshot(input: OfflineSnapshotInput): Snapshot {
  const grouped = new Map<SnapshotKind, K8sObject[]>();
  for (const kind of SNAPSHOT_KINDS) grouped.set(kind, []);
  for (const obj of input.objects) {
    const kind = snapshotKindOf(obj);
    if (kind) grouped.get(kind)!.push(obj);
  }
  const failures = input.failures ?? [];
  const failed = new Set(failures.map((f) => f.kind));
  const objects: Partial<Record<SnapshotKind, K8sObject[]>> = {};
  for (const [kind, list] of grouped) {
    if (kind !== 'secrets' && !failed.has(kind)) objects[kind] = applyReadPlan(kind, list, input.scopes?.[kind]);
  }
  const secrets = failed.has('secrets')
    ? undefined
    : applyReadPlan('secrets', grouped.get('secrets')!, input.scopes?.secrets).map(summarizeSecret);
  return new Snapshot({
    cluster: input.cluster,
    takenAt: (input.takenAt ?? new Date()).toISOString(),
    objects,
    secrets,
    logs: selectLogs(objects.pods ?? [], input.logs ?? []),
    failures,
    apiCalls: 0,
    ...(input.scopes ? { scopes: input.scopes } : {}),
  });
}

function selectLogs(pods: K8sObject[], available: NonNullable<OfflineSnapshotInput['logs']>): PodLog[] {
  const out: PodLog[] = [];
  for (const t of selectLogTargets(pods)) {
    const log = available.find(
      (l) => l.namespace === t.namespace && l.pod === t.pod && l.container === t.container && l.previous === t.previous,
    );
    if (log) out.push({ namespace: t.namespace, pod: t.pod, container: t.container, previous: t.previous, lines: splitLines(log.text) });
  }
  return out;
}

export function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}
