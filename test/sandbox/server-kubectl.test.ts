// The real kubectl (v1.32) against the sandbox API server: what a person typing kubectl sees.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/sandbox.ts';
import { hubCluster, istiodRemoteEndpoints, NOW, spokeCluster } from './fixtures.ts';
import { Kubectl, requireKubectl } from './kubectl.ts';

let sandbox: Sandbox;
let kubectl: Kubectl;
const BOOKINFO = ['-n', 'bookinfo'];

beforeAll(async () => {
  requireKubectl();
  sandbox = await startSandbox({ clusters: [spokeCluster(), hubCluster()], now: NOW });
  kubectl = new Kubectl(sandbox.cluster('spoke').kubeconfigPath);
});

afterAll(async () => {
  await sandbox?.stop();
  kubectl?.cleanup();
});

/** Table output as rows of whitespace-separated cells, header first. */
function rows(out: string): string[][] {
  return out
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s{2,}/));
}

describe('kubectl get', () => {
  it('lists pods of every namespace with the columns kubectl computes', async () => {
    const table = rows(await kubectl.ok(['get', 'pods', '-A']));
    expect(table[0]).toEqual(['NAMESPACE', 'NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
    expect(table.slice(1)).toEqual([
      ['bookinfo', 'ratings-v1-5d8c6f7b9-q8w2e', '0/1', 'Init:Error', '3', '120m'],
      ['bookinfo', 'reviews-v1-7d9f8c6b5-abcde', '2/2', 'Running', '0', '120m'],
      ['bookinfo', 'reviews-v1-7d9f8c6b5-fghij', '2/2', 'Running', '0', '120m'],
      ['istio-system', 'istio-ingressgateway-6b7b8c9d4f-x2x9k', '0/1', 'CrashLoopBackOff', '7 (5m ago)', '120m'],
    ]);
  });

  it('returns a stored object exactly as it was loaded', async () => {
    const out = await kubectl.ok(['get', 'endpoints', 'istiod-remote', '-n', 'istio-system', '-o', 'json']);
    expect(JSON.parse(out)).toEqual(istiodRemoteEndpoints);
  });

  it('serves Istio kinds by their full group name, and CRD kinds with their printer columns', async () => {
    const drs = rows(await kubectl.ok(['get', 'destinationrules.networking.istio.io', '-A']));
    expect(drs).toEqual([
      ['NAMESPACE', 'NAME', 'AGE'],
      ['bookinfo', 'reviews', '120m'],
    ]);
    const gws = rows(await kubectl.ok(['get', 'gateways.gateway.networking.k8s.io', '-A']));
    expect(gws).toEqual([
      ['NAMESPACE', 'NAME', 'CLASS', 'AGE'],
      ['bookinfo', 'bookinfo-gateway', 'istio', '120m'],
    ]);
  });

  it('shows services and endpoints columns', async () => {
    const svc = rows(await kubectl.ok(['get', 'svc', '-n', 'istio-system']));
    expect(svc).toEqual([
      ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE'],
      ['istiod-remote', 'ClusterIP', '10.96.120.7', '<none>', '15012/TCP,15017/TCP', '120m'],
    ]);
    const ep = rows(await kubectl.ok(['get', 'ep', 'istiod-remote', '-n', 'istio-system']));
    expect(ep[1]).toEqual(['istiod-remote', '10.233.48.75:15012,10.233.48.75:15017', '120m']);
  });

  it('shows events, nodes and endpoint slices with their columns', async () => {
    const events = rows(await kubectl.ok(['get', 'events', '-n', 'istio-system']));
    expect(events[0]).toEqual(['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE']);
    expect(events[1]?.slice(1, 4)).toEqual(['Warning', 'Unhealthy', 'pod/istio-ingressgateway-6b7b8c9d4f-x2x9k']);
    expect(rows(await kubectl.ok(['get', 'nodes']))).toEqual([
      ['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION'],
      ['node-1', 'Ready', 'worker', '120m', 'v1.30.4'],
    ]);
    expect(rows(await kubectl.ok(['get', 'endpointslices', '-n', 'istio-system']))).toEqual([
      ['NAME', 'ADDRESSTYPE', 'PORTS', 'ENDPOINTS', 'AGE'],
      ['istiod-remote-h7k2p', 'IPv4', '15012,15017', '10.233.48.75', '120m'],
    ]);
  });

  it('selects pods by label and by field', async () => {
    const byLabel = await kubectl.ok(['get', 'pods', '-A', '-l', 'app in (reviews),version!=v9', '-o', 'name']);
    expect(byLabel.trim().split('\n')).toEqual(['pod/reviews-v1-7d9f8c6b5-abcde', 'pod/reviews-v1-7d9f8c6b5-fghij']);
    const byField = await kubectl.ok(['get', 'pods', '-A', '--field-selector', 'status.phase=Pending', '-o', 'name']);
    expect(byField.trim()).toBe('pod/ratings-v1-5d8c6f7b9-q8w2e');
    const bad = await kubectl.run(['get', 'svc', '-A', '--field-selector', 'spec.clusterIP=1.2.3.4']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('Error from server (BadRequest)');
    expect(bad.stderr).toContain('field label not supported: spec.clusterIP');
  });

  it('pages through lists with --chunk-size and collects every item once', async () => {
    const out = await kubectl.ok(['get', 'pods', '-A', '--chunk-size', '1', '-o', 'name']);
    expect(out.trim().split('\n')).toHaveLength(4);
  });

  it('reports an unknown object as NotFound', async () => {
    const r = await kubectl.run(['get', 'pod', 'no-such-pod', ...BOOKINFO]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('Error from server (NotFound): pods "no-such-pod" not found');
  });
});

describe('kubectl logs', () => {
  const GW = ['-n', 'istio-system', 'istio-ingressgateway-6b7b8c9d4f-x2x9k'];

  it('prints the last lines with --tail, and the previous instance with --previous', async () => {
    const tail = await kubectl.ok(['logs', ...GW, '-c', 'istio-proxy', '--tail', '2']);
    expect(tail).toBe(
      '2025-03-01T11:59:30.000000Z\twarning\tenvoy config\tStreamAggregatedResources gRPC config stream to xds-grpc closed: 14, connection error: desc = "transport: Error while dialing: dial tcp 10.233.48.75:15012: i/o timeout"\n\tcontinuation line of the previous entry\n',
    );
    const previous = await kubectl.ok(['logs', ...GW, '--previous']);
    expect(previous).toBe('2025-03-01T11:50:00.000000Z\terror\tprevious instance: failed to start: xds unreachable\n');
  });

  it('keeps only recent lines with --since', async () => {
    const recent = await kubectl.ok(['logs', ...GW, '--since', '90s']);
    expect(recent.split('\n').filter((l) => l !== '')).toHaveLength(2);
  });

  it('refuses a previous log that does not exist, and a missing container choice', async () => {
    const prev = await kubectl.run(['logs', '-n', 'bookinfo', 'reviews-v1-7d9f8c6b5-abcde', '-c', 'reviews', '--previous']);
    expect(prev.code).toBe(1);
    expect(prev.stderr).toContain('previous terminated container "reviews" in pod "reviews-v1-7d9f8c6b5-abcde" not found');
    const unknown = await kubectl.run(['logs', '-n', 'bookinfo', 'reviews-v1-7d9f8c6b5-abcde', '-c', 'nope']);
    expect(unknown.stderr).toContain('container nope is not valid for pod reviews-v1-7d9f8c6b5-abcde');
  });
});

describe('kubectl writes', () => {
  it('labels a pod', async () => {
    expect(await kubectl.ok(['label', 'pod', 'reviews-v1-7d9f8c6b5-fghij', 'version=v1', ...BOOKINFO])).toBe(
      'pod/reviews-v1-7d9f8c6b5-fghij labeled\n',
    );
    const labels = await kubectl.ok(['get', 'pod', 'reviews-v1-7d9f8c6b5-fghij', ...BOOKINFO, '-o', 'jsonpath={.metadata.labels.version}']);
    expect(labels).toBe('v1');
  });

  it('patches with --type merge, strategic and json', async () => {
    await kubectl.ok(['patch', 'svc', 'reviews', ...BOOKINFO, '--type', 'merge', '-p', '{"metadata":{"annotations":{"owner":"team-a"}}}']);
    // Strategic merge: ports merge by `port`, so the existing http port stays and grpc is added.
    await kubectl.ok(['patch', 'svc', 'reviews', ...BOOKINFO, '--type', 'strategic', '-p', '{"spec":{"ports":[{"name":"grpc","port":9090,"targetPort":9090}]}}']);
    await kubectl.ok(['patch', 'svc', 'reviews', ...BOOKINFO, '--type', 'json', '-p', '[{"op":"replace","path":"/metadata/annotations/owner","value":"team-b"}]']);
    const svc = JSON.parse(await kubectl.ok(['get', 'svc', 'reviews', ...BOOKINFO, '-o', 'json']));
    expect(svc.metadata.annotations).toEqual({ owner: 'team-b' });
    expect(svc.spec.ports.map((p: { name: string }) => p.name)).toEqual(['http', 'grpc']);
  });

  it('says "no change" when a patch changes nothing', async () => {
    const args = ['patch', 'cm', 'no-op', ...BOOKINFO, '--type', 'merge', '-p', '{"data":{"k":"v"}}'];
    await kubectl.ok(['create', 'configmap', 'no-op', ...BOOKINFO, '--from-literal=k=v']);
    expect(await kubectl.ok(args)).toBe('configmap/no-op patched (no change)\n');
  });

  it('leaves the object unchanged after a server-side dry run', async () => {
    const before = await kubectl.ok(['get', 'dr', 'reviews', ...BOOKINFO, '-o', 'json']);
    const out = await kubectl.ok(['patch', 'dr', 'reviews', ...BOOKINFO, '--type', 'merge', '--dry-run=server', '-p', '{"spec":{"host":"ratings"}}']);
    // kubectl 1.32 prints no "(server dry run)" suffix for patch; it did send dryRun=All.
    expect(out).toBe('destinationrule.networking.istio.io/reviews patched\n');
    expect(await kubectl.ok(['get', 'dr', 'reviews', ...BOOKINFO, '-o', 'json'])).toBe(before);
  });

  it('answers Conflict to a patch carrying a stale resourceVersion', async () => {
    const r = await kubectl.run(['patch', 'svc', 'reviews', ...BOOKINFO, '--type', 'merge', '-p', '{"metadata":{"resourceVersion":"1","labels":{"x":"y"}}}']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      'Error from server (Conflict): Operation cannot be fulfilled on services "reviews": the object has been modified; please apply your changes to the latest version and try again',
    );
  });

  it('refuses a strategic merge patch on a custom resource, as a real server does', async () => {
    const r = await kubectl.run(['patch', 'dr', 'reviews', ...BOOKINFO, '-p', '{"spec":{"host":"x"}}']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('the body of the request was in an unknown format');
  });

  it('creates, applies, replaces and deletes from manifests with the default validation', async () => {
    const file = join(sandbox.dir, 'cm.yaml');
    const manifest = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'demo', namespace: 'bookinfo' }, data: { a: '1' } };
    writeFileSync(file, stringify(manifest));
    expect(await kubectl.ok(['apply', '-f', file])).toBe('configmap/demo created\n');
    writeFileSync(file, stringify({ ...manifest, data: { a: '2' } }));
    expect(await kubectl.ok(['apply', '-f', file])).toBe('configmap/demo configured\n');
    expect(await kubectl.ok(['get', 'cm', 'demo', ...BOOKINFO, '-o', 'jsonpath={.data.a}'])).toBe('2');
    writeFileSync(file, stringify({ ...manifest, data: { a: '3' } }));
    expect(await kubectl.ok(['replace', '-f', file])).toBe('configmap/demo replaced\n');
    expect(await kubectl.ok(['delete', '-f', file])).toBe('configmap "demo" deleted\n');
    expect(await kubectl.ok(['create', '-f', file])).toBe('configmap/demo created\n');
    const again = await kubectl.run(['create', '-f', file]);
    expect(again.stderr.trim()).toBe(`Error from server (AlreadyExists): error when creating "${file}": configmaps "demo" already exists`);
  });
});

describe('kubectl against failures', () => {
  it('shows an injected RBAC denial as Forbidden', async () => {
    const spoke = sandbox.cluster('spoke');
    spoke.faults.addRule({ match: { verb: 'list', resource: 'secrets' }, action: { status: 403 } });
    try {
      const r = await kubectl.run(['get', 'secrets', '-n', 'istio-system']);
      expect(r.code).toBe(1);
      expect(r.stderr.trim()).toBe(
        'Error from server (Forbidden): secrets is forbidden: User "system:serviceaccount:mesh-medic:mesh-medic" cannot list resource "secrets" in API group "" in the namespace "istio-system"',
      );
    } finally {
      await spoke.faults.clear();
    }
  });

  async function withUser(user: Record<string, string>, cacheDir?: string): Promise<{ code: number; stderr: string }> {
    const config = parseYaml(readFileSync(sandbox.cluster('spoke').kubeconfigPath, 'utf8'));
    config.users[0].user = user;
    const path = join(sandbox.dir, 'other-user.yaml');
    writeFileSync(path, stringify(config));
    const other = new Kubectl(path, cacheDir);
    try {
      return await other.run(['get', 'pods', '-A']);
    } finally {
      other.cleanup();
    }
  }

  it('is Unauthorized without a bearer token', async () => {
    // With no credentials at all kubectl would prompt for a password: give it basic auth instead.
    // Discovery comes first; on a 401 there kubectl 1.32 words it like this (as with a real server).
    const r = await withUser({ username: 'mesh-medic', password: 'not-a-token' });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n').at(-1)).toBe(
      'error: You must be logged in to the server (the server has asked for the client to provide credentials)',
    );
  });

  it('is Unauthorized with a wrong token once discovery is cached', async () => {
    await kubectl.ok(['get', 'pods', '-A']);
    const r = await withUser({ token: 'wrong-token' }, kubectl.cacheDir);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('error: You must be logged in to the server (Unauthorized)');
  });
});
