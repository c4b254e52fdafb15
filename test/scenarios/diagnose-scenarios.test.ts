// The promise of the diagnosis engine, scenario by scenario: on every sandbox cluster, exactly the
// checks the scenario expects report `fail`, and healthy baselines raise no warning either.
// Runs twice: offline (snapshots built from the scenario files) and live (through the sandbox API
// server, the real HTTP client and the kubeconfigs it writes), so both paths agree.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRegistry } from '../../src/config/registry.ts';
import { DEFAULT_K8S_CONFIG } from '../../src/config/env.ts';
import type { Registry } from '../../src/domain/cluster.ts';
import type { Finding } from '../../src/domain/finding.ts';
import { diagnose } from '../../src/engine/diagnose.ts';
import { PEER_SCOPES } from '../../src/engine/peers.ts';
import { liveSnapshotSource, offlineSnapshotSource, registryFromSpecs, type LiveSnapshotSource } from '../../src/k8s/snapshot-source.ts';
import { queriesFor } from '../../src/k8s/read-plan.ts';
import { SNAPSHOT_KINDS } from '../../src/k8s/snapshot.ts';
import type { ScenarioSpec } from '../../src/sandbox/cluster-spec.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox.ts';
import { countKey, type RequestLogEntry } from '../../src/sandbox/server/request-log.ts';
import { loadScenarios } from '../../src/sandbox/scenarios.ts';

const scenarios = loadScenarios('all');
const clusters = scenarios.flatMap((s) => s.clusters.map((c) => ({ scenario: s, cluster: c })));

function failing(findings: Finding[]): string[] {
  return [...new Set(findings.filter((f) => f.status === 'fail').map((f) => f.check))].sort();
}

function describeFindings(findings: Finding[], statuses: string[]): string {
  return findings
    .filter((f) => statuses.includes(f.status))
    .map((f) => `${f.status} ${f.check}: ${f.summary}`)
    .join('\n');
}

/** Every API call is a list of a kind (one per read-plan query: scenario clusters fit in one
 *  page) or a log read: no per-object reads, however many checks or objects there are. A peer's
 *  pods and services are read in istio-system first, and once more in full only if a check asks. */
function expectCallsBoundedByKinds(sandbox: Sandbox, diagnosed: string, healthy: boolean): void {
  const maxQueries = SNAPSHOT_KINDS.reduce((n, kind) => n + queriesFor(kind).length, 0);
  for (const [name, c] of sandbox.clusters) {
    // A 404 is a version probe (an older Istio serves no v1 of its kinds), not a read.
    const counts: Record<string, number> = {};
    for (const e of c.requestLog.entries()) {
      if (e.status === 404) continue;
      const key = countKey(e);
      counts[key] = (counts[key] ?? 0) + 1;
    }
    const lists = Object.entries(counts).filter(([key]) => key.startsWith('list '));
    const others = Object.keys(counts).filter((key) => !key.startsWith('list ') && key !== 'get pods/log' && !key.startsWith('discovery'));
    expect(others, `${name}: unexpected calls`).toEqual([]);
    for (const [key, n] of lists) {
      const widenable = name !== diagnosed && Object.hasOwn(PEER_SCOPES, key.slice('list '.length));
      expect(n, `${name}: ${key}`).toBeLessThanOrEqual((key === 'list configmaps' ? 2 : 1) + (widenable ? 1 : 0));
    }
    if (name === diagnosed) expect(lists.reduce((n, [, v]) => n + v, 0)).toBeLessThanOrEqual(maxQueries);
    else if (healthy) expect(peerReadsOutsideScope(c.requestLog.entries()), `${name}: peer reads beyond istio-system`).toEqual([]);
  }
}

function peerReadsOutsideScope(entries: RequestLogEntry[]): string[] {
  return entries
    .filter((e) => e.verb === 'list' && e.group === '' && Object.hasOwn(PEER_SCOPES, e.resource) && e.namespace !== 'istio-system')
    .map((e) => `${countKey(e)} in ${e.namespace ?? 'all namespaces'}`);
}

function isHealthy(s: ScenarioSpec): boolean {
  return s.name.startsWith('healthy-');
}

describe('offline diagnosis of every scenario cluster', () => {
  for (const { scenario, cluster } of clusters) {
    it(`${scenario.name} / ${cluster.name}: fails exactly [${cluster.expectFail.join(', ')}]`, async () => {
      const registry = registryFromSpecs(scenario.clusters, scenario.meshes);
      const report = await diagnose({ registry, cluster: cluster.name, source: offlineSnapshotSource(scenario.clusters) });
      expect(failing(report.findings), describeFindings(report.findings, ['fail', 'error'])).toEqual(
        [...cluster.expectFail].sort(),
      );
      // Offline snapshots hold everything: no check may error unless the scenario injects faults.
      if (!cluster.faults) expect(describeFindings(report.findings, ['error'])).toBe('');
      if (isHealthy(scenario)) expect(describeFindings(report.findings, ['warn'])).toBe('');
    });
  }
});

describe('live diagnosis through the sandbox API server', () => {
  let sandbox: Sandbox;
  let registry: Registry;
  let source: LiveSnapshotSource;

  beforeAll(async () => {
    sandbox = await startSandbox({
      clusters: scenarios.flatMap((s) => s.clusters),
      meshes: scenarios.flatMap((s) => s.meshes),
    });
    registry = loadRegistry(sandbox.registryPath);
    source = liveSnapshotSource(registry, { ...DEFAULT_K8S_CONFIG, timeoutMs: 2_000 });
  });

  afterAll(async () => {
    await source?.close();
    await sandbox?.stop();
  });

  for (const { scenario, cluster } of clusters) {
    it(`${scenario.name} / ${cluster.name}: fails exactly [${cluster.expectFail.join(', ')}]`, async () => {
      for (const c of sandbox.clusters.values()) c.requestLog.reset();
      const report = await diagnose({ registry, cluster: cluster.name, source });
      expectCallsBoundedByKinds(sandbox, cluster.name, isHealthy(scenario));
      expect(failing(report.findings), describeFindings(report.findings, ['fail', 'error'])).toEqual(
        [...cluster.expectFail].sort(),
      );
      if (!cluster.faults) expect(describeFindings(report.findings, ['error'])).toBe('');
      if (isHealthy(scenario)) expect(describeFindings(report.findings, ['warn'])).toBe('');
      expect(report.apiCalls).toBeGreaterThan(0);
    });
  }
});
