// Generated meshes for the benchmarks: the infrastructure of a healthy scenario (istio-system,
// gateways, nodes, CRDs, webhooks) plus `generateApps` application namespaces, so every check has
// something real to look at and a correct diagnosis of the result finds nothing to fail.

import type { K8sObject } from '../../src/domain/k8s-object.ts';
import { snapshotKindOf } from '../../src/k8s/build-snapshot.ts';
import { selectLogTargets } from '../../src/k8s/log-targets.ts';
import { PAGE_SIZE } from '../../src/k8s/load-snapshot.ts';
import { matchesQuery, queriesFor } from '../../src/k8s/read-plan.ts';
import { RESOURCE_TYPES, resourceName } from '../../src/k8s/resources.ts';
import { type KindScopes, SNAPSHOT_KINDS, type SnapshotKind } from '../../src/k8s/snapshot.ts';
import type { ClusterSpec, ScenarioSpec } from '../../src/sandbox/cluster-spec.ts';
import { generateApps } from '../../src/sandbox/generator.ts';
import { loadScenario } from '../../src/sandbox/scenarios.ts';

export const BASE_SCENARIO = 'healthy-single';

export interface GeneratedMesh {
  spec: ClusterSpec;
  meshes: { id: string }[];
  /** Objects generated on top of the base (the base's own objects excluded). */
  generatedObjects: number;
}

/** The root certificate the base's istiod publishes, so generated namespaces trust the same root. */
export function baseRootCert(objects: readonly K8sObject[]): string | undefined {
  const cm = objects.find(
    (o) => o.kind === 'ConfigMap' && o.metadata.namespace === 'istio-system' && o.metadata.name === 'istio-ca-root-cert',
  );
  const fromConfigMap = (cm?.data as Record<string, string> | undefined)?.['root-cert.pem'];
  if (fromConfigMap) return fromConfigMap;
  const cacerts = objects.find((o) => o.kind === 'Secret' && o.metadata.namespace === 'istio-system' && o.metadata.name === 'cacerts');
  const stringData = (cacerts?.stringData as Record<string, string> | undefined)?.['root-cert.pem'];
  if (stringData) return stringData;
  const data = (cacerts?.data as Record<string, string> | undefined)?.['root-cert.pem'];
  return data ? Buffer.from(data, 'base64').toString('utf8') : undefined;
}

/** One primary cluster: BASE_SCENARIO's infrastructure plus `pods` generated application pods. */
export function singleClusterMesh(pods: number, seed = 1): GeneratedMesh {
  const scenario: ScenarioSpec = loadScenario(BASE_SCENARIO);
  const base = scenario.clusters[0];
  if (!base) throw new Error(`scenario ${BASE_SCENARIO} has no cluster`);
  const apps = generateApps({
    seed,
    cluster: base.name,
    pods,
    meshId: base.mesh,
    ...(base.network ? { network: base.network } : {}),
    ...(baseRootCert(base.objects) ? { rootCertPem: baseRootCert(base.objects) } : {}),
  });
  return {
    spec: { ...base, objects: [...base.objects, ...apps] },
    meshes: scenario.meshes,
    generatedObjects: apps.length,
  };
}

/** What the snapshot loader must cost on this cluster: list pages per kind and the log reads. */
export interface ReadCost {
  /** Objects per snapshot kind (after the read plan's namespace/name filters). */
  objects: Partial<Record<SnapshotKind, number>>;
  /** List calls per kind: one per page of each of its queries (an empty list is still one call). */
  pages: Partial<Record<SnapshotKind, number>>;
  /** Container logs the loader reads (one call each). */
  logReads: number;
  /** 404 answers before the served version of a CRD-backed kind (an older Istio serves no v1):
   *  the loader tries the versions mesh-medic knows, newest first, once per query. */
  versionProbes: Partial<Record<SnapshotKind, number>>;
}

/** What reading `objects` costs, per kind; with `scopes`, as a diagnosis first reads a peer (engine/peers.ts). */
export function readCost(objects: readonly K8sObject[], scopes: KindScopes = {}): ReadCost {
  const byKind = new Map<SnapshotKind, K8sObject[]>(SNAPSHOT_KINDS.map((k) => [k, []]));
  for (const o of objects) {
    const kind = snapshotKindOf(o);
    if (kind) byKind.get(kind)?.push(o);
  }
  const cost: ReadCost = { objects: {}, pages: {}, logReads: selectLogTargets(byKind.get('pods') ?? []).length, versionProbes: {} };
  const crds = byKind.get('customresourcedefinitions.apiextensions.k8s.io') ?? [];
  for (const [kind, list] of byKind) {
    const queries = queriesFor(kind, scopes[kind]);
    cost.versionProbes[kind] = queries.length * unservedVersionsTried(kind, crds);
    // Objects matched by two queries (istio-system's root-cert ConfigMap) are kept once.
    cost.objects[kind] = list.filter((o) => queries.some((q) => matchesQuery(o, q))).length;
    const perQuery = queries.map((q) => list.filter((o) => matchesQuery(o, q)).length);
    cost.pages[kind] = perQuery.reduce((a, n) => a + Math.max(1, Math.ceil(n / PAGE_SIZE)), 0);
  }
  return cost;
}

/** Expected API calls of one snapshot: pages of the kinds read, plus log reads when logs are read. */
export function expectedCalls(cost: ReadCost, kinds: readonly SnapshotKind[], logs: boolean): number {
  const read = new Set(kinds);
  if (logs) read.add('pods');
  let calls = logs ? cost.logReads : 0;
  for (const kind of read) calls += (cost.pages[kind] ?? 0) + (cost.versionProbes[kind] ?? 0);
  return calls;
}

/** How many versions the loader tries (and gets 404 for) before one the cluster's CRD serves. */
function unservedVersionsTried(kind: SnapshotKind, crds: readonly K8sObject[]): number {
  const type = RESOURCE_TYPES.find((t) => resourceName(t) === kind);
  const crd = crds.find((c) => c.metadata.name === kind);
  if (!type || !crd || !Array.isArray(crd.spec?.versions)) return 0;
  const served = new Set<string>(crd.spec.versions.filter((v: { served?: boolean }) => v.served !== false).map((v: { name: string }) => v.name));
  const first = type.versions.findIndex((v) => served.has(v));
  return first === -1 ? type.versions.length : first;
}
