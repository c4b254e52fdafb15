// startSandbox as a whole: the files it writes, remote-secret placeholders, fault injection at run
// time (in-process and over /sandbox/faults), the request log, and a prompt, idempotent stop().

import { readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeshMedicError } from '../../src/domain/errors.ts';
import { type Sandbox, startSandbox } from '../../src/sandbox/sandbox.ts';
import { hubCluster, NOW, spokeCluster } from './fixtures.ts';
import { httpsRequest } from './https.ts';

let sandbox: Sandbox;
let ca: string;

beforeAll(async () => {
  sandbox = await startSandbox({ clusters: [hubCluster(), spokeCluster()], now: NOW });
  ca = readFileSync(sandbox.caPath, 'utf8');
});

afterAll(async () => {
  await sandbox?.stop();
});

function get(cluster: string, path: string, token = sandbox.cluster(cluster).token) {
  return httpsRequest(`${sandbox.cluster(cluster).url}${path}`, ca, { token });
}

describe('files', () => {
  it('writes clusters.yaml with relative kubeconfig paths and only the keys that are set', () => {
    expect(readFileSync(sandbox.registryPath, 'utf8')).toBe(
      [
        'meshes:',
        '  - id: prod',
        'clusters:',
        '  - name: hub',
        '    kubeconfig: kubeconfigs/hub.yaml',
        '    mesh: prod',
        '    role: control-plane',
        '  - name: spoke',
        '    kubeconfig: kubeconfigs/spoke.yaml',
        '    mesh: prod',
        '    network: net-spoke',
        '    role: remote',
        '    controlPlane: hub',
        '    production: true',
        '    channel: "#mesh-prod"',
        '',
      ].join('\n'),
    );
  });

  it('writes a private kubeconfig per cluster, trusting the sandbox CA', () => {
    const spoke = sandbox.cluster('spoke');
    expect(spoke.kubeconfigPath).toBe(join(sandbox.dir, 'kubeconfigs', 'spoke.yaml'));
    expect(statSync(spoke.kubeconfigPath).mode & 0o777).toBe(0o600);
    const config = parseYaml(readFileSync(spoke.kubeconfigPath, 'utf8'));
    expect(config['current-context']).toBe('spoke');
    expect(config.contexts).toEqual([{ name: 'spoke', context: { cluster: 'spoke', user: 'spoke' } }]);
    expect(config.clusters[0].cluster.server).toBe(spoke.url);
    expect(Buffer.from(config.clusters[0].cluster['certificate-authority-data'], 'base64').toString()).toBe(ca);
    expect(config.users[0].user).toEqual({ token: spoke.token });
    expect(spoke.url).toBe(`https://127.0.0.1:${spoke.port}`);
  });

  it('fills {{kubeconfig:NAME}} in remote secrets with a kubeconfig that reaches that cluster', async () => {
    const res = await get('spoke', '/api/v1/namespaces/istio-system/secrets/istio-remote-secret-hub');
    const secret = JSON.parse(res.body);
    expect(secret.stringData).toBeUndefined();
    const hubConfig = parseYaml(Buffer.from(secret.data.hub, 'base64').toString());
    expect(hubConfig.clusters[0].cluster.server).toBe(sandbox.cluster('hub').url);
    expect(hubConfig.users[0].user.token).toBe(sandbox.cluster('hub').token);
    const reached = await httpsRequest(`${hubConfig.clusters[0].cluster.server}/api/v1/namespaces`, ca, { token: hubConfig.users[0].user.token });
    expect(JSON.parse(reached.body).items.map((n: { metadata: { name: string } }) => n.metadata.name)).toEqual(['istio-system']);
    const ghost = parseYaml(Buffer.from(secret.data.ghost, 'base64').toString());
    expect(ghost.clusters[0].cluster.server).toBe('https://127.0.0.1:1');
  });

  it('names unknown clusters in an error', () => {
    expect(() => sandbox.cluster('nope')).toThrow(MeshMedicError);
    expect(() => sandbox.cluster('nope')).toThrow(/no sandbox cluster named nope/);
  });
});

