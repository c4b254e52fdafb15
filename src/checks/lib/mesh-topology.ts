// The registry's picture of the mesh a cluster belongs to, and access to peer snapshots. Checks
// that look across clusters start here, so "which clusters matter" is decided in one place.

import type { RegisteredCluster } from '../../domain/cluster.ts';
import { ReadFailedError, type Snapshot, type SnapshotKind } from '../../k8s/snapshot.ts';
import type { CheckContext, CheckResult } from '../types.ts';
import type { K8sObject } from '../../domain/k8s-object.ts';

/** Every registered cluster of the diagnosed cluster's mesh, the diagnosed one included. */
export function meshClusters(ctx: CheckContext): RegisteredCluster[] {
  return ctx.registry.clusters.filter((c) => c.mesh === ctx.cluster.mesh);
}

/** The other registered clusters of the same mesh. */
export function meshPeers(ctx: CheckContext): RegisteredCluster[] {
  return meshClusters(ctx).filter((c) => c.name !== ctx.cluster.name);
}

export function findCluster(ctx: CheckContext, name: string): RegisteredCluster | undefined {
  return ctx.registry.clusters.find((c) => c.name === name);
}

/**
 * Distinct registered networks of the mesh's workload clusters. Clusters without a `network` are
 * not counted, nor control-plane clusters: they run no workloads, so their network carries no
 * cross-network traffic.
 */
export function meshNetworks(ctx: CheckContext): string[] {
  const workload = meshClusters(ctx).filter(isWorkloadCluster);
  return [...new Set(workload.flatMap((c) => (c.network ? [c.network] : [])))].sort();
}

export function isMultiNetwork(ctx: CheckContext): boolean {
  return meshNetworks(ctx).length > 1;
}

/** Runs an istiod for the mesh: a primary, a control-plane cluster, or a co-located remote. */
export function hostsIstiod(cluster: RegisteredCluster): boolean {
  return cluster.role !== 'remote' || cluster.controlPlane === cluster.name;
}

/** Clusters whose workloads the mesh's istiods must discover (primaries and remotes). */
export function isWorkloadCluster(cluster: RegisteredCluster): boolean {
  return cluster.role === 'primary' || cluster.role === 'remote';
}

/** Remotes configured by `cluster`'s istiod (co-located remotes of itself excluded). */
export function remotesOf(ctx: CheckContext, cluster: string): RegisteredCluster[] {
  return meshClusters(ctx).filter((c) => c.role === 'remote' && c.controlPlane === cluster && c.name !== cluster);
}

/** Name of the hosted control plane's LoadBalancer Service in the control-plane cluster. */
export function hostedLbName(meshId: string): string {
  return `istiod-${meshId}-hosted-lb`;
}

/** Prefix of hosted istiod Deployments and Pods in the control-plane cluster. */
export function hostedIstiodPrefix(meshId: string): string {
  return `istiod-${meshId}-hosted`;
}

export type PeerRead<T> = { ok: true; value: T } | { ok: false; result: CheckResult };

/**
 * Lists one kind from a peer snapshot (in one namespace when given: a peer's first read covers
 * istio-system only, and asking for more costs a full read of that kind, see engine/peers.ts). A peer that was not read, or whose kind failed, becomes an
 * `error` result naming it: a cross-cluster check must never pass on data it could not see.
 */
export function listPeer(ctx: CheckContext, peer: string, kind: SnapshotKind, why: string, namespace?: string): PeerRead<K8sObject[]> {
  const snapshot = ctx.peers.get(peer);
  if (!snapshot) return { ok: false, result: peerNotRead(peer, why) };
  try {
    return { ok: true, value: namespace === undefined ? snapshot.list(kind) : snapshot.listIn(kind, namespace) };
  } catch (err) {
    if (err instanceof ReadFailedError) return { ok: false, result: peerReadFailed(peer, why, err) };
    throw err;
  }
}

/** Like listPeer, for secret summaries. */
export function peerSecrets(ctx: CheckContext, peer: string, why: string): PeerRead<ReturnType<Snapshot['secrets']>> {
  const snapshot = ctx.peers.get(peer);
  if (!snapshot) return { ok: false, result: peerNotRead(peer, why) };
  try {
    return { ok: true, value: snapshot.secrets() };
  } catch (err) {
    if (err instanceof ReadFailedError) return { ok: false, result: peerReadFailed(peer, why, err) };
    throw err;
  }
}

function peerNotRead(peer: string, why: string): CheckResult {
  return {
    status: 'error',
    summary: `Cannot verify ${why}: cluster ${peer} was not read for this diagnosis (unreachable or not registered in this mesh)`,
    evidence: [],
  };
}

function peerReadFailed(peer: string, why: string, err: ReadFailedError): CheckResult {
  return {
    status: 'error',
    summary: `Cannot verify ${why}: reading cluster ${peer} failed: ${err.failure.message}`,
    evidence: [],
  };
}
