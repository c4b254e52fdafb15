// @kubernetes/client-node 1.4 against the sandbox API server: the calls mesh-medic itself makes.

import {
  ApiException,
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
  type V1Pod,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { K8sObject } from '../../src/domain/k8s-object.ts';
import { type Sandbox, startSandbox } from '../../src/sandbox/sandbox.ts';
import { hubCluster, NOW, reviewsPod, spokeCluster } from './fixtures.ts';

const MANY = 1234;

/** Filler pods in three namespaces, every seventh one Pending. */
function manyPods(): K8sObject[] {
  return Array.from({ length: MANY }, (_, i) => {
    const pod = reviewsPod(`load-${String(i).padStart(5, '0')}`, `10.250.${i >> 8}.${i & 255}`, `uid-load-${i}`);
    pod.metadata.namespace = `load-${i % 3}`;
    pod.metadata.labels = { app: 'load', shard: String(i % 3) };
    delete pod.metadata.ownerReferences;
    if (i % 7 === 0) pod.status = { ...pod.status, phase: 'Pending' };
    return pod;
  });
}

let sandbox: Sandbox;
let core: CoreV1Api;
let apps: AppsV1Api;
let custom: CustomObjectsApi;

function kubeconfigFor(cluster: string, token?: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(sandbox.cluster(cluster).kubeconfigPath);
  if (token !== undefined) {
    const user = kc.getCurrentUser();
    if (user) Object.assign(user, { token });
  }
  return kc;
}

async function apiError(p: Promise<unknown>): Promise<ApiException<string>> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ApiException) return err as ApiException<string>;
    throw err;
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  const spoke = spokeCluster();
  spoke.objects.push(...manyPods());
  sandbox = await startSandbox({ clusters: [spoke, hubCluster()], now: NOW });
  const kc = kubeconfigFor('spoke');
  core = kc.makeApiClient(CoreV1Api);
  apps = kc.makeApiClient(AppsV1Api);
  custom = kc.makeApiClient(CustomObjectsApi);
});

afterAll(async () => {
  await sandbox?.stop();
});

describe('reads', () => {
  it('lists by label selector and by field selector', async () => {
    const reviews = await core.listNamespacedPod({ namespace: 'bookinfo', labelSelector: 'app=reviews,pod-template-hash' });
    expect(reviews.items.map((p) => p.metadata?.name)).toEqual(['reviews-v1-7d9f8c6b5-abcde', 'reviews-v1-7d9f8c6b5-fghij']);
    const pending = await core.listPodForAllNamespaces({ fieldSelector: 'status.phase=Pending,metadata.namespace!=bookinfo' });
    expect(pending.items).toHaveLength(Math.ceil(MANY / 7));
    expect(pending.items.every((p) => p.status?.phase === 'Pending')).toBe(true);
    const events = await core.listNamespacedEvent({
      namespace: 'istio-system',
      fieldSelector: 'involvedObject.kind=Pod,involvedObject.name=istio-ingressgateway-6b7b8c9d4f-x2x9k',
    });
    expect(events.items.map((e) => e.reason)).toEqual(['Unhealthy']);
  });

  it('pages with limit and continue, returning every pod exactly once', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await core.listPodForAllNamespaces({ limit: 100, _continue: token });
      pages++;
      seen.push(...page.items.map((p: V1Pod) => `${p.metadata?.namespace}/${p.metadata?.name}`));
      token = page.metadata?._continue;
      if (token) expect(page.metadata?.remainingItemCount).toBe(MANY + 4 - seen.length);
    } while (token);
    expect(seen).toHaveLength(MANY + 4);
    expect(new Set(seen).size).toBe(MANY + 4);
    expect(seen).toEqual([...seen].sort());
    expect(pages).toBe(Math.ceil((MANY + 4) / 100));
  });

  it('pages with a label selector too', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await core.listNamespacedPod({ namespace: 'load-1', labelSelector: 'shard in (1)', limit: 50, _continue: token });
      seen.push(...page.items.map((p) => p.metadata?.name as string));
      token = page.metadata?._continue;
    } while (token);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toHaveLength(Math.floor(MANY / 3));
  });

  it('rejects a malformed continue token and a malformed selector with 400', async () => {
    const badToken = await apiError(core.listPodForAllNamespaces({ limit: 10, _continue: 'not-a-token!' }));
    expect(badToken.code).toBe(400);
    expect(JSON.parse(badToken.body).message).toMatch(/^invalid continue token/);
    const badSelector = await apiError(core.listPodForAllNamespaces({ labelSelector: 'app in (a' }));
    expect(badSelector.code).toBe(400);
    expect(JSON.parse(badSelector.body).reason).toBe('BadRequest');
  });

  it('reads one object, and serves custom resources under every listed version', async () => {
    const ep = await core.readNamespacedEndpoints({ name: 'istiod-remote', namespace: 'istio-system' });
    expect(ep.subsets?.[0]?.addresses?.map((a) => a.ip)).toEqual(['10.233.48.75']);
    const dr = (await custom.getNamespacedCustomObject({
      group: 'networking.istio.io',
      version: 'v1alpha3',
      namespace: 'bookinfo',
      plural: 'destinationrules',
      name: 'reviews',
    })) as K8sObject;
    expect(dr.apiVersion).toBe('networking.istio.io/v1alpha3');
    expect(dr.spec.subsets).toEqual([{ name: 'v1', labels: { version: 'v1' } }]);
  });

  it('answers 404 with a Status for a missing object', async () => {
    const err = await apiError(core.readNamespacedPod({ name: 'ghost', namespace: 'bookinfo' }));
    expect(err.code).toBe(404);
    expect(JSON.parse(err.body)).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'pods "ghost" not found',
      reason: 'NotFound',
      details: { name: 'ghost', group: '', kind: 'pods' },
      code: 404,
    });
  });
});

