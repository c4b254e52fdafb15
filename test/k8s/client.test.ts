import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRegistry } from '../../src/config/registry.ts';
import type { RegisteredCluster, Registry } from '../../src/domain/cluster.ts';
import { MeshMedicError } from '../../src/domain/errors.ts';
import { CallBudget } from '../../src/k8s/call-budget.ts';
import { createK8sClient, type K8sClient, type ObjectRef } from '../../src/k8s/client.ts';
import { findResourceType } from '../../src/k8s/resources.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox.ts';
import { clusterSpec, DEFAULT_K8S, deployment, pod } from './helpers.ts';

let sandbox: Sandbox;
let registry: Registry;
let scratch: string;
const clients: K8sClient[] = [];
const PODS = findResourceType('', 'pods')!;
const DEPLOY: ObjectRef = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: 'web' };

const registered = (name: string): RegisteredCluster => registry.clusters.find((c) => c.name === name)!;

async function client(cluster: RegisteredCluster, config = DEFAULT_K8S): Promise<K8sClient> {
  const c = await createK8sClient(cluster, config);
  clients.push(c);
  return c;
}

async function failure(p: Promise<unknown>): Promise<MeshMedicError> {
  const err = await p.then(
    () => new Error('expected the call to fail'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(MeshMedicError);
  return err as MeshMedicError;
}

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'client-test-'));
  sandbox = await startSandbox({
    meshes: [{ id: 'test-mesh' }],
    clusters: [
      clusterSpec('cl-ok', [deployment('default', 'web'), pod('default', 'web-1')]),
      clusterSpec('cl-refused', [], { faults: { refuseConnections: true } }),
      clusterSpec('cl-slow', [], { faults: { rules: [{ match: { verb: 'list', resource: 'pods' }, action: { timeout: true } }] } }),
      clusterSpec('cl-rbac', [deployment('default', 'web')], {
        faults: { rules: [{ match: { verb: 'patch', resource: 'deployments' }, action: { status: 403, message: 'deployments.apps "web" is forbidden' } }] },
      }),
    ],
  });
  registry = loadRegistry(sandbox.registryPath);
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await sandbox?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

describe('K8sClient errors', () => {
  it('maps a refused connection to K8S_UNREACHABLE naming the URL', async () => {
    const c = await client(registered('cl-refused'));
    const err = await failure(c.listPage(PODS, {}));
    expect(err.code).toBe('K8S_UNREACHABLE');
    expect(err.message).toContain(`cannot reach ${sandbox.clusters.get('cl-refused')!.url}: connection refused`);
  });

  it('maps a rejected token to K8S_UNAUTHORIZED without printing the token', async () => {
    const original = registered('cl-ok');
    const kubeconfig = parse(readFileSync(original.kubeconfig, 'utf8'));
    const wrongToken = 'wrong-token-0123456789abcdef';
    kubeconfig.users[0].user.token = wrongToken;
    const path = join(scratch, 'wrong-token.yaml');
    writeFileSync(path, stringify(kubeconfig));
    const c = await client({ ...original, kubeconfig: path });
    const err = await failure(c.listPage(PODS, {}));
    expect(err.code).toBe('K8S_UNAUTHORIZED');
    expect(err.unrecoverable).toBe(true);
    expect(err.message).toContain(`credentials rejected by ${sandbox.clusters.get('cl-ok')!.url}`);
    expect(err.message).toContain(path);
    expect(err.message).not.toContain(wrongToken);
    expect(err.message).not.toContain(sandbox.clusters.get('cl-ok')!.token);
  });

  it('maps a server certificate the kubeconfig CA does not sign to K8S_UNREACHABLE (TLS)', async () => {
    const original = registered('cl-ok');
    const kubeconfig = parse(readFileSync(original.kubeconfig, 'utf8'));
    const otherCa = await generate([{ name: 'commonName', value: 'someone else' }], { keySize: 2048 });
    kubeconfig.clusters[0].cluster['certificate-authority-data'] = Buffer.from(otherCa.cert).toString('base64');
    delete kubeconfig.clusters[0].cluster['certificate-authority'];
    const path = join(scratch, 'wrong-ca.yaml');
    writeFileSync(path, stringify(kubeconfig));
    const c = await client({ ...original, kubeconfig: path });
    const err = await failure(c.listPage(PODS, {}));
    expect(err.code).toBe('K8S_UNREACHABLE');
    expect(err.message).toContain(`cannot reach ${sandbox.clusters.get('cl-ok')!.url}: TLS verification failed`);
  });

  it('gives up on a call that gets no answer within the configured timeout: K8S_TIMEOUT', async () => {
    const c = await client(registered('cl-slow'), { ...DEFAULT_K8S, timeoutMs: 500 });
    const err = await failure(c.listPage(PODS, {}));
    expect(err.code).toBe('K8S_TIMEOUT');
    expect(err.message).toContain(`no answer from ${sandbox.clusters.get('cl-slow')!.url} within 500 ms`);
  });

  it('maps 403 to K8S_FORBIDDEN spelling out the missing permission and the server message', async () => {
    const c = await client(registered('cl-rbac'));
    const err = await failure(c.patchObject(DEPLOY, 'merge', { metadata: { labels: { a: 'b' } } }));
    expect(err.code).toBe('K8S_FORBIDDEN');
    expect(err.unrecoverable).toBe(true);
    expect(err.message).toContain('needs `patch` on `deployments` (API group "apps") in namespace default');
    expect(err.message).toContain('(server said: deployments.apps "web" is forbidden)');
  });

  it('maps 404 to K8S_NOT_FOUND', async () => {
    const c = await client(registered('cl-ok'));
    const err = await failure(c.getObject({ ...DEPLOY, name: 'nope' }));
    expect(err.code).toBe('K8S_NOT_FOUND');
  });

  it('stops at the call budget with K8S_CALL_BUDGET, counting per cluster', async () => {
    const c = await client(registered('cl-ok'));
    const budget = new CallBudget(2);
    await c.listPage(PODS, {}, { budget });
    await c.getObject(DEPLOY, { budget });
    const err = await failure(c.getObject(DEPLOY, { budget }));
    expect(err.code).toBe('K8S_CALL_BUDGET');
    expect(budget.total).toBe(2);
    expect(budget.of('cl-ok')).toBe(2);
  });
});

