// Benchmark child: serves a generated mesh through the sandbox API server, in its own process so
// the server's CPU and memory are not charged to the diagnosis being measured. Requests:
//   start { layout: 'single', pods, seed }        -> one primary cluster (benchmark 2)
//   start { layout: 'hosted', clusters, pods }     -> a hosted mesh (benchmark 3)
//       both answer the registry path, cluster names, object counts and expected read cost
//   reset  -> clears the request logs and starts a CPU-time window
//   log    -> what was asked since reset, summed over the clusters (and calls per cluster)

import { performance } from 'node:perf_hooks';
import type { ClusterSpec } from '../../src/sandbox/cluster-spec.ts';
import { type Sandbox, startSandbox } from '../../src/sandbox/sandbox.ts';
import { PEER_SCOPES } from '../../src/engine/peers.ts';
import { serveParent } from '../lib/child.ts';
import { hostedMesh } from '../lib/hosted-mesh.ts';
import { type ReadCost, readCost, singleClusterMesh } from '../lib/mesh.ts';

export interface ServedCluster {
  name: string;
  objects: number;
  cost: ReadCost;
  /** What a diagnosis of another cluster first reads of this one, as its peer. */
  peerCost: ReadCost;
}

export interface SandboxStarted {
  registryPath: string;
  clusters: ServedCluster[];
  objects: number;
  generateMs: number;
  startMs: number;
}

export interface SandboxLog {
  counts: Record<string, number>;
  /** Non-discovery requests (what a call budget counts), all clusters. */
  apiCalls: number;
  apiCallsByCluster: Record<string, number>;
  /** GETs of one named object other than pod logs: a snapshot should make none. */
  perObjectReads: number;
  /** Requests answered with a non-2xx status. */
  errors: number;
  /** Sum of the server's own handling time over the requests (ms). */
  serverMs: number;
  /** CPU time of the sandbox process since reset (ms). */
  serverCpuMs: number;
}

let sandbox: Sandbox | undefined;
let cpuAtReset = process.cpuUsage();

interface Built {
  clusters: ClusterSpec[];
  meshes: { id: string }[];
}

function build(msg: Record<string, unknown>): Built {
  if (msg.layout === 'hosted') {
    const mesh = hostedMesh(Number(msg.clusters), Number(msg.pods));
    return { clusters: mesh.clusters, meshes: mesh.meshes };
  }
  const mesh = singleClusterMesh(Number(msg.pods), Number(msg.seed ?? 1));
  return { clusters: [mesh.spec], meshes: mesh.meshes };
}

async function start(msg: Record<string, unknown>): Promise<SandboxStarted> {
  const t0 = performance.now();
  const built = build(msg);
  const generateMs = performance.now() - t0;
  const t1 = performance.now();
  sandbox = await startSandbox(built);
  return {
    registryPath: sandbox.registryPath,
    clusters: built.clusters.map((c) => ({ name: c.name, objects: c.objects.length, cost: readCost(c.objects), peerCost: readCost(c.objects, PEER_SCOPES) })),
    objects: built.clusters.reduce((n, c) => n + c.objects.length, 0),
    generateMs,
    startMs: performance.now() - t1,
  };
}

function log(): SandboxLog {
  if (!sandbox) throw new Error('sandbox not started');
  const out: SandboxLog = { counts: {}, apiCalls: 0, apiCallsByCluster: {}, perObjectReads: 0, errors: 0, serverMs: 0, serverCpuMs: 0 };
  for (const c of sandbox.clusters.values()) {
    const entries = c.requestLog.entries().filter((e) => e.verb !== 'discovery');
    for (const [k, n] of Object.entries(c.requestLog.counts())) out.counts[k] = (out.counts[k] ?? 0) + n;
    out.apiCallsByCluster[c.name] = c.requestLog.apiCalls();
    out.apiCalls += c.requestLog.apiCalls();
    out.perObjectReads += entries.filter((e) => e.verb === 'get' && e.name !== undefined && e.subresource !== 'log').length;
    out.errors += entries.filter((e) => e.status < 200 || e.status >= 300).length;
    out.serverMs += entries.reduce((sum, e) => sum + e.ms, 0);
  }
  const cpu = process.cpuUsage(cpuAtReset);
  out.serverCpuMs = (cpu.user + cpu.system) / 1000;
  return out;
}

serveParent(
  async (msg) => {
    switch (msg.type) {
      case 'start':
        return start(msg);
      case 'reset':
        for (const c of sandbox?.clusters.values() ?? []) c.requestLog.reset();
        cpuAtReset = process.cpuUsage();
        return null;
      case 'log':
        return log();
      default:
        throw new Error(`unknown request ${msg.type}`);
    }
  },
  async () => {
    await sandbox?.stop();
  },
);
