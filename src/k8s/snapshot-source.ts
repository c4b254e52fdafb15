// Where the engine gets snapshots from: live clusters (through their kubeconfigs) or, for tests
// and check development, cluster specs held in memory (scenario files). The engine cannot tell
// the difference, so a check behaves the same in both.

import type { RegisteredCluster, Registry } from '../domain/cluster.ts';
import { isMeshMedicError } from '../domain/errors.ts';
import type { K8sAccessConfig } from '../config/env.ts';
import type { ClusterSpec } from '../sandbox/cluster-spec.ts';
import { buildSnapshot, snapshotKindOf } from './build-snapshot.ts';
import { type CallCharge, CallCounter } from './call-budget.ts';
import { createK8sClient, type K8sClient } from './client.ts';
import { apiServerOf } from './kubeconfig-access.ts';
import { loadSnapshot } from './load-snapshot.ts';
import { offlineFailures } from './offline-faults.ts';
import { type KindScopes, type ReadFailure, Snapshot, type SnapshotKind } from './snapshot.ts';

export interface SnapshotRequest {
  kinds: readonly SnapshotKind[];
  logs: boolean;
  /** The diagnosis's call budget, shared by every cluster it reads. */
  budget?: CallCharge;
  /** Kinds to list only in these namespaces (peers are first read in istio-system only). */
  scopes?: KindScopes;
}

export interface SnapshotSource {
  /** Never throws for an unreadable cluster: failed reads are recorded in the snapshot. */
  load(cluster: RegisteredCluster, req: SnapshotRequest): Promise<Snapshot>;
  /** The cluster's API server URL where known (live: from its kubeconfig; offline: unknown). */
  apiServer(cluster: RegisteredCluster): string | undefined;
  /** API calls one diagnosis may make across every cluster it reads. */
  readonly callBudget: number;
  close(): Promise<void>;
}

export interface LiveSnapshotSource extends SnapshotSource {
  /** API calls made through this source, per cluster and in total. */
  readonly calls: CallCounter;
  /** The cached client of a registered cluster (remediations use it for get/patch). */
  client(cluster: RegisteredCluster): Promise<K8sClient>;
}

/** `_registry` is the set of clusters this source may be asked for; clients are made on first use. */
export function liveSnapshotSource(_registry: Registry, config: K8sAccessConfig): LiveSnapshotSource {
  const calls = new CallCounter();
  const clients = new Map<string, Promise<K8sClient>>();
  const servers = new Map<string, string | undefined>();
  const client = (cluster: RegisteredCluster): Promise<K8sClient> => {
    let c = clients.get(cluster.name);
    if (!c) {
      c = createK8sClient(cluster, config, calls);
      clients.set(cluster.name, c);
      // A failed client is not cached: the kubeconfig may be fixed before the next diagnosis.
      c.catch(() => clients.delete(cluster.name));
    }
    return c;
  };
  return {
    calls,
    callBudget: config.callBudget,
    client,
    async load(cluster, req) {
      try {
        return await loadSnapshot(await client(cluster), req);
      } catch (err) {
        return failedSnapshot(cluster.name, req, err);
      }
    },
    apiServer(cluster) {
      if (!servers.has(cluster.name)) servers.set(cluster.name, apiServerOf(cluster));
      return servers.get(cluster.name);
    },
    async close() {
      const all = [...clients.values()];
      clients.clear();
      await Promise.all(all.map((c) => c.then((x) => x.close()).catch(() => undefined)));
    },
  };
}

export function offlineSnapshotSource(specs: readonly ClusterSpec[]): SnapshotSource {
  const byName = new Map(specs.map((s) => [s.name, s]));
  return {
    callBudget: Number.POSITIVE_INFINITY,
    async load(cluster, req) {
      const spec = byName.get(cluster.name);
      if (!spec) return failedSnapshot(cluster.name, req, new Error(`no offline spec for cluster ${cluster.name}`));
      return offlineSnapshot(spec, req);
    },
    apiServer: () => undefined,
    async close() {},
  };
}

/** The registry a set of offline cluster specs stands for (kubeconfig paths are placeholders). */
export function registryFromSpecs(specs: readonly ClusterSpec[], meshes?: readonly { id: string }[]): Registry {
  const meshIds = meshes?.map((m) => m.id) ?? [...new Set(specs.map((s) => s.mesh))];
  return {
    path: '(offline)',
    meshes: meshIds.map((id) => ({ id })),
    clusters: specs.map((s) => {
      const c: RegisteredCluster = { name: s.name, kubeconfig: `(offline)/${s.name}`, mesh: s.mesh, role: s.role, production: s.production ?? false };
      if (s.network !== undefined) c.network = s.network;
      if (s.controlPlane !== undefined) c.controlPlane = s.controlPlane;
      if (s.channel !== undefined) c.channel = s.channel;
      return c;
    }),
  };
}

function offlineSnapshot(spec: ClusterSpec, req: SnapshotRequest): Snapshot {
  const kinds = new Set<SnapshotKind>(req.kinds);
  if (req.logs) kinds.add('pods');
  const built = buildSnapshot({
    cluster: spec.name,
    objects: spec.objects.filter((o) => {
      const kind = snapshotKindOf(o);
      return kind !== undefined && kinds.has(kind);
    }),
    logs: req.logs ? spec.logs : [],
    failures: offlineFailures(spec.name, kinds, spec.faults),
    ...(req.scopes ? { scopes: scopedOnly(req.scopes, kinds) } : {}),
  });
  // buildSnapshot fills every kind; keep only the requested ones, as a live read would.
  const objects = Object.fromEntries(
    Object.entries(built.data.objects).filter(([kind]) => kinds.has(kind as SnapshotKind)),
  );
  return new Snapshot({
    ...built.data,
    objects,
    secrets: kinds.has('secrets') ? built.data.secrets : undefined,
  });
}

/** The scopes of the kinds actually requested. */
function scopedOnly(scopes: KindScopes, kinds: ReadonlySet<SnapshotKind>): KindScopes {
  return Object.fromEntries(Object.entries(scopes).filter(([kind]) => kinds.has(kind as SnapshotKind)));
}

/** A snapshot in which every requested read failed with `err` (client could not be created…). */
export function failedSnapshot(cluster: string, req: Pick<SnapshotRequest, 'kinds'>, err: unknown): Snapshot {
  const code = isMeshMedicError(err) ? err.code : 'INTERNAL';
  const message = err instanceof Error ? err.message : String(err);
  const failures: ReadFailure[] = req.kinds.map((kind) => ({ kind, code, message }));
  return new Snapshot({
    cluster,
    takenAt: new Date().toISOString(),
    objects: {},
    logs: [],
    failures,
    apiCalls: 0,
  });
}