describe('http surface', () => {
  it('answers health probes without a token and everything else only with one', async () => {
    expect((await get('hub', '/healthz', '')).body).toBe('ok');
    const denied = await get('hub', '/api/v1/pods', 'wrong');
    expect(denied.status).toBe(401);
    expect(JSON.parse(denied.body)).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Unauthorized',
      reason: 'Unauthorized',
      code: 401,
    });
  });

  it('serves discovery, including kinds of CRDs created at run time', async () => {
    const groups = JSON.parse((await get('hub', '/apis')).body);
    expect(groups.groups.map((g: { name: string }) => g.name)).not.toContain('networking.x-k8s.io');
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'gateways.networking.x-k8s.io' },
      spec: { group: 'networking.x-k8s.io', scope: 'Namespaced', names: { plural: 'gateways', kind: 'Gateway' }, versions: [{ name: 'v1alpha1', served: true, storage: true }] },
    };
    const created = await httpsRequest(`${sandbox.cluster('hub').url}/apis/apiextensions.k8s.io/v1/customresourcedefinitions`, ca, {
      method: 'POST',
      token: sandbox.cluster('hub').token,
      contentType: 'application/json',
      body: JSON.stringify(crd),
    });
    expect(created.status).toBe(201);
    const after = JSON.parse((await get('hub', '/apis')).body);
    expect(after.groups.find((g: { name: string }) => g.name === 'networking.x-k8s.io')).toEqual({
      name: 'networking.x-k8s.io',
      versions: [{ groupVersion: 'networking.x-k8s.io/v1alpha1', version: 'v1alpha1' }],
      preferredVersion: { groupVersion: 'networking.x-k8s.io/v1alpha1', version: 'v1alpha1' },
    });
    const resources = JSON.parse((await get('hub', '/apis/networking.x-k8s.io/v1alpha1')).body);
    expect(resources.resources[0]).toMatchObject({ name: 'gateways', singularName: 'gateway', namespaced: true, kind: 'Gateway' });
    const list = JSON.parse((await get('hub', '/apis/networking.x-k8s.io/v1alpha1/gateways')).body);
    expect(list).toEqual({ kind: 'GatewayList', apiVersion: 'networking.x-k8s.io/v1alpha1', metadata: { resourceVersion: expect.any(String) }, items: [] });
  });

  it('answers a Table with pod columns and row metadata when asked for one', async () => {
    const res = await httpsRequest(`${sandbox.cluster('spoke').url}/api/v1/namespaces/istio-system/pods`, ca, {
      token: sandbox.cluster('spoke').token,
      accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json',
    });
    const table = JSON.parse(res.body);
    expect(table.kind).toBe('Table');
    expect(table.columnDefinitions.filter((c: { priority: number }) => c.priority === 0).map((c: { name: string }) => c.name)).toEqual([
      'Name',
      'Ready',
      'Status',
      'Restarts',
      'Age',
    ]);
    expect(table.rows[0].cells.slice(0, 5)).toEqual(['istio-ingressgateway-6b7b8c9d4f-x2x9k', '0/1', 'CrashLoopBackOff', '7 (5m ago)', '120m']);
    expect(table.rows[0].object).toMatchObject({ kind: 'PartialObjectMetadata', metadata: { namespace: 'istio-system' } });
  });
});

