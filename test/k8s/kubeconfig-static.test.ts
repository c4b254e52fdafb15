// The static kubeconfig reader must give exactly what @kubernetes/client-node's KubeConfig gives
// (server, TLS material, headers, credential description), or step aside so client-node decides.
// Each kubeconfig below is read both ways and the results compared.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RegisteredCluster } from '../../src/domain/cluster.ts';
import { apiServerOf, clientNodeAccess, type KubeconfigAccess, kubeconfigAccess, loadKubeConfig } from '../../src/k8s/kubeconfig-access.ts';
import { isStatic, readStaticEntries } from '../../src/k8s/kubeconfig-static.ts';

let dir: string;

const CA_PEM = '-----BEGIN CERTIFICATE-----\nMIIBfake-ca\n-----END CERTIFICATE-----\n';
const CERT_PEM = '-----BEGIN CERTIFICATE-----\nMIIBfake-client\n-----END CERTIFICATE-----\n';
const KEY_PEM = '-----BEGIN PRIVATE KEY-----\nMIIBfake-key\n-----END PRIVATE KEY-----\n';
const b64 = (s: string) => Buffer.from(s).toString('base64');

type Doc = Record<string, unknown>;

function kubeconfig(user: Doc, cluster: Doc = {}, extra: Doc = {}): Doc {
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'c1', cluster: { server: 'https://10.0.0.1:6443', 'certificate-authority-data': b64(CA_PEM), ...cluster } }],
    users: [{ name: 'u1', user }],
    contexts: [{ name: 'ctx1', context: { cluster: 'c1', user: 'u1' } }],
    'current-context': 'ctx1',
    ...extra,
  };
}

let counter = 0;
function registered(doc: Doc | string, context?: string): RegisteredCluster {
  const sub = join(dir, `k${counter++}`);
  mkdirSync(sub);
  const path = join(sub, 'kubeconfig.yaml');
  writeFileSync(path, typeof doc === 'string' ? doc : stringify(doc));
  writeFileSync(join(sub, 'ca.pem'), CA_PEM);
  writeFileSync(join(sub, 'client.crt'), CERT_PEM);
  writeFileSync(join(sub, 'client.key'), KEY_PEM);
  return { name: 'east', kubeconfig: path, mesh: 'm', role: 'primary', production: false, ...(context ? { context } : {}) };
}

