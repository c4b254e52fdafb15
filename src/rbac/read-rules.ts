// The read-only permissions a diagnosis needs, derived from the code that reads: the kinds the
// checks declare (`reads`, `peerReads`), the read plan that narrows some of them to namespaces
// (secrets only in istio-system), and the pod logs checks with `readsLogs` look at. Nothing here
// is a hand-kept list, so a new check or kind cannot outgrow the deployed RBAC unnoticed.

import { CHECKS } from '../checks/index.ts';
import type { Check } from '../checks/types.ts';
import { queriesFor } from '../k8s/read-plan.ts';
import { RESOURCE_TYPES, resourceName } from '../k8s/resources.ts';
import type { SnapshotKind } from '../k8s/snapshot.ts';
import { RuleSet, type Scope } from './rule-set.ts';
import type { RoleSpec } from './types.ts';

export const READ_ROLE_NAME = 'mesh-medic-read';
/** Listing is what the snapshot loader does; `get` lets an operator's kubectl-style follow-ups work too. */
export const READ_VERBS = ['get', 'list'] as const;

/** Every kind any check reads from the diagnosed cluster or from its mesh peers, sorted. */
export function kindsReadBy(checks: readonly Check[]): SnapshotKind[] {
  const kinds = new Set<SnapshotKind>();
  for (const c of checks) {
    for (const k of [...c.reads, ...(c.peerReads ?? [])]) kinds.add(k);
    // Log targets are chosen from the pod list, so reading logs implies listing pods.
    if (c.readsLogs) kinds.add('pods');
  }
  return [...kinds].sort();
}

/** Namespaces a kind is read in: undefined when any query spans all namespaces. */
export function scopesOf(kind: SnapshotKind): Scope[] {
  const queries = queriesFor(kind);
  if (queries.some((q) => q.namespace === undefined)) return [undefined];
  return [...new Set(queries.map((q) => q.namespace))];
}

export function readRules(checks: readonly Check[] = CHECKS): RoleSpec[] {
  const set = new RuleSet();
  for (const kind of kindsReadBy(checks)) {
    const type = RESOURCE_TYPES.find((t) => resourceName(t) === kind);
    if (!type) throw new Error(`snapshot kind ${kind} has no entry in RESOURCE_TYPES`);
    for (const scope of scopesOf(kind)) set.add(scope, type.group, type.plural, READ_VERBS);
  }
  // Logs of gateways, istiod, restarting apps and failing init containers: any namespace.
  if (checks.some((c) => c.readsLogs)) set.add(undefined, '', 'pods/log', ['get']);
  return set.toRoles(READ_ROLE_NAME);
}