describe('errors shaped like a real server', () => {
  const spokeReq = (path: string, opts: { method?: string; body?: unknown; contentType?: string } = {}) =>
    httpsRequest(`${sandbox.cluster('spoke').url}${path}`, ca, {
      token: sandbox.cluster('spoke').token,
      method: opts.method ?? 'GET',
      ...(opts.body !== undefined ? { body: JSON.stringify(opts.body), contentType: opts.contentType ?? 'application/json' } : {}),
    });
  const status = async (p: ReturnType<typeof spokeReq>) => {
    const res = await p;
    return { code: res.status, ...JSON.parse(res.body) };
  };

  it('requires a container name for a pod with several containers', async () => {
    expect(await status(spokeReq('/api/v1/namespaces/bookinfo/pods/reviews-v1-7d9f8c6b5-abcde/log'))).toMatchObject({
      code: 400,
      reason: 'BadRequest',
      message: 'a container name must be specified for pod reviews-v1-7d9f8c6b5-abcde, choose one of: [reviews istio-proxy] or one of the init containers: [istio-init]',
    });
  });

  it('refuses to rename an object (422) and a body naming another object (400)', async () => {
    const renamed = await status(
      spokeReq('/api/v1/namespaces/bookinfo/services/reviews', { method: 'PATCH', body: { metadata: { name: 'other' } }, contentType: 'application/merge-patch+json' }),
    );
    expect(renamed).toMatchObject({
      code: 422,
      reason: 'Invalid',
      message: 'Service "other" is invalid: metadata.name: Invalid value: "other": field is immutable',
      details: { causes: [{ reason: 'FieldValueInvalid', field: 'metadata.name', message: 'Invalid value: "other": field is immutable' }] },
    });
    const mismatch = await status(spokeReq('/api/v1/namespaces/bookinfo/configmaps/a', { method: 'PUT', body: { metadata: { name: 'b' } } }));
    expect(mismatch).toMatchObject({ code: 400, reason: 'BadRequest', message: 'the name of the object (b) does not match the name on the URL (a)' });
    const nameless = await status(spokeReq('/api/v1/namespaces/bookinfo/configmaps', { method: 'POST', body: { metadata: {} } }));
    expect(nameless).toMatchObject({ code: 422, message: 'ConfigMap "" is invalid: metadata.name: Required value: name or generateName is required' });
  });

  it('answers 404 for unknown paths, 405 for watches and POSTs to a name, 415 for unknown patch types', async () => {
    expect(await status(spokeReq('/api/v1/widgets'))).toMatchObject({ code: 404, reason: 'NotFound', message: 'the server could not find the requested resource' });
    expect(await status(spokeReq('/apis/networking.istio.io/v2/destinationrules'))).toMatchObject({ code: 404 });
    expect(await status(spokeReq('/api/v1/pods?watch=true'))).toMatchObject({ code: 405, reason: 'MethodNotAllowed' });
    expect(await status(spokeReq('/api/v1/namespaces/bookinfo/configmaps/x', { method: 'POST', body: { metadata: { name: 'x' } } }))).toMatchObject({ code: 405 });
    expect(await status(spokeReq('/api/v1/namespaces/bookinfo/services/reviews', { method: 'PATCH', body: {}, contentType: 'text/plain' }))).toMatchObject({
      code: 415,
      reason: 'UnsupportedMediaType',
    });
  });

  it('answers 503 for pods/proxy, as for a pod nobody can reach', async () => {
    expect(await status(spokeReq('/api/v1/namespaces/istio-system/pods/istio-ingressgateway-6b7b8c9d4f-x2x9k:15021/proxy/healthz/ready'))).toMatchObject({
      code: 503,
      reason: 'ServiceUnavailable',
      message: 'error trying to reach service: dial tcp 10.244.1.20:15021: connect: connection refused',
    });
  });
});

describe('faults at run time', () => {
  it('replaces, shows and clears faults over /sandbox/faults', async () => {
    const hub = sandbox.cluster('hub');
    const faults = { rules: [{ match: { verb: 'list', resource: 'services' }, action: { status: 403 } }] };
    const put = await httpsRequest(`${hub.url}/sandbox/faults`, ca, { method: 'PUT', token: hub.token, body: JSON.stringify(faults) });
    expect(put.status).toBe(200);
    expect(hub.faults.get()).toEqual(faults);
    const denied = await get('hub', '/api/v1/services');
    expect(denied.status).toBe(403);
    expect(JSON.parse(denied.body).message).toBe(
      'services is forbidden: User "system:serviceaccount:mesh-medic:mesh-medic" cannot list resource "services" in API group "" at the cluster scope',
    );
    expect(JSON.parse((await get('hub', '/sandbox/faults')).body)).toEqual(faults);
    const bad = await httpsRequest(`${hub.url}/sandbox/faults`, ca, { method: 'PUT', token: hub.token, body: '{"rules":[{"match":{},"action":{"status":418}}]}' });
    expect(bad.status).toBe(400);
    await httpsRequest(`${hub.url}/sandbox/faults`, ca, { method: 'DELETE', token: hub.token });
    expect((await get('hub', '/api/v1/services')).status).toBe(200);
    expect((await httpsRequest(`${hub.url}/sandbox/faults`, ca, { token: 'wrong' })).status).toBe(401);
  });

  it('closes the port on refuseConnections over HTTP and reopens it in-process on the same port', async () => {
    const hub = sandbox.cluster('hub');
    const put = await httpsRequest(`${hub.url}/sandbox/faults`, ca, { method: 'PUT', token: hub.token, body: '{"refuseConnections":true}' });
    expect(put.status).toBe(200);
    await expect(get('hub', '/api/v1/namespaces')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await hub.faults.clear();
    expect((await get('hub', '/api/v1/namespaces')).status).toBe(200);
  });

  it('adds latency without changing the answer', async () => {
    const hub = sandbox.cluster('hub');
    hub.faults.addRule({ match: { resource: 'namespaces' }, action: { delayMs: 30 } });
    try {
      const res = await get('hub', '/api/v1/namespaces/istio-system');
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body).metadata.name).toBe('istio-system');
    } finally {
      await hub.faults.clear();
    }
  });

  it('holds a timed-out request until the client gives up, and logs it with status 0', async () => {
    const hub = sandbox.cluster('hub');
    hub.requestLog.reset();
    hub.faults.addRule({ match: { verb: 'get', resource: 'services' }, action: { timeout: true } });
    try {
      const abort = new AbortController();
      const url = `${hub.url}/api/v1/namespaces/istio-system/services/istiod-prod-hosted-lb`;
      const aborted = httpsRequest(url, ca, { token: hub.token, signal: abort.signal }).catch((e: Error) => e);
      await waitFor(() => hub.faults.heldRequests === 1);
      // Other requests are answered meanwhile.
      expect((await get('hub', '/api/v1/namespaces')).status).toBe(200);
      abort.abort();
      expect(await aborted).toBeInstanceOf(Error);
      await waitFor(() => hub.faults.heldRequests === 0);
    } finally {
      await hub.faults.clear();
    }
    expect(hub.requestLog.entries().find((e) => e.resource === 'services')).toMatchObject({ verb: 'get', name: 'istiod-prod-hosted-lb', status: 0 });
  });
});

