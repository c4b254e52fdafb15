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

export function queriesFor(kind: SnapshotKind): ListQuery[] {
  return NARROW_READS[kind] ?? [{}];
}

export function matchesQuery(obj: { metadata: { name: string; namespace?: string } }, q: ListQuery): boolean {
  if (q.namespace !== undefined && obj.metadata.namespace !== q.namespace) return false;
  if (q.fieldSelector) {
    const m = /^metadata\.name=(.+)$/.exec(q.fieldSelector);
    if (m && obj.metadata.name !== m[1]) return false;
  }
  return true;
}
