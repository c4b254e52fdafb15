// Everything a remediation test needs, all real: sandbox API servers loaded from scenarios (served
// over HTTPS, reached through the kubeconfigs they write), a real redis-server, the live snapshot
// source, the approval store, the audit log (its pino lines captured) and the executor's deps.

import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import pino from 'pino';
import { expect } from 'vitest';
import type { ApprovalSettings } from '../../src/approvals/policy.ts';
import { type ApprovalStore, createApprovalStore } from '../../src/approvals/store.ts';
import { type AuditLog, createAuditLog } from '../../src/audit/audit-log.ts';
import { DEFAULT_K8S_CONFIG } from '../../src/config/env.ts';
import { loadRegistry } from '../../src/config/registry.ts';
import type { RegisteredCluster, Registry } from '../../src/domain/cluster.ts';
import type { Finding } from '../../src/domain/finding.ts';
import type { K8sObject } from '../../src/domain/k8s-object.ts';
import { diagnose } from '../../src/engine/diagnose.ts';
import { type LiveSnapshotSource, liveSnapshotSource } from '../../src/k8s/snapshot-source.ts';
import type { ExecutorDeps } from '../../src/remediations/execute.ts';
import type { ClusterSpec, ScenarioSpec } from '../../src/sandbox/cluster-spec.ts';
import { type Sandbox, startSandbox } from '../../src/sandbox/sandbox.ts';
import { loadScenarios } from '../../src/sandbox/scenarios.ts';
import { startRedis, type TestRedis } from '../helpers/redis.ts';

export const APPROVER = 'U0APPROVER1';
export const APPROVER_2 = 'U0APPROVER2';
export const REQUESTER = 'U0REQUESTER';

export interface HarnessOptions {
  scenarios: string[];
  /** Edit the loaded scenarios before the sandbox serves them. */
  mutate?: (specs: ScenarioSpec[]) => void;
  /** Edit the registry the sandbox wrote (production, approvers). */
  registry?: (registry: Registry) => void;
  settings?: Partial<ApprovalSettings>;
}

export interface Harness {
  sandbox: Sandbox;
  registry: Registry;
  source: LiveSnapshotSource;
  redis: Redis;
  testRedis: TestRedis;
  audit: AuditLog;
  store: ApprovalStore;
  deps: ExecutorDeps;
  /** Every pino line the audit log wrote. */
  logLines: string[];
  cluster(name: string): RegisteredCluster;
  close(): Promise<void>;
}

export async function startHarness(opts: HarnessOptions): Promise<Harness> {
  const specs = loadScenarios(opts.scenarios);
  opts.mutate?.(specs);
  const sandbox = await startSandbox({ clusters: specs.flatMap((s) => s.clusters), meshes: specs.flatMap((s) => s.meshes) });
  const testRedis = await startRedis();
  const registry = loadRegistry(sandbox.registryPath);
  opts.registry?.(registry);
  const source = liveSnapshotSource(registry, DEFAULT_K8S_CONFIG);
  const redis = new Redis(testRedis.url, { maxRetriesPerRequest: 1 });
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      logLines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  const audit = createAuditLog({ redis, logger: pino({ level: 'info' }, sink) });
  const settings = { defaultApprovers: [APPROVER, APPROVER_2], ...opts.settings };
  const store = createApprovalStore({ redis, registry, audit, settings });
  const deps: ExecutorDeps = { store, registry, source, audit, verify: { timeoutMs: 3_000, initialDelayMs: 50, maxDelayMs: 500 } };
  return {
    sandbox,
    registry,
    source,
    redis,
    testRedis,
    audit,
    store,
    deps,
    logLines,
    cluster(name) {
      const c = registry.clusters.find((x) => x.name === name);
      if (!c) throw new Error(`no cluster ${name}`);
      return c;
    },
    async close() {
      await source.close();
      await redis.quit().catch(() => undefined);
      await testRedis.close();
      await sandbox.stop();
    },
  };
}

/** Diagnoses one check live and returns its finding that proposes `remediation`. */
export async function findingWithFix(h: Harness, cluster: string, check: string, remediation: string): Promise<Finding> {
  const report = await diagnose({ registry: h.registry, cluster, checkIds: [check], source: h.source });
  const finding = report.findings.find((f) => f.remediation?.id === remediation);
  expect(finding, report.findings.map((f) => `${f.status} ${f.summary}`).join('\n')).toBeDefined();
  return finding!;
}

/** The check's findings on the live cluster now. */
export async function liveFindings(h: Harness, cluster: string, check: string): Promise<Finding[]> {
  return (await diagnose({ registry: h.registry, cluster, checkIds: [check], source: h.source })).findings;
}

/** A deep copy of a stored sandbox object (the store's own objects must not be mutated). */
export function storedObject(h: Harness, cluster: string, plural: string, namespace: string | undefined, name: string): K8sObject {
  const obj = h.sandbox.cluster(cluster).store.get(plural, namespace, name);
  if (!obj) throw new Error(`no ${plural} ${namespace ?? ''}/${name} in ${cluster}`);
  return structuredClone(obj);
}

/** PATCH requests the sandbox cluster answered (the dry run and the real patch each count one). */
export function patchCount(h: Harness, cluster: string): number {
  return h.sandbox.cluster(cluster).requestLog.entries().filter((e) => e.verb === 'patch').length;
}

/** The object without what the API server and controllers change on every write. */
export function withoutVolatile(obj: K8sObject, extraAnnotations: string[] = []): K8sObject {
  const copy = structuredClone(obj);
  delete copy.metadata.resourceVersion;
  delete copy.metadata.generation;
  delete copy.metadata.managedFields;
  delete copy.status;
  const annotations = { ...(copy.metadata.annotations ?? {}) };
  for (const key of ['deployment.kubernetes.io/revision', ...extraAnnotations]) delete annotations[key];
  copy.metadata.annotations = annotations;
  return copy;
}

/** Pods of a Deployment (by its template's labels minus the hash), from the sandbox store. */
export function podsOf(h: Harness, cluster: string, namespace: string, app: string): K8sObject[] {
  return h.sandbox
    .cluster(cluster)
    .store.list('pods')
    .filter((p) => p.metadata.namespace === namespace && p.metadata.labels?.app === app);
}

/** Finds a cluster spec by name across loaded scenarios (for `mutate`). */
export function specOf(specs: ScenarioSpec[], cluster: string): ClusterSpec {
  const spec = specs.flatMap((s) => s.clusters).find((c) => c.name === cluster);
  if (!spec) throw new Error(`no cluster ${cluster} in the loaded scenarios`);
  return spec;
}