describe('request log', () => {
  it('counts API calls by verb and resource, discovery apart', async () => {
    const spoke = sandbox.cluster('spoke');
    spoke.requestLog.reset();
    await get('spoke', '/api');
    await get('spoke', '/api/v1/namespaces/bookinfo/pods?labelSelector=app%3Dreviews');
    await get('spoke', '/api/v1/namespaces/bookinfo/pods/reviews-v1-7d9f8c6b5-abcde');
    await get('spoke', '/api/v1/namespaces/istio-system/pods/istio-ingressgateway-6b7b8c9d4f-x2x9k/log?tailLines=1');
    await get('spoke', '/apis/apps/v1/deployments');
    await get('spoke', '/api/v1/namespaces/bookinfo/pods/missing');
    expect(spoke.requestLog.counts()).toEqual({
      'discovery /api': 1,
      'list pods': 1,
      'get pods': 2,
      'get pods/log': 1,
      'list deployments.apps': 1,
    });
    expect(spoke.requestLog.apiCalls()).toBe(5);
    expect(spoke.requestLog.entries().at(-1)).toMatchObject({ verb: 'get', group: '', resource: 'pods', namespace: 'bookinfo', name: 'missing', status: 404 });
  });
});

describe('lifecycle', () => {
  it('starts clusters on consecutive ports, with faults from the spec, and stops promptly even with a held request', async () => {
    const base = await freePort();
    const spec = hubCluster({ name: 'held', faults: { rules: [{ match: { resource: 'namespaces' }, action: { timeout: true } }] } });
    const refused = hubCluster({ name: 'closed', faults: { refuseConnections: true } });
    const sb = await startSandbox({ clusters: [spec, refused], port: base });
    expect([sb.cluster('held').port, sb.cluster('closed').port]).toEqual([base, base + 1]);
    const caPem = readFileSync(sb.caPath, 'utf8');
    await expect(httpsRequest(`${sb.cluster('closed').url}/healthz`, caPem)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    const held = httpsRequest(`${sb.cluster('held').url}/api/v1/namespaces`, caPem, { token: sb.cluster('held').token }).catch((e: Error) => e);
    await waitFor(() => sb.cluster('held').faults.heldRequests === 1);
    await sb.stop();
    await sb.stop();
    expect(await held).toBeInstanceOf(Error);
    await expect(httpsRequest(`${sb.cluster('held').url}/healthz`, caPem)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('refuses duplicate cluster names, unknown kinds and invalid faults', async () => {
    await expect(startSandbox({ clusters: [hubCluster(), hubCluster()] })).rejects.toThrow(/cluster name hub is used twice/);
    const unknownKind = hubCluster({ objects: [{ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'x' } }] });
    await expect(startSandbox({ clusters: [unknownKind] })).rejects.toMatchObject({
      code: 'SCENARIO_INVALID',
      message: expect.stringContaining('example.com/v1 Widget'),
    });
    const badFaults = hubCluster({ faults: { rules: [{ match: { verb: 'list' }, action: { status: 418 as 403 } }] } });
    await expect(startSandbox({ clusters: [badFaults] })).rejects.toMatchObject({ code: 'SCENARIO_INVALID' });
  });
});

/** Polls a condition (no time limit of its own: the test timeout bounds it). */
async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 5));
}

/** A port that was free a moment ago, with the next one free too. */
async function freePort(): Promise<number> {
  for (;;) {
    const port = await listenOnce(0);
    if (port < 65535 && (await listenOnce(port + 1).catch(() => 0)) !== 0) return port;
  }
}

function listenOnce(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(port, '127.0.0.1', () => {
      const p = (srv.address() as { port: number }).port;
      srv.close(() => resolve(p));
    });
  });
}
