// The deployed RBAC against what mesh-medic really does: a live diagnosis of every scenario cluster
// through the sandbox API server, then every request any cluster saw is evaluated against the
// roles `kubectl kustomize deploy/kubernetes` renders. A check that starts reading a new kind, a
// read plan that widens, or a fix that patches something new fails here until RBAC follows.

import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_K8S_CONFIG } from '../../src/config/env.ts';
import { loadRegistry } from '../../src/config/registry.ts';
import type { Registry } from '../../src/domain/cluster.ts';
import type { Finding, RemediationProposal } from '../../src/domain/finding.ts';
import type { K8sObject } from '../../src/domain/k8s-object.ts';
import { diagnose } from '../../src/engine/diagnose.ts';
import { findResourceTypeByKind } from '../../src/k8s/resources.ts';
import { type LiveSnapshotSource, liveSnapshotSource } from '../../src/k8s/snapshot-source.ts';
import {
  describeRequest,
  type Grant,
  grantsFor,
  isAllowed,
  nonResourceAllowed,
  type ResourceRequest,
  SYSTEM_DISCOVERY_RULES,
} from '../../src/rbac/evaluate.ts';
import { readRules } from '../../src/rbac/read-rules.ts';
import { REMEDIATION_CATALOG } from '../../src/rbac/remediation-catalog.ts';
import { IN_CLUSTER_SERVICE_ACCOUNT } from '../../src/rbac/types.ts';
import { planFollowUp, planForFinding, REMEDIATIONS_BY_ID } from '../../src/remediations/index.ts';
import { isRefusal } from '../../src/remediations/plan-support.ts';
import type { Plan, PlanContext } from '../../src/remediations/types.ts';
import { planUndo } from '../../src/remediations/undo.ts';
import { type RequestLogEntry, type Sandbox, startSandbox } from '../../src/sandbox/sandbox.ts';
import { loadScenarios } from '../../src/sandbox/scenarios.ts';
import { kustomize } from './helpers.ts';

const scenarios = loadScenarios('all');
const clusterNames = scenarios.flatMap((s) => s.clusters.map((c) => c.name));

let sandbox: Sandbox;
let registry: Registry;
let source: LiveSnapshotSource;
let manifests: K8sObject[];
let grants: Grant[];
/** Every request of the diagnoses, tagged with the cluster that received it. */
let diagnosisCalls: (RequestLogEntry & { cluster: string })[] = [];
const findings: Finding[] = [];

function requestOf(e: RequestLogEntry): ResourceRequest {
  const req: ResourceRequest = { verb: e.verb, group: e.group, resource: e.resource };
  if (e.subresource) req.subresource = e.subresource;
  if (e.namespace) req.namespace = e.namespace;
  if (e.name) req.name = e.name;
  return req;
}

function takeCalls(): (RequestLogEntry & { cluster: string })[] {
  const out = [...sandbox.clusters.values()].flatMap((c) => c.requestLog.entries().map((e) => ({ ...e, cluster: c.name })));
  for (const c of sandbox.clusters.values()) c.requestLog.reset();
  return out;
}

function denied(calls: readonly (RequestLogEntry & { cluster: string })[], g: readonly Grant[]): string[] {
  const out = new Set<string>();
  for (const e of calls) {
    if (e.verb === 'discovery') continue;
    if (!isAllowed(g, requestOf(e))) out.add(`${e.cluster}: ${describeRequest(requestOf(e))}`);
  }
  return [...out].sort();
}

beforeAll(async () => {
  manifests = kustomize('deploy/kubernetes');
  grants = grantsFor(manifests, IN_CLUSTER_SERVICE_ACCOUNT);
  sandbox = await startSandbox({ clusters: scenarios.flatMap((s) => s.clusters), meshes: scenarios.flatMap((s) => s.meshes) });
  registry = loadRegistry(sandbox.registryPath);
  source = liveSnapshotSource(registry, { ...DEFAULT_K8S_CONFIG, timeoutMs: 5_000 });
  for (const name of clusterNames) {
    const report = await diagnose({ registry, cluster: name, source });
    findings.push(...report.findings);
  }
  diagnosisCalls = takeCalls();
}, 240_000);

