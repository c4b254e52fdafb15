// Runs checks on the sandbox scenarios offline, the way the engine would: each cluster's snapshot
// holds only the kinds the check declares (and logs only if it reads logs), peers hold only its
// `peerReads` kinds, and the registry is the scenarios' own. A check must `fail` exactly on the
// clusters whose `expectFail` names it, and never `fail` or `error` anywhere else.

import type { CheckContext, Check, CheckResult } from '../../src/checks/types.ts';
import type { Registry, RegisteredCluster } from '../../src/domain/cluster.ts';
import { buildSnapshot } from '../../src/k8s/build-snapshot.ts';
import type { Snapshot, SnapshotKind } from '../../src/k8s/snapshot.ts';
import type { ClusterSpec, ScenarioSpec } from '../../src/sandbox/cluster-spec.ts';
import { loadScenarios } from '../../src/sandbox/scenarios.ts';

export interface ScenarioRun {
  scenario: string;
  cluster: string;
  expectFail: string[];
  results: CheckResult[];
}

/** Every scenario, loaded as if recorded at `now`. */
export function loadAllScenarios(now: Date): ScenarioSpec[] {
  return loadScenarios('all', { now });
}

export function registryOf(specs: ScenarioSpec[]): Registry {
  return {
    path: '/offline/clusters.yaml',
    meshes: specs.flatMap((s) => s.meshes),
    clusters: specs.flatMap((s) => s.clusters.map(registered)),
  };
}

function registered(c: ClusterSpec): RegisteredCluster {
  return {
    name: c.name,
    kubeconfig: '',
    mesh: c.mesh,
    role: c.role,
    production: false,
    ...(c.network ? { network: c.network } : {}),
    ...(c.controlPlane ? { controlPlane: c.controlPlane } : {}),
  };
}

/** An offline snapshot of one scenario cluster restricted to `kinds` (and its logs if asked). */
export function scenarioSnapshot(c: ClusterSpec, kinds: readonly SnapshotKind[], withLogs: boolean, now: Date): Snapshot {
  const snapshot = buildSnapshot({ cluster: c.name, objects: c.objects, logs: withLogs ? c.logs : [], takenAt: now });
  const keep = new Set<string>(kinds);
  for (const kind of Object.keys(snapshot.data.objects)) {
    if (!keep.has(kind)) delete snapshot.data.objects[kind as SnapshotKind];
  }
  if (!keep.has('secrets')) delete snapshot.data.secrets;
  return snapshot;
}

/** Runs `check` on every cluster of every scenario, with the peers the engine would give it. */
export function runOnScenarios(check: Check, specs: ScenarioSpec[], now: Date): ScenarioRun[] {
  const registry = registryOf(specs);
  const runs: ScenarioRun[] = [];
  for (const spec of specs) {
    for (const c of spec.clusters) {
      const self = registry.clusters.find((r) => r.name === c.name)!;
      const peers = new Map<string, Snapshot>();
      for (const other of specs.flatMap((s) => s.clusters)) {
        const isPeer = other.name !== c.name && (other.mesh === c.mesh || other.name === c.controlPlane);
        if (isPeer) peers.set(other.name, scenarioSnapshot(other, check.peerReads ?? [], false, now));
      }
      const ctx: CheckContext = { cluster: self, registry, peers, apiServers: new Map(), now };
      const snapshot = scenarioSnapshot(c, check.reads, check.readsLogs === true, now);
      const applies = !check.roles || check.roles.includes(c.role);
      const results = applies ? safeRun(check, snapshot, ctx) : [{ status: 'skipped' as const, summary: `not for role ${c.role}` }];
      runs.push({ scenario: spec.name, cluster: c.name, expectFail: c.expectFail, results });
    }
  }
  return runs;
}

function safeRun(check: Check, snapshot: Snapshot, ctx: CheckContext): CheckResult[] {
  try {
    return check.run(snapshot, ctx);
  } catch (err) {
    return [{ status: 'error', summary: `check threw: ${err instanceof Error ? err.message : String(err)}` }];
  }
}

/**
 * Every way the runs disagree with the scenarios' `expectFail`, one readable line each:
 * an expected failure that did not fail, or a `fail`/`error` on a cluster that expects none.
 */
export function expectationMismatches(check: Check, runs: ScenarioRun[]): string[] {
  const out: string[] = [];
  for (const run of runs) {
    const expected = run.expectFail.includes(check.id);
    const fails = run.results.filter((r) => r.status === 'fail');
    const errors = run.results.filter((r) => r.status === 'error');
    const where = `${run.scenario}/${run.cluster}`;
    if (expected && fails.length === 0) out.push(`${where}: expected fail, got ${run.results.map((r) => `${r.status} (${r.summary})`).join('; ')}`);
    if (!expected) for (const f of fails) out.push(`${where}: unexpected fail: ${f.summary}`);
    for (const e of errors) out.push(`${where}: error: ${e.summary}`);
  }
  return out;
}
