import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRegistry } from '../../src/config/registry.ts';
import type { Registry } from '../../src/domain/cluster.ts';
import type { K8sObject } from '../../src/domain/k8s-object.ts';
import { CallBudget } from '../../src/k8s/call-budget.ts';
import { createK8sClient, type K8sClient } from '../../src/k8s/client.ts';
import { LOG_TAIL_LINES } from '../../src/k8s/log-targets.ts';
import { loadSnapshot } from '../../src/k8s/load-snapshot.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox.ts';
import { clusterSpec, DEFAULT_K8S, pod, service } from './helpers.ts';

const POD_COUNT = 1201;
let sandbox: Sandbox;
let registry: Registry;
const clients: K8sClient[] = [];
let rootPem: string;
let keyPem: string;
let remoteToken: string;

async function client(name: string): Promise<K8sClient> {
  const c = await createK8sClient(registry.clusters.find((r) => r.name === name)!, DEFAULT_K8S);
  clients.push(c);
  return c;
}

function manyPods(n: number): K8sObject[] {
  return Array.from({ length: n }, (_, i) => pod('default', `app-${String(i).padStart(5, '0')}`));
}

beforeAll(async () => {
  const root = await generate([{ name: 'commonName', value: 'mesh root' }], { keySize: 2048 });
  rootPem = root.cert;
  keyPem = root.private;
  const gatewayLog = Array.from({ length: LOG_TAIL_LINES + 50 }, (_, i) => `2025-01-01T00:00:${String(i % 60).padStart(2, '0')}Z line ${i}`).join('\n');
  sandbox = await startSandbox({
    meshes: [{ id: 'test-mesh' }],
    clusters: [
      clusterSpec('snap-big', manyPods(POD_COUNT)),
      clusterSpec(
        'snap-logs',
        [
          pod('istio-system', 'istio-ingressgateway-abc', { labels: { app: 'istio-ingressgateway', istio: 'ingressgateway' }, containers: ['istio-proxy'] }),
          pod('default', 'web-1', { containers: ['app', 'istio-proxy'] }),
          service('default', 'web'),
        ],
        {
          logs: [
            { namespace: 'istio-system', pod: 'istio-ingressgateway-abc', container: 'istio-proxy', previous: false, text: `${gatewayLog}\n` },
            { namespace: 'default', pod: 'web-1', container: 'app', previous: false, text: 'app log that nobody reads\n' },
          ],
          faults: { rules: [{ match: { verb: 'list', resource: 'services' }, action: { status: 403 } }] },
        },
      ),
      clusterSpec('snap-secrets', [
        {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { namespace: 'istio-system', name: 'cacerts' },
          type: 'Opaque',
          stringData: { 'root-cert.pem': rootPem, 'ca-cert.pem': rootPem, 'ca-key.pem': keyPem },
        },
        {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { namespace: 'istio-system', name: 'istio-remote-secret-snap-big', labels: { 'istio/multiCluster': 'true' } },
          type: 'Opaque',
          stringData: { 'snap-big': '{{kubeconfig:snap-big}}' },
        },
        {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { namespace: 'default', name: 'app-secret' },
          stringData: { password: 'hunter2' },
        },
      ]),
    ],
  });
  registry = loadRegistry(sandbox.registryPath);
  remoteToken = sandbox.clusters.get('snap-big')!.token;
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await sandbox?.stop();
});

describe('loadSnapshot against the sandbox', () => {
  it('lists pods in pages of 500: exactly ceil(n/500) list calls', async () => {
    const log = sandbox.clusters.get('snap-big')!.requestLog;
    log.reset();
    const snapshot = await loadSnapshot(await client('snap-big'), { kinds: ['pods', 'namespaces'], logs: false });
    expect(snapshot.list('pods')).toHaveLength(POD_COUNT);
    expect(snapshot.list('pods')[0]).toMatchObject({ apiVersion: 'v1', kind: 'Pod' });
    expect(log.counts()['list pods']).toBe(Math.ceil(POD_COUNT / 500));
    expect(log.counts()['list namespaces']).toBe(1);
    expect(snapshot.data.apiCalls).toBe(Math.ceil(POD_COUNT / 500) + 1);
    expect(snapshot.data.failures).toEqual([]);
  });

  it('records reads past the call budget as K8S_CALL_BUDGET failures instead of calling', async () => {
    const log = sandbox.clusters.get('snap-big')!.requestLog;
    log.reset();
    const snapshot = await loadSnapshot(await client('snap-big'), { kinds: ['pods'], logs: false, budget: new CallBudget(2) });
    expect(snapshot.data.failures).toEqual([expect.objectContaining({ kind: 'pods', code: 'K8S_CALL_BUDGET' })]);
    expect(log.counts()['list pods']).toBe(2);
    expect(snapshot.data.apiCalls).toBe(2);
  });

  it('reads logs only for the log targets, with bounded tailLines', async () => {
    const log = sandbox.clusters.get('snap-logs')!.requestLog;
    log.reset();
    const snapshot = await loadSnapshot(await client('snap-logs'), { kinds: ['pods'], logs: true });
    const logReads = log.entries().filter((e) => e.resource === 'pods' && e.subresource === 'log');
    expect(logReads.map((e) => `${e.namespace}/${e.name}`)).toEqual(['istio-system/istio-ingressgateway-abc']);
    const lines = snapshot.log('istio-system', 'istio-ingressgateway-abc', 'istio-proxy');
    expect(lines).toHaveLength(LOG_TAIL_LINES);
    expect(lines?.at(-1)).toContain(`line ${LOG_TAIL_LINES + 49}`);
    expect(snapshot.log('default', 'web-1', 'app')).toBeUndefined();
  });

  it('records a 403 on one kind as a ReadFailure naming the permission; other kinds are present', async () => {
    const snapshot = await loadSnapshot(await client('snap-logs'), { kinds: ['pods', 'services'], logs: false });
    expect(snapshot.list('pods').length).toBe(2);
    expect(snapshot.data.failures).toEqual([
      expect.objectContaining({ kind: 'services', code: 'K8S_FORBIDDEN', httpStatus: 403 }),
    ]);
    expect(snapshot.data.failures[0]?.message).toContain('needs `list` on `services` (API group "") in all namespaces');
    expect(() => snapshot.list('services')).toThrow(/needs `list` on `services`/);
  });

  it('summarises secrets: fingerprints, keys and servers, never key material or tokens', async () => {
    const snapshot = await loadSnapshot(await client('snap-secrets'), { kinds: ['secrets'], logs: false });
    const secrets = snapshot.secrets();
    expect(secrets.map((s) => s.name).sort()).toEqual(['cacerts', 'istio-remote-secret-snap-big']);
    const cacerts = secrets.find((s) => s.name === 'cacerts')!;
    expect(cacerts.keys).toEqual(['ca-cert.pem', 'ca-key.pem', 'root-cert.pem']);
    expect(cacerts.certFingerprints['root-cert.pem']).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    const remote = secrets.find((s) => s.name === 'istio-remote-secret-snap-big')!;
    expect(remote.kubeconfigServers['snap-big']).toBe(sandbox.clusters.get('snap-big')!.url);

    const everything = JSON.stringify(snapshot.data);
    expect(everything).not.toContain('PRIVATE KEY');
    expect(everything).not.toContain(remoteToken);
    expect(everything).not.toContain(Buffer.from(remoteToken).toString('base64'));
    expect(everything).not.toContain('hunter2');
  });
});