async function view(access: KubeconfigAccess) {
  return { identity: access.identity, tls: access.tls, headers: await access.authHeaders() };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kubeconfig-static-'));
  writeFileSync(join(dir, 'token'), 'file-token-123');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const STATIC_CASES: [string, () => RegisteredCluster][] = [
  ['bearer token and CA data', () => registered(kubeconfig({ token: 'tok-abc' }))],
  ['token file', () => registered(kubeconfig({ 'token-file': join(dir, 'token') }))],
  ['token wins over token file', () => registered(kubeconfig({ token: 'tok-abc', 'token-file': join(dir, 'token') }))],
  ['client certificate data', () => registered(kubeconfig({ 'client-certificate-data': b64(CERT_PEM), 'client-key-data': b64(KEY_PEM) }))],
  [
    'relative certificate and CA files',
    () => registered(kubeconfig({ 'client-certificate': 'client.crt', 'client-key': 'client.key' }, { 'certificate-authority': 'ca.pem', 'certificate-authority-data': undefined })),
  ],
  ['username and password', () => registered(kubeconfig({ username: 'admin', password: 'pw' }))],
  ['username without password', () => registered(kubeconfig({ username: 'admin' }))],
  ['basic auth overrides a token', () => registered(kubeconfig({ token: 'tok-abc', username: 'admin', password: 'pw' }))],
  ['impersonation', () => registered(kubeconfig({ token: 'tok-abc', as: 'system:serviceaccount:mesh:medic' }))],
  ['skip TLS verify and server name', () => registered(kubeconfig({ token: 't' }, { 'insecure-skip-tls-verify': true, 'tls-server-name': 'api.internal' }))],
  ['trailing slash on the server', () => registered(kubeconfig({ token: 't' }, { server: 'https://10.0.0.1:6443/' }))],
  [
    'explicit context and duplicate names (first wins)',
    () =>
      registered(
        {
          clusters: [
            { name: 'c1', cluster: { server: 'https://first:6443' } },
            { name: 'c1', cluster: { server: 'https://second:6443' } },
            { name: 'c2', cluster: { server: 'https://other:6443', 'certificate-authority-data': b64(CA_PEM) } },
          ],
          users: [
            { name: 'u1', user: { token: 'first' } },
            { name: 'u1', user: { token: 'second' } },
          ],
          contexts: [
            { name: 'a', context: { cluster: 'c1', user: 'u1' } },
            { name: 'b', context: { cluster: 'c2', user: 'u1' } },
          ],
          'current-context': 'a',
        },
        'b',
      ),
  ],
  [
    'YAML anchors and merge keys',
    () =>
      registered(
        [
          'clusters:',
          '- name: c1',
          '  cluster: &base',
          '    server: https://10.0.0.9:6443',
          '    insecure-skip-tls-verify: true',
          'users:',
          '- name: u1',
          '  user:',
          '    <<: {token: merged-token}',
          'contexts:',
          '- name: ctx1',
          '  context: {cluster: c1, user: u1}',
          'current-context: ctx1',
          '',
        ].join('\n'),
      ),
  ],
];

describe('static kubeconfig reader', () => {
  it.each(STATIC_CASES)('%s: same server, TLS, headers and credential text as client-node', async (_name, make) => {
    const c = make();
    const entries = readStaticEntries(c.kubeconfig, c.context);
    expect(entries && isStatic(entries)).toBe(true);
    const mine = await view(await kubeconfigAccess(c));
    const theirs = await view(await clientNodeAccess(c));
    expect(mine).toEqual(theirs);
    expect(apiServerOf(c)).toBe((await loadKubeConfig(c)).getCurrentCluster()?.server);
  });

  const NOT_STATIC: [string, () => RegisteredCluster][] = [
    ['exec plugin', () => registered(kubeconfig({ exec: { apiVersion: 'client.authentication.k8s.io/v1', command: 'get-token' } }))],
    ['auth provider', () => registered(kubeconfig({ 'auth-provider': { name: 'oidc', config: {} } }))],
    ['plain http server', () => registered(kubeconfig({ token: 't' }, { server: 'http://10.0.0.1:8080', 'insecure-skip-tls-verify': true }))],
    ['proxy', () => registered(kubeconfig({ token: 't' }, { 'proxy-url': 'http://proxy:3128' }))],
    ['numeric token', () => registered(kubeconfig({ token: 12345 }))],
    ['context without a user', () => registered({ ...kubeconfig({ token: 't' }), contexts: [{ name: 'ctx1', context: { cluster: 'c1' } }] })],
  ];

  it.each(NOT_STATIC)('%s: left to client-node, and the server URL still agrees', async (_name, make) => {
    const c = make();
    const entries = readStaticEntries(c.kubeconfig, c.context);
    expect(entries === undefined || !isStatic(entries)).toBe(true);
    expect(apiServerOf(c)).toBe((await loadKubeConfig(c)).getCurrentCluster()?.server);
  });

  const BROKEN: [string, () => RegisteredCluster][] = [
    ['unknown context', () => registered(kubeconfig({ token: 't' }), 'nope')],
    ['cluster without a server', () => registered({ ...kubeconfig({ token: 't' }), clusters: [{ name: 'c1', cluster: {} }] })],
    ['user without a name', () => registered({ ...kubeconfig({ token: 't' }), users: [{ user: { token: 't' } }] })],
    ['missing token file', () => registered(kubeconfig({ 'token-file': join(dir, 'absent') }))],
    ['not YAML', () => registered('clusters: [\n')],
  ];

  it.each(BROKEN)('%s: no server URL, and the access error is client-node\'s', async (_name, make) => {
    const c = make();
    expect(readStaticEntries(c.kubeconfig, c.context)).toBeUndefined();
    expect(apiServerOf(c)).toBeUndefined();
    const mine = await kubeconfigAccess(c).then(
      () => 'resolved',
      (e: Error) => e.message,
    );
    const theirs = await clientNodeAccess(c).then(
      () => 'resolved',
      (e: Error) => e.message,
    );
    expect(mine).toBe(theirs);
    expect(mine).toContain(c.kubeconfig);
  });
});
