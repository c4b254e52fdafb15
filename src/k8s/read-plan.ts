// What a snapshot lists for each kind. The live loader turns each query into paginated list calls;
// the offline builder (scenario files, tests) applies the same filters, so both see the same data.
// What a snapshot keeps of each listed object (unread bulky fields dropped): projection.ts.

import type { SnapshotKind } from './snapshot.ts';

export interface ListQuery {
  namespace?: string;
  /** Only `metadata.name=X` is used here, so the offline builder can apply it too. */
  fieldSelector?: string;
}

/** Kinds with narrower reads than "list everything, all namespaces". */
const NARROW_READS: Partial<Record<SnapshotKind, ListQuery[]>> = {
  // Only the mesh's own ConfigMaps: app ConfigMaps can be large and are none of our business.
  configmaps: [{ fieldSelector: 'metadata.name=istio-ca-root-cert' }, { namespace: 'istio-system' }],
  // Secrets only in istio-system (cacerts, remote secrets), and summarised at once.
  secrets: [{ namespace: 'istio-system' }],
};

/**
 * The list queries of one kind; with `scope` (namespaces), only what falls inside them: a peer's
 * pods are first read in istio-system only (engine/peers.ts), wider on demand.
 */
export function queriesFor(kind: SnapshotKind, scope?: readonly string[]): ListQuery[] {
  const base = NARROW_READS[kind] ?? [{}];
  if (!scope) return base;
  return base.flatMap((q) => scope.filter((ns) => q.namespace === undefined || q.namespace === ns).map((ns) => ({ ...q, namespace: ns })));
}

export function matchesQuery(obj: { metadata: { name: string; namespace?: string } }, q: ListQuery): boolean {
  if (q.namespace !== undefined && obj.metadata.namespace !== q.namespace) return false;
  if (q.fieldSelector) {
    const m = /^metadata\.name=(.+)$/.exec(q.fieldSelector);
    if (m && obj.metadata.name !== m[1]) return false;
  }
  return true;
}