describe('writes', () => {
  const NS = 'bookinfo';

  it('patches with merge, strategic merge and json patch', async () => {
    const merged = await core.patchNamespacedService(
      { name: 'reviews', namespace: NS, body: { metadata: { labels: { tier: 'backend' } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect(merged.metadata?.labels).toEqual({ app: 'reviews', service: 'reviews', tier: 'backend' });

    const strategic = await apps.patchNamespacedDeployment(
      {
        name: 'reviews-v1',
        namespace: NS,
        body: { spec: { template: { spec: { containers: [{ name: 'reviews', env: [{ name: 'LOG_LEVEL', value: 'debug' }] }] } } } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    const container = strategic.spec?.template.spec?.containers[0];
    expect(container?.image).toBe('docker.io/istio/examples-bookinfo-reviews-v1:1.20.2');
    expect(container?.env).toEqual([{ name: 'LOG_LEVEL', value: 'debug' }]);

    const json = await core.patchNamespacedService({
      name: 'reviews',
      namespace: NS,
      body: [{ op: 'remove', path: '/metadata/labels/tier' }],
    });
    expect(json.metadata?.labels).toEqual({ app: 'reviews', service: 'reviews' });
  });

  it('dry-runs a patch without storing it', async () => {
    const before = await core.readNamespacedService({ name: 'reviews', namespace: NS });
    const dry = await core.patchNamespacedService(
      { name: 'reviews', namespace: NS, dryRun: 'All', body: { spec: { selector: { app: 'reviews', version: 'v1' } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect(dry.spec?.selector).toEqual({ app: 'reviews', version: 'v1' });
    const after = await core.readNamespacedService({ name: 'reviews', namespace: NS });
    expect(after.spec?.selector).toEqual({ app: 'reviews' });
    expect(after.metadata?.resourceVersion).toBe(before.metadata?.resourceVersion);
  });

  it('raises 409 for a stale resourceVersion, on patch and on replace', async () => {
    const current = await core.readNamespacedConfigMap({ name: 'cm-conflict', namespace: NS }).catch(() =>
      core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'cm-conflict' }, data: { a: '1' } } }),
    );
    await core.patchNamespacedConfigMap(
      { name: 'cm-conflict', namespace: NS, body: { data: { a: '2' } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const stalePatch = await apiError(
      core.patchNamespacedConfigMap(
        { name: 'cm-conflict', namespace: NS, body: { metadata: { resourceVersion: current.metadata?.resourceVersion }, data: { a: '3' } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      ),
    );
    expect(stalePatch.code).toBe(409);
    expect(JSON.parse(stalePatch.body).message).toBe(
      'Operation cannot be fulfilled on configmaps "cm-conflict": the object has been modified; please apply your changes to the latest version and try again',
    );
    const staleReplace = await apiError(core.replaceNamespacedConfigMap({ name: 'cm-conflict', namespace: NS, body: { ...current, data: { a: '4' } } }));
    expect(staleReplace.code).toBe(409);
  });

  it('creates (409 when it exists), validates (422) and deletes', async () => {
    const body = { metadata: { name: 'demo', labels: { app: 'demo' } }, data: { k: 'v' } };
    const created = await core.createNamespacedConfigMap({ namespace: NS, body });
    expect(created.metadata?.uid).toBeTruthy();
    expect(created.metadata?.creationTimestamp).toEqual(NOW);
    const again = await apiError(core.createNamespacedConfigMap({ namespace: NS, body }));
    expect(again.code).toBe(409);
    expect(JSON.parse(again.body).reason).toBe('AlreadyExists');

    const invalid = await apiError(core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'bad', labels: { app: 'not valid!' } } } }));
    expect(invalid.code).toBe(422);
    const status = JSON.parse(invalid.body);
    expect(status.reason).toBe('Invalid');
    expect(status.details.causes[0].field).toBe('metadata.labels');

    // Like a real server: a ConfigMap delete answers Status Success (a Pod delete answers the Pod).
    const deleted = await core.deleteNamespacedConfigMap({ name: 'demo', namespace: NS });
    expect(deleted.status).toBe('Success');
    expect(deleted.details).toEqual({ name: 'demo', group: '', kind: 'configmaps', uid: created.metadata?.uid });
    expect((await apiError(core.readNamespacedConfigMap({ name: 'demo', namespace: NS }))).code).toBe(404);
  });

  it('folds stringData of a created Secret into base64 data', async () => {
    const secret = await core.createNamespacedSecret({ namespace: NS, body: { metadata: { name: 'creds' }, stringData: { user: 'admin' } } });
    expect(secret.data).toEqual({ user: Buffer.from('admin').toString('base64') });
    expect(secret.stringData).toBeUndefined();
  });
});

describe('authentication and connectivity', () => {
  it('raises 401 for a wrong token', async () => {
    const wrong = kubeconfigFor('spoke', 'not-the-token').makeApiClient(CoreV1Api);
    const err = await apiError(wrong.listNamespace());
    expect(err.code).toBe(401);
    expect(err.message).toContain('Unauthorized');
  });

  it('refuses connections while refuseConnections is on, and serves again after', async () => {
    const hub = sandbox.cluster('hub');
    const hubCore = kubeconfigFor('hub').makeApiClient(CoreV1Api);
    expect((await hubCore.listNamespace()).items).toHaveLength(1);
    await hub.faults.refuseConnections(true);
    try {
      const err = await hubCore.listNamespace().then(
        () => undefined,
        (e: unknown) => e as { code?: string; message?: string },
      );
      expect(err?.code).toBe('ECONNREFUSED');
    } finally {
      await hub.faults.refuseConnections(false);
    }
    expect((await hubCore.listNamespace()).items).toHaveLength(1);
  });

  it('answers 403 and 500 from injected faults', async () => {
    const hub = sandbox.cluster('hub');
    const hubCore = kubeconfigFor('hub').makeApiClient(CoreV1Api);
    await hub.faults.set({
      rules: [
        { match: { verb: 'get', resource: 'services', namespace: 'istio-system' }, action: { status: 403 } },
        { match: { verb: 'list', resource: 'services' }, action: { status: 500 } },
      ],
    });
    try {
      const denied = await apiError(hubCore.readNamespacedService({ name: 'istiod-prod-hosted-lb', namespace: 'istio-system' }));
      expect(denied.code).toBe(403);
      expect(JSON.parse(denied.body).message).toBe(
        'services "istiod-prod-hosted-lb" is forbidden: User "system:serviceaccount:mesh-medic:mesh-medic" cannot get resource "services" in API group "" in the namespace "istio-system"',
      );
      expect((await apiError(hubCore.listServiceForAllNamespaces())).code).toBe(500);
    } finally {
      await hub.faults.clear();
    }
    expect((await hubCore.listServiceForAllNamespaces()).items).toHaveLength(1);
  });
});
