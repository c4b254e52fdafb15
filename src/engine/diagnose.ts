// One diagnosis of one cluster: select the checks, read the cluster (and, for cross-cluster
// checks, its mesh peers) once, run every check against that snapshot, and report.

import { CHECKS } from '../checks/index.ts';
import type { Check, CheckContext } from '../checks/types.ts';
import { findCluster } from '../config/registry.ts';
import type { RegisteredCluster, Registry } from '../domain/cluster.ts';
import type { Finding } from '../domain/finding.ts';
import { CallBudget, type CallCharge } from '../k8s/call-budget.ts';
import { failedSnapshot, type SnapshotSource } from '../k8s/snapshot-source.ts';
import type { Snapshot } from '../k8s/snapshot.ts';
import type { PeerSnapshotCache } from './peer-cache.ts';
import { collectDemand, loadPeers, PEER_SCOPES, type PeerDemand, peersOf, resetDemand, widenPeers } from './peers.ts';
import { CLUSTER_ACCESS_CHECK, notRunSummary, unreachableReason } from './reachability.ts';
import { type DiagnosisProgress, type DiagnosisReport, sortFindings } from './report.ts';
import { runCheck, toFinding } from './run-check.ts';
import { type ReadSet, readsOf, resolveCheckIds, selectChecks } from './select-checks.ts';

export interface DiagnoseOptions {
  registry: Registry;
  /** Registered cluster name (UNKNOWN_CLUSTER otherwise). */
  cluster: string;
  /** Check ids to run (UNKNOWN_CHECK for an id not in the catalog); default: every check. */
  checkIds?: readonly string[];
  source: SnapshotSource;
  /** The catalog; default: CHECKS. */
  checks?: readonly Check[];
  now?: Date;
  /** Shares peers' first, scoped reads between diagnoses for a short while (workers); none: read every time. */
  peerCache?: PeerSnapshotCache;
  /** Called after each check; awaited, so a slow consumer slows the diagnosis rather than piling up. */
  onProgress?: (progress: DiagnosisProgress) => void | Promise<void>;
}

export async function diagnose(opts: DiagnoseOptions): Promise<DiagnosisReport> {
  const started = performance.now();
  const now = opts.now ?? new Date();
  const cluster = findCluster(opts.registry, opts.cluster);
  const selected = resolveCheckIds(opts.checks ?? CHECKS, opts.checkIds);
  const { runnable, notApplicable } = selectChecks(selected, cluster);
  const reads = readsOf(runnable);
  const { snapshot, peers, budget } = await readClusters(opts, cluster, reads);

  const ctx: CheckContext = { cluster, registry: opts.registry, peers, apiServers: apiServers(opts), now };
  const unreachable = unreachableReason(snapshot, reads.kinds);
  const total = selected.length;
  const findings: Finding[] = [];
  let done = 0;
  const report = async (check: Check, produced: Finding[]) => {
    findings.push(...produced);
    done++;
    const ordered = sortFindings(produced);
    await opts.onProgress?.({ done, total, check: check.id, findings: ordered, finding: ordered[0]! });
  };

  for (const check of notApplicable) {
    const summary = `not applicable to ${cluster.role} clusters (applies to ${check.roles?.join(', ')})`;
    await report(check, [toFinding(check, cluster.name, { status: 'skipped', summary })]);
  }
  // A check that asked a peer for more than its scoped read is run again once that is read (and
  // again if, on the wider data, it asks for yet more: at most once per scoped kind).
  let demand: PeerDemand = new Map();
  let pending: Check[] = [];
  for (const check of runnable) {
    if (unreachable && check.id !== CLUSTER_ACCESS_CHECK) {
      await report(check, [toFinding(check, cluster.name, { status: 'error', summary: notRunSummary(unreachable) })]);
      continue;
    }
    const produced = runTracked(check, snapshot, ctx, demand);
    if (produced) await report(check, produced);
    else pending.push(check);
  }
  let allPeers = peers;
  for (let widening = 1; pending.length > 0; widening++) {
    allPeers = await widenPeers(opts.source, opts.registry, allPeers, demand, budget);
    const wideCtx: CheckContext = { ...ctx, peers: allPeers };
    const next: Check[] = [];
    demand = new Map();
    for (const check of pending) {
      const produced = widening < MAX_WIDENINGS ? runTracked(check, snapshot, wideCtx, demand) : runCheck(check, snapshot, wideCtx);
      if (produced) await report(check, produced);
      else next.push(check);
    }
    pending = next;
  }

  return {
    cluster: cluster.name,
    startedAt: now.toISOString(),
    durationMs: Math.round(performance.now() - started),
    apiCalls: snapshot.data.apiCalls + [...allPeers.values()].reduce((n, s) => n + s.data.apiCalls, 0),
    findings: sortFindings(findings),
  };
}

/** A peer kind is read in full at most once; two kinds are scoped (PEER_SCOPES), so two widenings suffice. */
const MAX_WIDENINGS = Object.keys(PEER_SCOPES).length;

/** The check's findings, or undefined when it asked a peer for more than was read (added to `demand`). */
function runTracked(check: Check, snapshot: Snapshot, ctx: CheckContext, demand: PeerDemand): Finding[] | undefined {
  resetDemand(ctx.peers);
  const produced = runCheck(check, snapshot, ctx);
  return collectDemand(ctx.peers, demand) ? undefined : produced;
}

/** The diagnosed cluster and its peers, each read once, all in parallel, on one call budget. */
async function readClusters(
  opts: DiagnoseOptions,
  cluster: RegisteredCluster,
  reads: ReadSet,
): Promise<{ snapshot: Snapshot; peers: Map<string, Snapshot>; budget: CallCharge }> {
  const budget = new CallBudget(opts.source.callBudget);
  const peerList = reads.peerKinds.length > 0 ? peersOf(opts.registry, cluster) : [];
  const [snapshot, peers] = await Promise.all([
    opts.source
      .load(cluster, { kinds: reads.kinds, logs: reads.logs, budget })
      .catch((err: unknown) => failedSnapshot(cluster.name, { kinds: reads.kinds }, err)),
    loadPeers(opts.source, peerList, reads.peerKinds, budget, opts.peerCache),
  ]);
  return { snapshot, peers, budget };
}

function apiServers(opts: DiagnoseOptions): Map<string, string> {
  const out = new Map<string, string>();
  for (const c of opts.registry.clusters) {
    const server = opts.source.apiServer(c);
    if (server) out.set(c.name, server);
  }
  return out;
}
