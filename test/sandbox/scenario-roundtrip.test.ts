// Every scenario, loaded together into one sandbox (as `mesh-medic sandbox --scenario all` does),
// read back through the real kubectl: each object a scenario defines comes back as a real API
// server would return it (server-set metadata added, Secret stringData folded into data, remote
// secrets' {{kubeconfig:NAME}} filled in), and nothing comes back that no scenario defined.

import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { K8sObject } from '../../src/domain/k8s-object.ts';
import { findResourceTypeByKind, resourceName } from '../../src/k8s/resources.ts';
import type { ClusterSpec } from '../../src/sandbox/cluster-spec.ts';
import { type Sandbox, startSandbox } from '../../src/sandbox/sandbox.ts';
import { loadScenarios } from '../../src/sandbox/scenarios.ts';
import { Kubectl, requireKubectl } from './kubectl.ts';

const SCENARIOS = loadScenarios('all');
const CLUSTERS = SCENARIOS.flatMap((s) => s.clusters);
/** kubectl processes per cluster at once: enough to overlap the server's work, few enough for 2 cores. */
const PARALLEL_KUBECTL = 4;
const PLACEHOLDER = /\{\{kubeconfig:([^}]+)\}\}/;

let sandbox: Sandbox;
let sandboxCa: string;

beforeAll(async () => {
  requireKubectl();
  sandbox = await startSandbox({ clusters: CLUSTERS, meshes: SCENARIOS.flatMap((s) => s.meshes) });
  sandboxCa = readFileSync(sandbox.caPath, 'utf8');
});

afterAll(async () => {
  await sandbox?.stop();
});

// ---------------------------------------------------------------------------------------------
// which resources to ask kubectl for

interface KindRef {
  group: string;
  kind: string;
  /** `plural[.group]`: always the full name, so no other CRD can shadow the kind we mean. */
  resource: string;
  namespaced: boolean;
}

function groupOf(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
}

/** A kind the cluster's own CustomResourceDefinitions define (MetalLB, Kyverno, Gateway API, Istio). */
function kindFromCrds(cluster: ClusterSpec, group: string, kind: string): KindRef | undefined {
  const crd = cluster.objects.find(
    (o) => o.kind === 'CustomResourceDefinition' && o.spec?.group === group && o.spec?.names?.kind === kind,
  );
  if (!crd) return undefined;
  return { group, kind, resource: `${crd.spec.names.plural}.${group}`, namespaced: crd.spec.scope !== 'Cluster' };
}

function kindRef(cluster: ClusterSpec, obj: K8sObject): KindRef {
  const group = groupOf(obj.apiVersion);
  const builtin = findResourceTypeByKind(obj.apiVersion, obj.kind);
  if (builtin) return { group, kind: obj.kind, resource: resourceName(builtin), namespaced: builtin.namespaced };
  const custom = kindFromCrds(cluster, group, obj.kind);
  if (!custom) throw new Error(`${cluster.name}: no resource serves ${obj.apiVersion} ${obj.kind}`);
  return custom;
}

/** Spec objects grouped by the resource kubectl reads them from. */
function objectsByResource(cluster: ClusterSpec): Map<string, { ref: KindRef; objects: K8sObject[] }> {
  const out = new Map<string, { ref: KindRef; objects: K8sObject[] }>();
  for (const obj of cluster.objects) {
    const ref = kindRef(cluster, obj);
    const entry = out.get(ref.resource) ?? { ref, objects: [] };
    entry.objects.push(obj);
    out.set(ref.resource, entry);
  }
  return out;
}

/** Runs fn over items with at most `limit` calls in flight; results in input order. */
async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

async function readBack(kubectl: Kubectl, ref: KindRef): Promise<K8sObject[]> {
  const scope = ref.namespaced ? ['-A'] : [];
  const list = JSON.parse(await kubectl.ok(['get', ref.resource, ...scope, '-o', 'json'])) as { kind: string; items: K8sObject[] };
  expect(list.kind, `kubectl get ${ref.resource}`).toBe('List');
  return list.items;
}

// ---------------------------------------------------------------------------------------------
// what a real API server returns for a spec object

function identity(ref: KindRef, obj: K8sObject): string {
  const ns = ref.namespaced ? (obj.metadata.namespace ?? 'default') : '';
  return `${ref.group ? `${ref.kind}.${ref.group}` : ref.kind} ${ns ? `${ns}/` : ''}${obj.metadata.name}`;
}

function base64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

function decode(value: unknown): string {
  return Buffer.from(String(value), 'base64').toString('utf8');
}

/**
 * What a remote-secret kubeconfig amounts to, without its token (test output must not show tokens):
 * which server it names, whether it trusts the sandbox CA, which sandbox cluster's token it carries,
 * and whether it is byte for byte the kubeconfig the sandbox wrote for that cluster.
 */
function describeKubeconfig(text: string): Record<string, unknown> {
  let config: { clusters?: { cluster?: Record<string, string> }[]; users?: { user?: { token?: string } }[] };
  try {
    config = parseYaml(text) ?? {};
  } catch {
    return { notAKubeconfig: true };
  }
  const cluster = config.clusters?.[0]?.cluster ?? {};
  const token = config.users?.[0]?.user?.token;
  const owner = [...sandbox.clusters.values()].find((c) => c.token === token);
  return {
    server: cluster.server,
    trustsSandboxCa: decode(cluster['certificate-authority-data'] ?? '') === sandboxCa,
    tokenOf: owner?.name ?? 'no sandbox cluster',
    sameAsWrittenKubeconfig: owner !== undefined && text === readFileSync(owner.kubeconfigPath, 'utf8'),
  };
}

