// The object store of one sandbox cluster: objects indexed by resource type, namespace and name,
// one resourceVersion counter per cluster (like an etcd revision, global across kinds).
//
// Stored objects are never mutated: every write stores a new object (copy-on-write of the top level
// and metadata), so handlers can serialize stored objects directly and lists cost no deep copies.
// Objects returned by get()/list() are shared with the store: do not mutate them, put() a copy.

import { randomUUID } from 'node:crypto';
import { MeshMedicError } from '../../domain/errors.ts';
import type { K8sObject } from '../../domain/k8s-object.ts';
import { type ServedType, TypeRegistry } from './resource-types.ts';

const CRD_KEY = 'customresourcedefinitions.apiextensions.k8s.io';

/** `namespace \0 name`: sorts by namespace, then name ('\0' sorts before every name character). */
export function storeKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}\u0000${name}`;
}

class Bucket {
  readonly objects = new Map<string, K8sObject>();
  /** Keys per namespace ('' for cluster-scoped), unsorted. */
  readonly byNamespace = new Map<string, Set<string>>();
  /** Bumped on every write of this type (CRD types use it to invalidate discovery). */
  writes = 0;
  private sortedAll: string[] | null = null;
  private readonly sortedNs = new Map<string, string[]>();

  set(key: string, namespace: string, obj: K8sObject): void {
    this.writes++;
    if (!this.objects.has(key)) {
      const keys = this.byNamespace.get(namespace) ?? new Set<string>();
      this.byNamespace.set(namespace, keys);
      keys.add(key);
      this.sortedAll = null;
      this.sortedNs.delete(namespace);
    }
    this.objects.set(key, obj);
  }

  delete(key: string, namespace: string): K8sObject | undefined {
    const obj = this.objects.get(key);
    if (!obj) return undefined;
    this.writes++;
    this.objects.delete(key);
    const keys = this.byNamespace.get(namespace);
    keys?.delete(key);
    if (keys?.size === 0) this.byNamespace.delete(namespace);
    this.sortedAll = null;
    this.sortedNs.delete(namespace);
    return obj;
  }

  /** Sorted keys of one namespace, or of all namespaces; cached until a key is added or removed. */
  sortedKeys(namespace?: string): readonly string[] {
    if (namespace === undefined) {
      this.sortedAll ??= [...this.objects.keys()].sort();
      return this.sortedAll;
    }
    let keys = this.sortedNs.get(namespace);
    if (!keys) {
      keys = [...(this.byNamespace.get(namespace) ?? [])].sort();
      this.sortedNs.set(namespace, keys);
    }
    return keys;
  }
}

export interface StoreOptions {
  clock?: () => Date;
}

export class ObjectStore {
  readonly types: TypeRegistry;
  private readonly buckets = new Map<string, Bucket>();
  private counter = 0;
  private readonly clock: () => Date;

  constructor(opts: StoreOptions = {}) {
    this.clock = opts.clock ?? (() => new Date());
    this.types = new TypeRegistry({
      revision: () => this.buckets.get(CRD_KEY)?.writes ?? 0,
      crds: () => [...(this.buckets.get(CRD_KEY)?.objects.values() ?? [])],
    });
  }

  /** The latest resourceVersion handed out (what a list's metadata.resourceVersion says). */
  get revision(): string {
    return String(this.counter);
  }

  /** The served type of an object, by its apiVersion group and kind. Throws for unknown kinds. */
  typeOf(obj: Pick<K8sObject, 'apiVersion' | 'kind'>): ServedType {
    const t = this.types.findByKind(String(obj.apiVersion ?? ''), String(obj.kind ?? ''));
    if (!t) {
      throw new MeshMedicError(
        'SCENARIO_INVALID',
        `the sandbox serves no resource type for ${obj.apiVersion} ${obj.kind} (add it to src/k8s/resources.ts or load its CustomResourceDefinition first)`,
      );
    }
    return t;
  }

  /** Resolves `pods`, `deployments.apps`, `destinationrules.networking.istio.io`. */
  resolve(resource: string): ServedType {
    const t = this.types.byName(resource);
    if (!t) throw new MeshMedicError('USAGE', `unknown resource type ${resource} (expected plural[.group])`);
    return t;
  }

  // ---- in-process API (tests, CLI): no controllers run --------------------------------------

  get(resource: string, namespace: string | undefined, name: string): K8sObject | undefined {
    return this.read(this.resolve(resource), namespace, name);
  }

  /** Objects of one type, sorted by namespace then name; all namespaces when namespace is omitted. */
  list(resource: string, namespace?: string): K8sObject[] {
    const t = this.resolve(resource);
    const bucket = this.buckets.get(t.key);
    if (!bucket) return [];
    const ns = t.namespaced ? namespace : undefined;
    return bucket.sortedKeys(ns).map((k) => bucket.objects.get(k) as K8sObject);
  }

  /** Creates or replaces an object; stamps uid/creationTimestamp (if absent) and a new resourceVersion. */
  put(obj: K8sObject): K8sObject {
    const t = this.typeOf(obj);
    const existing = this.read(t, obj.metadata.namespace, obj.metadata.name);
    const metadata = { ...obj.metadata };
    if (existing) {
      metadata.uid ??= existing.metadata.uid;
      metadata.creationTimestamp ??= existing.metadata.creationTimestamp;
    }
    return this.write(t, { ...obj, metadata });
  }

  delete(resource: string, namespace: string | undefined, name: string): K8sObject | undefined {
    return this.remove(this.resolve(resource), namespace, name);
  }

  // ---- server API ---------------------------------------------------------------------------

  /** Loads an object as written in a scenario: keeps its resourceVersion when it has one. */
  load(obj: K8sObject): K8sObject {
    const t = this.typeOf(obj);
    const rv = obj.metadata.resourceVersion;
    if (rv === undefined || rv === '') return this.write(t, obj);
    const n = Number(rv);
    if (Number.isSafeInteger(n) && n > this.counter) this.counter = n;
    return this.store(t, this.stamp(t, obj, String(rv)));
  }

  read(t: ServedType, namespace: string | undefined, name: string): K8sObject | undefined {
    return this.buckets.get(t.key)?.objects.get(storeKey(t.namespaced ? namespace : undefined, name));
  }

  /** Stores a new version of an object under a new resourceVersion and returns what was stored. */
  write(t: ServedType, obj: K8sObject): K8sObject {
    this.counter++;
    return this.store(t, this.stamp(t, obj, String(this.counter)));
  }

  /** What write() would store, without storing it or spending a resourceVersion (dry run). */
  preview(t: ServedType, obj: K8sObject): K8sObject {
    return this.stamp(t, obj, obj.metadata.resourceVersion);
  }

  remove(t: ServedType, namespace: string | undefined, name: string): K8sObject | undefined {
    const ns = t.namespaced ? (namespace ?? '') : '';
    const removed = this.buckets.get(t.key)?.delete(storeKey(ns, name), ns);
    if (removed) this.counter++;
    return removed;
  }

  /** Sorted store keys of a type (one namespace, or all): the order lists and pages follow. */
  sortedKeys(t: ServedType, namespace?: string): readonly string[] {
    return this.buckets.get(t.key)?.sortedKeys(t.namespaced ? namespace : undefined) ?? [];
  }

  byKey(t: ServedType, key: string): K8sObject | undefined {
    return this.buckets.get(t.key)?.objects.get(key);
  }

  /** Objects of one type in one namespace, unsorted: for controllers. */
  inNamespace(t: ServedType, namespace: string): K8sObject[] {
    const bucket = this.buckets.get(t.key);
    const keys = bucket?.byNamespace.get(t.namespaced ? namespace : '');
    if (!bucket || !keys) return [];
    return [...keys].map((k) => bucket.objects.get(k) as K8sObject);
  }

  count(t: ServedType): number {
    return this.buckets.get(t.key)?.objects.size ?? 0;
  }

  now(): Date {
    return this.clock();
  }

  private stamp(t: ServedType, obj: K8sObject, resourceVersion: string | undefined): K8sObject {
    const version = t.versions[0] ?? 'v1';
    const metadata = { ...obj.metadata };
    if (!t.namespaced) delete metadata.namespace;
    else metadata.namespace ||= 'default';
    metadata.uid ??= randomUUID();
    metadata.creationTimestamp ??= rfc3339(this.clock());
    if (resourceVersion === undefined) delete metadata.resourceVersion;
    else metadata.resourceVersion = resourceVersion;
    return { ...obj, apiVersion: t.group ? `${t.group}/${version}` : version, kind: t.kind, metadata };
  }

  private store(t: ServedType, obj: K8sObject): K8sObject {
    const bucket = this.buckets.get(t.key) ?? new Bucket();
    this.buckets.set(t.key, bucket);
    const ns = t.namespaced ? (obj.metadata.namespace ?? '') : '';
    bucket.set(storeKey(ns, obj.metadata.name), ns, obj);
    return obj;
  }
}

/** RFC 3339 at second precision, as Kubernetes writes creationTimestamp. */
export function rfc3339(d: Date): string {
  return `${d.toISOString().slice(0, 19)}Z`;
}