afterAll(async () => {
  await source?.close();
  await sandbox?.stop();
});

describe('a live diagnosis of every scenario cluster, under the rendered RBAC', () => {
  it('made real calls of every kind the read rules grant, including secrets in istio-system and pod logs', () => {
    const used = new Set(diagnosisCalls.filter((e) => e.verb !== 'discovery').map((e) => `${e.group}/${e.subresource ? `${e.resource}/${e.subresource}` : e.resource}`));
    const granted = readRules().flatMap((r) => r.rules.flatMap((rule) => (rule.resources ?? []).map((res) => `${rule.apiGroups?.[0]}/${res}`)));
    // Exactness in the other direction: the read roles grant nothing the diagnoses did not use.
    expect([...new Set(granted)].sort()).toEqual([...used].sort());
    expect(diagnosisCalls.some((e) => e.verb === 'list' && e.resource === 'secrets' && e.namespace === 'istio-system')).toBe(true);
    expect(diagnosisCalls.some((e) => e.verb === 'get' && e.resource === 'pods' && e.subresource === 'log')).toBe(true);
  });

  it('is allowed every resource request it made, on every cluster', () => {
    expect(diagnosisCalls.filter((e) => e.verb !== 'discovery').length).toBeGreaterThan(clusterNames.length);
    expect(denied(diagnosisCalls, grants)).toEqual([]);
  });

  it('needs nothing but Kubernetes built-in system:discovery for discovery reads', () => {
    for (const e of diagnosisCalls.filter((c) => c.verb === 'discovery')) {
      expect(nonResourceAllowed(SYSTEM_DISCOVERY_RULES, 'get', e.resource), e.resource).toBe(true);
    }
  });

  it('would be refused a secret read outside istio-system (the evaluator is not a rubber stamp)', () => {
    const widened = diagnosisCalls.map((e) => (e.resource === 'secrets' ? { ...e, namespace: undefined } : e));
    expect(denied(widened, grants).some((d) => d.includes('list secrets (all namespaces'))).toBe(true);
  });
});

describe('remediations under the rendered RBAC', () => {
  it('covers every permission the remediation catalog declares, and only with the remediation roles', () => {
    const readOnly = grantsFor(
      manifests.filter((o) => !o.metadata.name.startsWith('mesh-medic-remediate')),
      IN_CLUSTER_SERVICE_ACCOUNT,
    );
    expect(REMEDIATION_CATALOG.length).toBeGreaterThan(0);
    for (const r of REMEDIATION_CATALOG) {
      for (const p of r.permissions) {
        for (const namespace of p.namespaces?.length ? p.namespaces : ['default', undefined]) {
          for (const verb of p.verbs) {
            const req: ResourceRequest = { verb, group: p.apiGroup, resource: p.resource, name: 'target' };
            if (namespace && p.resource !== 'namespaces') req.namespace = namespace;
            expect(isAllowed(grants, req), `${r.id}: ${describeRequest(req)}`).toBe(true);
            if (verb === 'patch') expect(isAllowed(readOnly, req), `${r.id}: read-only install ${describeRequest(req)}`).toBe(false);
          }
        }
      }
    }
  });

  it('allows reading and (dry-run) patching the exact target of every fix the diagnoses proposed', async () => {
    const proposals = findings.map((f) => f.remediation).filter((p): p is RemediationProposal => p !== null);
    // The scenarios make the checks propose fixes of several kinds (Endpoints, Namespace, Secret, Deployment).
    expect(new Set(proposals.map((p) => p.target.kind)).size).toBeGreaterThanOrEqual(3);
    for (const p of proposals) {
      expect(findResourceTypeByKind(p.target.apiVersion, p.target.kind), p.target.kind).toBeDefined();
      const client = await source.client(registry.clusters.find((c) => c.name === p.target.cluster)!);
      const ref = { apiVersion: p.target.apiVersion, kind: p.target.kind, namespace: p.target.namespace, name: p.target.name };
      await client.getObject(ref);
      await client.patchObject(ref, p.patchType, p.patch, { dryRun: true });
    }
    const calls = takeCalls();
    expect(calls.filter((e) => e.verb === 'patch')).toHaveLength(proposals.length);
    expect(denied(calls, grants)).toEqual([]);
  });
});