function expectedKubeconfig(name: string): Record<string, unknown> {
  return { server: sandbox.cluster(name).url, trustsSandboxCa: true, tokenOf: name, sameAsWrittenKubeconfig: true };
}

/**
 * Secret data as the API server stores it: `data` plus base64 `stringData`. Values holding a
 * {{kubeconfig:NAME}} placeholder are compared by what the filled-in kubeconfig amounts to.
 */
function secretData(spec: K8sObject, actual: K8sObject): { expected: Record<string, unknown>; actual: Record<string, unknown> } {
  const expected: Record<string, unknown> = { ...(spec.data as Record<string, string> | undefined) };
  for (const [k, v] of Object.entries((spec.stringData as Record<string, string> | undefined) ?? {})) expected[k] = base64(String(v));
  const got: Record<string, unknown> = { ...(actual.data as Record<string, string> | undefined) };
  for (const [key, value] of Object.entries(expected)) {
    const name = PLACEHOLDER.exec(decode(value))?.[1];
    if (name === undefined) continue;
    expected[key] = expectedKubeconfig(name);
    if (key in got) got[key] = describeKubeconfig(decode(got[key]));
  }
  return { expected, actual: got };
}

/** The spec object plus what the server sets (resourceVersion; uid and creationTimestamp if absent). */
function expectedObject(ref: KindRef, spec: K8sObject, actual: K8sObject): K8sObject {
  const metadata = { ...spec.metadata };
  if (ref.namespaced) metadata.namespace ??= 'default';
  metadata.resourceVersion ??= actual.metadata.resourceVersion;
  metadata.uid ??= actual.metadata.uid;
  metadata.creationTimestamp ??= actual.metadata.creationTimestamp;
  // The server answers in its preferred version of the group; the group itself is checked apart.
  return { ...spec, apiVersion: actual.apiVersion, metadata };
}

/** Server-set metadata is there: kept from the spec where the spec had it, generated otherwise. */
function expectServerSetFields(what: string, spec: K8sObject, actual: K8sObject): void {
  expect(actual.metadata.resourceVersion, `${what}: resourceVersion`).toMatch(/^[1-9]\d*$/);
  if (spec.metadata.uid === undefined) {
    expect(actual.metadata.uid, `${what}: uid`).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  }
  if (spec.metadata.creationTimestamp === undefined) {
    expect(actual.metadata.creationTimestamp, `${what}: creationTimestamp`).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  }
}

function expectRoundTrip(ref: KindRef, spec: K8sObject, actual: K8sObject): void {
  const what = identity(ref, spec);
  expect(`${groupOf(actual.apiVersion)}/${actual.kind}`, `${what}: group/kind`).toBe(`${ref.group}/${ref.kind}`);
  expectServerSetFields(what, spec, actual);
  const expected = expectedObject(ref, spec, actual);
  if (ref.kind === 'Secret' && ref.group === '') {
    const data = secretData(spec, actual);
    const { stringData: _folded, ...rest } = expected;
    expect({ ...actual, data: data.actual }, what).toStrictEqual({ ...rest, data: data.expected });
    return;
  }
  expect(actual, what).toStrictEqual(expected);
}

// ---------------------------------------------------------------------------------------------

describe('every scenario object survives a round trip through kubectl get -o json', () => {
  it('loads every scenario into one sandbox', () => {
    expect(SCENARIOS.length).toBeGreaterThanOrEqual(15);
    expect([...sandbox.clusters.keys()]).toEqual(CLUSTERS.map((c) => c.name));
  });

  it.each(CLUSTERS.map((c) => [c.name, c] as const))('%s', async (name, cluster) => {
    const byResource = [...objectsByResource(cluster).values()];
    const kubectl = new Kubectl(sandbox.cluster(name).kubeconfigPath);
    try {
      // The first call fills the discovery cache, so the parallel ones skip discovery.
      const [first, ...rest] = byResource.map((b) => b.ref);
      const lists = [await readBack(kubectl, first as KindRef), ...(await mapBounded(rest, PARALLEL_KUBECTL, (ref) => readBack(kubectl, ref)))];
      byResource.forEach(({ ref, objects }, i) => {
        const returned = new Map((lists[i] ?? []).map((o) => [identity(ref, o), o]));
        // Exactly the spec's objects: none missing, none added (no controller runs at load).
        expect([...returned.keys()].sort(), `kubectl get ${ref.resource}`).toEqual(objects.map((o) => identity(ref, o)).sort());
        for (const spec of objects) expectRoundTrip(ref, spec, returned.get(identity(ref, spec)) as K8sObject);
      });
    } finally {
      kubectl.cleanup();
    }
  });

  it('covers remote-secret placeholders (the kubeconfig comparison above is not vacuous)', () => {
    const values = (m: unknown) => Object.values((m ?? {}) as Record<string, string>);
    const secrets = CLUSTERS.flatMap((c) => c.objects.filter((o) => o.kind === 'Secret'));
    const placeholders = secrets
      .flatMap((s) => [...values(s.stringData), ...values(s.data).map(decode)])
      .filter((v) => PLACEHOLDER.test(v));
    expect(placeholders.length).toBeGreaterThanOrEqual(6);
  });
});
