// Indexed lookups over snapshot lists. Checks look objects up by namespace and name (a
// DestinationRule's Service, a pod's ReplicaSet, a Service's EndpointSlices) once per object they
// examine; a linear scan each time makes a diagnosis quadratic in the cluster's size (20,000 pods
// × 5,000 ReplicaSets). Each index is built once per list and cached by the list's identity:
// snapshot lists are not mutated after loading (the length guard rebuilds an index if one was).
// Every lookup returns exactly what the linear scan it replaces returned (first match, list order).

import type { K8sObject } from '../../domain/k8s-object.ts';

interface Cached<T> {
  length: number;
  value: T;
}

type Builder<T> = (objects: readonly K8sObject[]) => T;

/** One cache per kind of index: list -> index of that list. */
function memoized<T>(build: Builder<T>): Builder<T> {
  const cache = new WeakMap<readonly K8sObject[], Cached<T>>();
  return (objects) => {
    const hit = cache.get(objects);
    if (hit && hit.length === objects.length) return hit.value;
    const value = build(objects);
    cache.set(objects, { length: objects.length, value });
    return value;
  };
}

function key(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}\u0000${name}`;
}

/** Maps each key to the objects that have it, in list order. */
function groupInto(objects: readonly K8sObject[], keysOf: (o: K8sObject) => readonly string[]): Map<string, K8sObject[]> {
  const out = new Map<string, K8sObject[]>();
  for (const o of objects) {
    for (const k of keysOf(o)) {
      const list = out.get(k);
      if (list) list.push(o);
      else out.set(k, [o]);
    }
  }
  return out;
}

const byNamespaceName = memoized((objects) => groupInto(objects, (o) => [key(o.metadata.namespace, o.metadata.name)]));
const byName = memoized((objects) => groupInto(objects, (o) => [o.metadata.name]));

/** The first object whose namespace is exactly `namespace` (undefined: none) and whose name is `name`. */
export function lookupObject(objects: readonly K8sObject[], namespace: string | undefined, name: string): K8sObject | undefined {
  return byNamespaceName(objects)
    .get(key(namespace, name))
    ?.find((o) => o.metadata.namespace === namespace);
}

/** The first object with this name, in any namespace. */
export function lookupByName(objects: readonly K8sObject[], name: string): K8sObject | undefined {
  return byName(objects).get(name)?.[0];
}

const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

const slicesByService = memoized((slices) =>
  groupInto(slices, (s) => {
    const service = s.metadata.labels?.[SERVICE_NAME_LABEL];
    return service === undefined ? [] : [key(s.metadata.namespace, service)];
  }),
);

/** EndpointSlices labelled for one Service (label `kubernetes.io/service-name`), in list order. */
export function slicesLabelledFor(slices: readonly K8sObject[], namespace: string, service: string): K8sObject[] {
  return (slicesByService(slices).get(key(namespace, service)) ?? []).filter((s) => s.metadata.namespace === namespace);
}

/**
 * Candidates for an equality selector within one namespace: objects whose labels (as `labelsOf`
 * gives them) carry the rarest of the selector's pairs, or every object of the namespace for an
 * empty selector. A superset of the matches: callers still apply their exact predicate.
 */
export class LabelIndex {
  private readonly postings = new Map<string, K8sObject[]>();
  private readonly namespaces = new Map<string, K8sObject[]>();

  constructor(objects: readonly K8sObject[], labelsOf: (o: K8sObject) => Record<string, string>) {
    for (const o of objects) {
      const ns = o.metadata.namespace ?? '';
      push(this.namespaces, ns, o);
      for (const [k, v] of Object.entries(labelsOf(o))) push(this.postings, pairKey(ns, k, v), o);
    }
  }

  candidates(namespace: string, selector: Record<string, string>): readonly K8sObject[] {
    let best: readonly K8sObject[] = this.namespaces.get(namespace) ?? [];
    for (const [k, v] of Object.entries(selector)) {
      const list = this.postings.get(pairKey(namespace, k, v)) ?? [];
      if (list.length < best.length) best = list;
      if (best.length === 0) break;
    }
    return best;
  }
}

function pairKey(namespace: string, k: string, v: string): string {
  return `${namespace}\u0000${k}\u0000${v}`;
}

function push(map: Map<string, K8sObject[]>, k: string, o: K8sObject): void {
  const list = map.get(k);
  if (list) list.push(o);
  else map.set(k, [o]);
}
