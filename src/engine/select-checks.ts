// Which checks a diagnosis runs: the ids asked for (or all), split into those that apply to the
// cluster's role and those that are skipped for it.

import { didYouMean } from '../config/closest.ts';
import type { RegisteredCluster } from '../domain/cluster.ts';
import { MeshMedicError } from '../domain/errors.ts';
import type { Check } from '../checks/types.ts';
import type { SnapshotKind } from '../k8s/snapshot.ts';

export interface CheckSelection {
  runnable: Check[];
  /** Checks whose roles exclude the cluster's role. */
  notApplicable: Check[];
}

/** The checks named by `ids` in catalog order; all of them when `ids` is empty or absent. */
export function resolveCheckIds(catalog: readonly Check[], ids?: readonly string[]): Check[] {
  if (!ids || ids.length === 0) return [...catalog];
  const known = catalog.map((c) => c.id);
  const unknown = ids.filter((id) => !known.includes(id));
  if (unknown.length > 0) {
    const first = unknown[0]!;
    throw new MeshMedicError(
      'UNKNOWN_CHECK',
      `unknown check${unknown.length > 1 ? 's' : ''} ${unknown.map((id) => `'${id}'`).join(', ')}.` +
        `${didYouMean(first, known)} Valid checks: ${known.join(', ') || '(none registered)'}.`,
      { unrecoverable: true },
    );
  }
  return catalog.filter((c) => ids.includes(c.id));
}

export function selectChecks(checks: readonly Check[], cluster: RegisteredCluster): CheckSelection {
  const applies = (c: Check) => !c.roles || c.roles.includes(cluster.role);
  return { runnable: checks.filter(applies), notApplicable: checks.filter((c) => !applies(c)) };
}

export interface ReadSet {
  kinds: SnapshotKind[];
  logs: boolean;
  peerKinds: SnapshotKind[];
}

/** The union of what the checks read: each kind is listed once however many checks use it. */
export function readsOf(checks: readonly Check[]): ReadSet {
  const kinds = new Set<SnapshotKind>();
  const peerKinds = new Set<SnapshotKind>();
  for (const c of checks) {
    for (const k of c.reads) kinds.add(k);
    for (const k of c.peerReads ?? []) peerKinds.add(k);
  }
  return {
    kinds: [...kinds].sort(),
    logs: checks.some((c) => c.readsLogs),
    peerKinds: [...peerKinds].sort(),
  };
}