describe('getObject / patchObject', () => {
  it('reads one object as parsed JSON', async () => {
    const c = await client(registered('cl-ok'));
    const web = await c.getObject(DEPLOY);
    expect(web).toMatchObject({ kind: 'Deployment', metadata: { name: 'web', namespace: 'default' } });
    expect(web.metadata.resourceVersion).toBeTruthy();
  });

  it('dry-runs a patch: the answer shows the change, the stored object does not', async () => {
    const c = await client(registered('cl-ok'));
    const dry = await c.patchObject(DEPLOY, 'merge', { metadata: { labels: { 'dry-run': 'yes' } } }, { dryRun: true });
    expect(dry.metadata.labels?.['dry-run']).toBe('yes');
    expect((await c.getObject(DEPLOY)).metadata.labels?.['dry-run']).toBeUndefined();
  });

  it('applies merge, strategic and JSON patches', async () => {
    const c = await client(registered('cl-ok'));
    await c.patchObject(DEPLOY, 'merge', { metadata: { labels: { merged: 'yes' } } });
    await c.patchObject(DEPLOY, 'strategic', {
      spec: { template: { metadata: { labels: { version: 'v1' } } } },
    });
    await c.patchObject(DEPLOY, 'json', [{ op: 'add', path: '/metadata/annotations', value: { patched: 'json' } }]);
    const web = await c.getObject(DEPLOY);
    expect(web.metadata.labels).toMatchObject({ app: 'web', merged: 'yes' });
    expect(web.spec.template.metadata.labels).toEqual({ app: 'web', version: 'v1' });
    expect(web.metadata.annotations).toEqual({ patched: 'json' });
  });

  it('maps a patch naming a stale resourceVersion to K8S_CONFLICT', async () => {
    const c = await client(registered('cl-ok'));
    const before = await c.getObject(DEPLOY);
    await c.patchObject(DEPLOY, 'merge', { metadata: { labels: { bump: '1' } } });
    const err = await failure(
      c.patchObject(DEPLOY, 'merge', { metadata: { resourceVersion: before.metadata.resourceVersion, labels: { bump: '2' } } }),
    );
    expect(err.code).toBe('K8S_CONFLICT');
  });
});
