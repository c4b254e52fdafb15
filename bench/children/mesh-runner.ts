// Benchmark child: diagnoses every cluster of a mesh in one process, with one engine, the way a
// mesh-wide diagnosis can work without workers: each cluster is read once (its own kinds, its
// logs and the kinds peers need) and that snapshot serves its own diagnosis and every other
// cluster's cross-cluster checks. Requests:
//   init { registryPath }  -> clusters and what is read
//   mesh                   -> all clusters diagnosed concurrently on shared snapshots
//   one { cluster }        -> one cluster diagnosed alone, reading its peers itself (what a
//                             single `diagnose` costs in this mesh)
//   usage                  -> peak RSS so far

import { performance } from 'node:perf_hooks';
import { CHECKS } from '../../src/checks/index.ts';
import { DEFAULT_K8S_CONFIG } from '../../src/config/env.ts';
import { findCluster, loadRegistry } from '../../src/config/registry.ts';
import type { Registry } from '../../src/domain/cluster.ts';
import type { Finding } from '../../src/domain/finding.ts';
import { diagnose } from '../../src/engine/diagnose.ts';
import { readsOf, selectChecks } from '../../src/engine/select-checks.ts';
import { liveSnapshotSource, type SnapshotSource } from '../../src/k8s/snapshot-source.ts';
import type { Snapshot, SnapshotKind } from '../../src/k8s/snapshot.ts';
import { serveParent } from '../lib/child.ts';

export interface MeshInit {
  clusters: string[];
  /** Kinds every shared snapshot holds: what any check reads of its cluster or of a peer. */
  sharedKinds: SnapshotKind[];
  peerKinds: SnapshotKind[];
  /** What each cluster's own diagnosis reads of it (by its role's checks). */
  ownReads: Record<string, { kinds: SnapshotKind[]; logs: boolean }>;
  rssMB: number;
}

export interface MeshRun {
  wallMs: number;
  /** Until the last snapshot was loaded (every diagnosis waits for all of them). */
  loadMs: number;
  checksMs: number;
  cpuMs: number;
  snapshots: number;
  diagnoses: number;
  findings: number;
  /** `cluster check: summary` of every fail/error finding. */
  problems: string[];
  /** Sum of the reports' apiCalls (each counts the shared snapshots it used: not the calls made). */
  reportedApiCalls: number;
  rssAfterMB: number;
  maxRssMB: number;
  /** For a lone diagnosis: what it reads of its own cluster. */
  reads?: { kinds: SnapshotKind[]; logs: boolean };
}

const MB = 2 ** 20;
/**
 * One sandbox process answers for every cluster of the mesh (N API servers on one thread, sharing
 * 2 cores with this engine): a call can wait behind the other clusters' calls for longer than the
 * default 10 s per-call timeout, which no real cluster's API server would make it do. The calls
 * and everything else are as configured by default.
 */
const ACCESS = { ...DEFAULT_K8S_CONFIG, timeoutMs: 60_000 };
let registry: Registry | undefined;
let sharedKinds: SnapshotKind[] = [];

function init(registryPath: string): MeshInit {
  registry = loadRegistry(registryPath);
  const reads = readsOf(CHECKS);
  sharedKinds = [...new Set([...reads.kinds, ...reads.peerKinds])].sort();
  return {
    clusters: registry.clusters.map((c) => c.name),
    sharedKinds,
    peerKinds: reads.peerKinds,
    ownReads: Object.fromEntries(
      registry.clusters.map((c) => {
        const own = readsOf(selectChecks(CHECKS, c).runnable);
        return [c.name, { kinds: own.kinds, logs: own.logs }];
      }),
    ),
    rssMB: process.memoryUsage().rss / MB,
  };
}

/** Loads each cluster once, whoever asks first, with everything any diagnosis needs of it. */
function sharedSource(live: SnapshotSource, loaded: number[]): SnapshotSource {
  const cache = new Map<string, Promise<Snapshot>>();
  return {
    callBudget: live.callBudget,
    apiServer: (c) => live.apiServer(c),
    close: () => live.close(),
    load(cluster, req) {
      let snapshot = cache.get(cluster.name);
      if (!snapshot) {
        snapshot = live.load(cluster, { kinds: sharedKinds, logs: true, budget: req.budget }).then((s) => {
          loaded.push(performance.now());
          return s;
        });
        cache.set(cluster.name, snapshot);
      }
      return snapshot;
    },
  };
}

function problemsOf(findings: Finding[]): string[] {
  return findings.filter((f) => f.status === 'fail' || f.status === 'error').map((f) => `${f.cluster} ${f.check}: ${f.summary}`);
}

async function collectGarbage(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return;
  await new Promise((resolve) => setImmediate(resolve));
  gc();
}

async function timed(
  work: (source: SnapshotSource) => Promise<{ findings: Finding[]; apiCalls: number }[]>,
  shared: boolean,
): Promise<MeshRun> {
  if (!registry) throw new Error('runner not initialised');
  await collectGarbage();
  const loaded: number[] = [];
  const live = liveSnapshotSource(registry, ACCESS);
  const source = shared ? sharedSource(live, loaded) : timedLoads(live, loaded);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let reports: { findings: Finding[]; apiCalls: number }[];
  let end: number;
  try {
    reports = await work(source);
    end = performance.now();
  } finally {
    await source.close();
  }
  const cpu = process.cpuUsage(cpu0);
  const loadEnd = loaded.length > 0 ? Math.max(...loaded) : t0;
  const findings = reports.flatMap((r) => r.findings);
  return {
    wallMs: end - t0,
    loadMs: loadEnd - t0,
    checksMs: end - loadEnd,
    cpuMs: (cpu.user + cpu.system) / 1000,
    snapshots: loaded.length,
    diagnoses: reports.length,
    findings: findings.length,
    problems: problemsOf(findings),
    reportedApiCalls: reports.reduce((n, r) => n + r.apiCalls, 0),
    rssAfterMB: process.memoryUsage().rss / MB,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
  };
}

function timedLoads(live: SnapshotSource, loaded: number[]): SnapshotSource {
  return {
    callBudget: live.callBudget,
    apiServer: (c) => live.apiServer(c),
    close: () => live.close(),
    load: (c, req) =>
      live.load(c, req).then((s) => {
        loaded.push(performance.now());
        return s;
      }),
  };
}

function diagnoseAll(source: SnapshotSource) {
  const reg = registry as Registry;
  return Promise.all(reg.clusters.map((c) => diagnose({ registry: reg, cluster: c.name, source })));
}

serveParent(async (msg) => {
  switch (msg.type) {
    case 'init':
      return init(String(msg.registryPath));
    case 'mesh':
      return timed(diagnoseAll, true);
    case 'one': {
      const name = String(msg.cluster);
      const run = await timed(async (source) => [await diagnose({ registry: registry as Registry, cluster: name, source })], false);
      const own = readsOf(selectChecks(CHECKS, findCluster(registry as Registry, name)).runnable);
      return { ...run, reads: { kinds: own.kinds, logs: own.logs } };
    }
    case 'usage':
      return { maxRssMB: process.resourceUsage().maxRSS / 1024 };
    default:
      throw new Error(`unknown request ${msg.type}`);
  }
});