describe('remediations applied for real in the sandbox', () => {
  async function contextFor(cluster: string): Promise<PlanContext> {
    const registered = registry.clusters.find((c) => c.name === cluster)!;
    return { client: await source.client(registered), cluster: registered, registry, now: new Date() };
  }

  async function applyAndCollect(plan: Plan, ctx: PlanContext, applied: string[]): Promise<void> {
    const result = await REMEDIATIONS_BY_ID.get(plan.remediation)!.apply(plan, ctx.client);
    expect(result.outcome, `${plan.remediation} on ${plan.cluster}: ${JSON.stringify(result)}`).toBe('applied');
    applied.push(plan.remediation);
  }

  it('plans, applies, follows up and undoes every proposed fix with only calls the rendered RBAC allows', async () => {
    takeCalls();
    const applied: string[] = [];
    for (const finding of findings.filter((f) => f.remediation)) {
      const ctx = await contextFor(finding.cluster);
      const plan = await planForFinding(finding, ctx);
      if (isRefusal(plan)) continue;
      await applyAndCollect(plan, ctx, applied);
      for (const followUp of plan.followUps) {
        const next = await planFollowUp(followUp, await contextFor(followUp.target.cluster));
        if (!isRefusal(next)) await applyAndCollect(next, ctx, applied);
      }
      const undo = await planUndo(plan, await contextFor(finding.cluster));
      if (!isRefusal(undo)) await applyAndCollect(undo, ctx, applied);
    }
    // Most of the catalog ran against a real API server (some fixes refuse by design on these scenarios).
    expect(new Set(applied).size, applied.join(', ')).toBeGreaterThanOrEqual(4);
    const calls = takeCalls();
    expect(calls.filter((e) => e.verb === 'patch').length).toBe(applied.length);
    expect(denied(calls, grants)).toEqual([]);
    // And those patches are exactly what a read-only installation would be refused.
    const readOnly = grantsFor(manifests.filter((o) => !o.metadata.name.startsWith('mesh-medic-remediate')), IN_CLUSTER_SERVICE_ACCOUNT);
    for (const patch of calls.filter((e) => e.verb === 'patch')) {
      expect(isAllowed(readOnly, requestOf(patch)), describeRequest(requestOf(patch))).toBe(false);
    }
  });
});

describe('the in-cluster kubeconfig of deploy/kubernetes', () => {
  it('reaches an API server through the pod service-account token and CA files', async () => {
    const target = sandbox.cluster('single-prod');
    const dir = mkdtempSync(join(tmpdir(), 'mesh-medic-incluster-'));
    try {
      // What Kubernetes mounts into every pod, here pointing at the sandbox.
      writeFileSync(join(dir, 'token'), target.token);
      copyFileSync(sandbox.caPath, join(dir, 'ca.crt'));
      const kubeconfig = readFileSync(new URL('../../deploy/kubernetes/config/in-cluster.kubeconfig.yaml', import.meta.url), 'utf8')
        .replaceAll('https://kubernetes.default.svc', target.url)
        .replaceAll('/var/run/secrets/kubernetes.io/serviceaccount/', `${dir}/`);
      writeFileSync(join(dir, 'in-cluster.kubeconfig.yaml'), kubeconfig);
      writeFileSync(
        join(dir, 'clusters.yaml'),
        'meshes:\n  - id: mesh\nclusters:\n  - name: single-prod\n    kubeconfig: in-cluster.kubeconfig.yaml\n    mesh: mesh\n    role: primary\n',
      );
      const inCluster = loadRegistry(join(dir, 'clusters.yaml'));
      const own = liveSnapshotSource(inCluster, { ...DEFAULT_K8S_CONFIG, timeoutMs: 5_000 });
      try {
        const report = await diagnose({ registry: inCluster, cluster: 'single-prod', source: own });
        const access = report.findings.find((f) => f.check === 'cluster-access');
        expect(access?.status, access?.summary).toBe('pass');
        expect(report.findings.filter((f) => f.status === 'error').map((f) => `${f.check}: ${f.summary}`)).toEqual([]);
      } finally {
        await own.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
