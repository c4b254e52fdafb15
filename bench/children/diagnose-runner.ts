// Benchmark child: diagnoses one registered cluster on request, the way the CLI does (a fresh live
// snapshot source per diagnosis: kubeconfig, TLS connections and all), and measures it. Runs in its
// own process so the peak RSS it reports is the diagnosis's own. Requests:
//   init { registryPath, cluster } -> baseline memory, checks that will run
//   run                            -> one diagnosis: wall time, phases, calls, CPU, per-check time
//   profile                        -> one diagnosis under the CPU profiler: time per stage
//   usage                          -> peak RSS of the process so far

import { performance } from 'node:perf_hooks';
import { CHECKS } from '../../src/checks/index.ts';
import { DEFAULT_K8S_CONFIG } from '../../src/config/env.ts';
import { findCluster, loadRegistry } from '../../src/config/registry.ts';
import type { RegisteredCluster, Registry } from '../../src/domain/cluster.ts';
import type { Status } from '../../src/domain/finding.ts';
import { diagnose } from '../../src/engine/diagnose.ts';
import { countByStatus } from '../../src/engine/report.ts';
import { readsOf, selectChecks } from '../../src/engine/select-checks.ts';
import { liveSnapshotSource, type SnapshotSource } from '../../src/k8s/snapshot-source.ts';
import type { SnapshotKind } from '../../src/k8s/snapshot.ts';
import { serveParent } from '../lib/child.ts';
import { profiled } from '../lib/profile.ts';

export interface RunnerInit {
  rssMB: number;
  heapUsedMB: number;
  checks: number;
  runnable: number;
  kinds: SnapshotKind[];
  peerKinds: SnapshotKind[];
  logs: boolean;
}

export interface RunnerRun {
  wallMs: number;
  /** From the start of diagnose() until every snapshot (cluster and peers) was loaded. */
  loadMs: number;
  /** From the last snapshot loaded until the report was returned: the checks. */
  checksMs: number;
  /** CPU time of this process during the diagnosis. */
  cpuMs: number;
  apiCalls: number;
  /** Snapshots loaded (the cluster and each peer). */
  snapshots: number;
  perCheckMs: Record<string, number>;
  statuses: Record<Status, number>;
  /** `check: summary` of every fail/error finding (a healthy generated mesh should have none). */
  problems: string[];
  rssAfterMB: number;
  maxRssMB: number;
}

const MB = 2 ** 20;
let registry: Registry | undefined;
let cluster: RegisteredCluster | undefined;

function init(registryPath: string, name: string): RunnerInit {
  registry = loadRegistry(registryPath);
  cluster = findCluster(registry, name);
  const { runnable } = selectChecks(CHECKS, cluster);
  const reads = readsOf(runnable);
  const mem = process.memoryUsage();
  return {
    rssMB: mem.rss / MB,
    heapUsedMB: mem.heapUsed / MB,
    checks: CHECKS.length,
    runnable: runnable.length,
    kinds: reads.kinds,
    peerKinds: reads.peerKinds,
    logs: reads.logs,
  };
}

/** Wraps a source to time when each snapshot finished loading. */
function timedSource(source: SnapshotSource, loaded: number[]): SnapshotSource {
  return {
    callBudget: source.callBudget,
    apiServer: (c) => source.apiServer(c),
    close: () => source.close(),
    async load(c, req) {
      const snapshot = await source.load(c, req);
      loaded.push(performance.now());
      return snapshot;
    },
  };
}

async function runOnce(): Promise<RunnerRun> {
  if (!registry || !cluster) throw new Error('runner not initialised');
  await collectGarbage();
  const loaded: number[] = [];
  const source = liveSnapshotSource(registry, DEFAULT_K8S_CONFIG);
  const perCheckMs: Record<string, number> = {};
  let last = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let report: Awaited<ReturnType<typeof diagnose>>;
  let end: number;
  try {
    report = await diagnose({
      registry,
      cluster: cluster.name,
      source: timedSource(source, loaded),
      onProgress: (p) => {
        const now = performance.now();
        // The first progress comes right after the snapshots: time it from there.
        perCheckMs[p.check] = now - (last || (loaded.length > 0 ? Math.max(...loaded) : t0));
        last = now;
      },
    });
    end = performance.now();
  } finally {
    await source.close();
  }
  const cpu = process.cpuUsage(cpu0);
  const wallMs = end - t0;
  const loadEnd = loaded.length > 0 ? Math.max(...loaded) : t0;
  const result: RunnerRun = {
    wallMs,
    loadMs: loadEnd - t0,
    checksMs: t0 + wallMs - loadEnd,
    cpuMs: (cpu.user + cpu.system) / 1000,
    apiCalls: report.apiCalls,
    snapshots: loaded.length,
    perCheckMs,
    statuses: countByStatus(report.findings),
    problems: report.findings.filter((f) => f.status === 'fail' || f.status === 'error').map((f) => `${f.check}: ${f.summary}`),
    rssAfterMB: process.memoryUsage().rss / MB,
    maxRssMB: maxRssMB(),
  };
  return result;
}

/**
 * Each diagnosis starts from a collected heap, as in a worker that has been idle between incidents
 * (V8's memory reducer collects an idle heap on its own). Collected on a fresh macrotask, once the
 * previous diagnosis is unreachable: a collection that still finds it alive would size the next
 * heap limit for two snapshots. The peak RSS stays the kernel's high-water mark over every run.
 */
async function collectGarbage(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return;
  await new Promise((resolve) => setImmediate(resolve));
  gc();
}

function maxRssMB(): number {
  // resourceUsage().maxRSS is in kilobytes.
  return process.resourceUsage().maxRSS / 1024;
}

serveParent(async (msg) => {
  switch (msg.type) {
    case 'init':
      return init(String(msg.registryPath), String(msg.cluster));
    case 'run':
      return runOnce();
    case 'profile':
      return (await profiled(runOnce)).stages;
    case 'usage':
      return { maxRssMB: maxRssMB() };
    default:
      throw new Error(`unknown request ${msg.type}`);
  }
});
