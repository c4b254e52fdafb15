// The resource types one sandbox cluster serves: the static table (src/k8s/resources.ts) plus the
// kinds of CustomResourceDefinitions found in its store, as a real cluster's discovery shows them.

import type { K8sObject } from '../../domain/k8s-object.ts';
import { RESOURCE_TYPES, type ResourceType, resourceName } from '../../k8s/resources.ts';
import { getPath, isObject } from './json.ts';

export interface PrinterColumn {
  name: string;
  type: string;
  jsonPath: string;
  description?: string;
  priority?: number;
}

export interface ServedType extends ResourceType {
  /** `plural[.group]`: the store's index key, the name RBAC and kubectl use. */
  key: string;
  /** Kinds compiled into a real API server: the only ones that accept strategic merge patches. */
  builtin: boolean;
  fromCrd: boolean;
  /** Served at `<plural>/status`. */
  hasStatus: boolean;
  /** CRD additionalPrinterColumns (of the preferred version), for Table responses. */
  printerColumns?: PrinterColumn[];
}

/** Kinds without a status stanza, hence without a `status` subresource on a real server. */
const NO_STATUS = new Set([
  'Endpoints',
  'Event',
  'ConfigMap',
  'Secret',
  'ServiceAccount',
  'EndpointSlice',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
]);

/** Built-in groups in the order a real aggregator lists them (by group priority, then name). */
const BUILTIN_GROUP_ORDER = ['', 'apps', 'admissionregistration.k8s.io', 'apiextensions.k8s.io', 'discovery.k8s.io'];

function fromTable(t: ResourceType): ServedType {
  return {
    ...t,
    key: resourceName(t),
    builtin: !t.group.endsWith('istio.io'),
    fromCrd: false,
    hasStatus: !NO_STATUS.has(t.kind),
  };
}

const STATIC_TYPES: readonly ServedType[] = RESOURCE_TYPES.map(fromTable);

/** Kubernetes version order: v2 > v1 > v1beta2 > v1beta1 > v1alpha1 > anything else (by name). */
export function compareKubeVersions(a: string, b: string): number {
  const rank = (v: string): [number, number, number] => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return [0, 0, 0];
    const stability = m[2] === undefined ? 3 : m[2] === 'beta' ? 2 : 1;
    return [stability, Number(m[1]), Number(m[3] ?? 0)];
  };
  const ra = rank(a);
  const rb = rank(b);
  for (let i = 0; i < 3; i++) {
    const d = (rb[i] ?? 0) - (ra[i] ?? 0);
    if (d !== 0) return d;
  }
  return a.localeCompare(b);
}

function crdVersions(crd: K8sObject): { name: string; status: boolean; columns: PrinterColumn[] }[] {
  const versions = getPath(crd, ['spec', 'versions']);
  if (!Array.isArray(versions)) return [];
  return versions
    .filter((v) => isObject(v) && typeof v.name === 'string' && v.served !== false)
    .map((v) => ({
      name: v.name as string,
      status: isObject(getPath(v, ['subresources', 'status'])),
      columns: Array.isArray(v.additionalPrinterColumns) ? (v.additionalPrinterColumns as PrinterColumn[]) : [],
    }))
    .sort((a, b) => compareKubeVersions(a.name, b.name));
}

/** The ServedType a CRD defines, or undefined if the CRD is incomplete. */
export function typeFromCrd(crd: K8sObject): ServedType | undefined {
  const group = getPath(crd, ['spec', 'group']);
  const names = getPath(crd, ['spec', 'names']);
  if (typeof group !== 'string' || !isObject(names)) return undefined;
  const { plural, kind } = names;
  if (typeof plural !== 'string' || typeof kind !== 'string') return undefined;
  const versions = crdVersions(crd);
  const preferred = versions[0];
  if (!preferred) return undefined;
  const shortNames = Array.isArray(names.shortNames) ? (names.shortNames as string[]) : undefined;
  return {
    group,
    versions: versions.map((v) => v.name),
    plural,
    singular: typeof names.singular === 'string' ? names.singular : kind.toLowerCase(),
    kind,
    listKind: typeof names.listKind === 'string' ? names.listKind : `${kind}List`,
    namespaced: getPath(crd, ['spec', 'scope']) !== 'Cluster',
    ...(shortNames ? { shortNames } : {}),
    verbs: ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'],
    key: `${plural}.${group}`,
    builtin: false,
    fromCrd: true,
    hasStatus: preferred.status,
    ...(preferred.columns.length > 0 ? { printerColumns: preferred.columns } : {}),
  };
}

