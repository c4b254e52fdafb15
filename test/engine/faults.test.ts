// Issue 3's promise under faults, on a real incident scenario served by the sandbox: a 403 on one
// kind turns only the checks that need it into `error` findings that name the permission, while
// every other check still reports its real result; an unreachable or hanging cluster yields a
// clear `cluster-access` failure instead of a hang or a crash.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_K8S_CONFIG } from '../../src/config/env.ts';
import { loadRegistry } from '../../src/config/registry.ts';
import type { Registry } from '../../src/domain/cluster.ts';
import type { Finding } from '../../src/domain/finding.ts';
import { diagnose } from '../../src/engine/diagnose.ts';
import { type LiveSnapshotSource, liveSnapshotSource } from '../../src/k8s/snapshot-source.ts';
import { type Sandbox, startSandbox } from '../../src/sandbox/sandbox.ts';
import { loadScenario } from '../../src/sandbox/scenarios.ts';

const scenario = loadScenario('hosted-xds-timeout');
let sandbox: Sandbox;
let registry: Registry;
let source: LiveSnapshotSource;

beforeAll(async () => {
  sandbox = await startSandbox({ clusters: scenario.clusters, meshes: scenario.meshes });
  registry = loadRegistry(sandbox.registryPath);
  // A short per-call timeout keeps the hanging-cluster case quick; correctness never depends on it.
  source = liveSnapshotSource(registry, { ...DEFAULT_K8S_CONFIG, timeoutMs: 1_500 });
});

afterEach(async () => {
  for (const c of sandbox.clusters.values()) await c.faults.clear();
});

afterAll(async () => {
  await source?.close();
  await sandbox?.stop();
});

function finding(findings: Finding[], check: string): Finding {
  const found = findings.filter((f) => f.check === check);
  expect(found.length, `findings of ${check}`).toBeGreaterThan(0);
  return found[0]!;
}

describe('diagnosis of hosted-east under injected faults', () => {
  it('403 on events: only event readers error, naming the permission; the real failures still show', async () => {
    sandbox.cluster('hosted-east').faults.addRule({ match: { verb: 'list', resource: 'events' }, action: { status: 403 } });
    const report = await diagnose({ registry, cluster: 'hosted-east', source });

    const readiness = finding(report.findings, 'gateway-readiness');
    expect(readiness.status).toBe('error');
    expect(readiness.summary).toMatch(/events/);
    expect(readiness.summary).toMatch(/list/);

    // Checks that do not read events give their real verdicts.
    expect(finding(report.findings, 'istiod-remote-endpoints').status).toBe('fail');
    expect(finding(report.findings, 'gateway-xds-unreachable').status).toBe('fail');
    const access = finding(report.findings, 'cluster-access');
    expect(access.status).toBe('warn');
    expect(access.summary).toMatch(/events/);
    // Nothing else turned into an error: the failure is contained to the kind that was refused.
    const errored = report.findings.filter((f) => f.status === 'error').map((f) => f.check);
    for (const id of errored) expect(['gateway-readiness', 'istio-init-failures', 'loadbalancer-pending']).toContain(id);
  });

  it('refused connections: cluster-access fails naming the server, other checks are not run', async () => {
    await sandbox.cluster('hosted-east').faults.refuseConnections(true);
    const report = await diagnose({ registry, cluster: 'hosted-east', source });

    const access = finding(report.findings, 'cluster-access');
    expect(access.status).toBe('fail');
    expect(access.summary).toContain(sandbox.cluster('hosted-east').url);
    const others = report.findings.filter((f) => f.check !== 'cluster-access');
    expect(others.length).toBeGreaterThan(10);
    for (const f of others) expect(['error', 'skipped']).toContain(f.status);
    expect(others.filter((f) => f.status === 'error').every((f) => /unreachable|not run/i.test(f.summary))).toBe(true);
  });

  it('a hanging API server: the report still arrives, with cluster-access failing on the timeout', async () => {
    sandbox.cluster('hosted-east').faults.addRule({ match: { resource: 'namespaces' }, action: { timeout: true } });
    sandbox.cluster('hosted-east').faults.addRule({ match: { resource: 'pods' }, action: { timeout: true } });
    const report = await diagnose({ registry, cluster: 'hosted-east', source, checkIds: ['cluster-access'] });

    const access = finding(report.findings, 'cluster-access');
    expect(access.status).toBe('fail');
    expect(access.summary).toMatch(/no answer|timed out|timeout/i);
  });

  it('wrong credentials: cluster-access fails with 401 and the token is never printed', async () => {
    const east = sandbox.cluster('hosted-east');
    east.faults.addRule({ match: {}, action: { status: 401 } });
    const report = await diagnose({ registry, cluster: 'hosted-east', source });
    const access = finding(report.findings, 'cluster-access');
    expect(access.status).toBe('fail');
    expect(access.summary).toMatch(/401|credentials/i);
    expect(JSON.stringify(report)).not.toContain(east.token);
  });
});