export interface CrdSource {
  /** Changes whenever a CRD is written, so derived types can be cached. */
  revision(): number;
  crds(): readonly K8sObject[];
}

export interface GroupVersions {
  group: string;
  versions: string[];
}

export class TypeRegistry {
  private cachedRevision = -1;
  private all: ServedType[] = [...STATIC_TYPES];
  private byKey = new Map<string, ServedType>();

  constructor(private readonly source: CrdSource) {}

  /** Every served type: the static table first, then CRD kinds the table does not have. */
  types(): readonly ServedType[] {
    this.refresh();
    return this.all;
  }

  byName(key: string): ServedType | undefined {
    this.refresh();
    return this.byKey.get(key);
  }

  find(group: string, plural: string): ServedType | undefined {
    return this.byName(group ? `${plural}.${group}` : plural);
  }

  findByKind(apiVersion: string, kind: string): ServedType | undefined {
    const slash = apiVersion.indexOf('/');
    const group = slash < 0 ? '' : apiVersion.slice(0, slash);
    return this.types().find((t) => t.group === group && t.kind === kind);
  }

  /** API groups (without the core group), in the order /apis lists them. */
  groups(): GroupVersions[] {
    const byGroup = new Map<string, Set<string>>();
    for (const t of this.types()) {
      if (!t.group) continue;
      const set = byGroup.get(t.group) ?? new Set<string>();
      for (const v of t.versions) set.add(v);
      byGroup.set(t.group, set);
    }
    const rank = (g: string) => {
      const i = BUILTIN_GROUP_ORDER.indexOf(g);
      return i < 0 ? BUILTIN_GROUP_ORDER.length : i;
    };
    return [...byGroup.entries()]
      .map(([group, versions]) => ({ group, versions: [...versions].sort(compareKubeVersions) }))
      .sort((a, b) => rank(a.group) - rank(b.group) || a.group.localeCompare(b.group));
  }

  /** Types served under one group/version. */
  inGroupVersion(group: string, version: string): ServedType[] {
    return this.types().filter((t) => t.group === group && t.versions.includes(version));
  }

  private refresh(): void {
    const revision = this.source.revision();
    if (revision === this.cachedRevision) return;
    this.cachedRevision = revision;
    const staticKeys = new Set(STATIC_TYPES.map((t) => t.key));
    const dynamic = new Map<string, ServedType>();
    const fromCrds = new Map<string, ServedType>();
    for (const crd of this.source.crds()) {
      const t = typeFromCrd(crd);
      if (!t) continue;
      if (staticKeys.has(t.key)) fromCrds.set(t.key, t);
      else dynamic.set(t.key, t);
    }
    // Istio kinds are CRDs on a real cluster: when the cluster has the CRD, serve exactly the
    // versions it serves (Istio 1.11 has no v1), so clients see what an old mesh would show them.
    const served = STATIC_TYPES.map((t) => {
      const crd = fromCrds.get(t.key);
      return crd && !t.builtin ? { ...t, versions: crd.versions, hasStatus: crd.hasStatus, ...(crd.printerColumns ? { printerColumns: crd.printerColumns } : {}) } : t;
    });
    this.all = [...served, ...dynamic.values()];
    this.byKey = new Map(this.all.map((t) => [t.key, t]));
  }
}
