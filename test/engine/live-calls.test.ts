// The cost of a diagnosis grows with the kinds read, not with the number of checks: proved with
// the sandbox's request log against the live snapshot source.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Check } from '../../src/checks/types.ts';
import { loadRegistry } from '../../src/config/registry.ts';
import type { Registry } from '../../src/domain/cluster.ts';
import { diagnose } from '../../src/engine/diagnose.ts';
import { type LiveSnapshotSource, liveSnapshotSource } from '../../src/k8s/snapshot-source.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox.ts';
import { clusterSpec, DEFAULT_K8S, pod, service } from '../k8s/helpers.ts';
import { fakeCheck } from './fixtures.ts';

let sandbox: Sandbox;
let registry: Registry;
let source: LiveSnapshotSource;

const gateway = pod('istio-system', 'istio-ingressgateway-1', {
  labels: { app: 'istio-ingressgateway', istio: 'ingressgateway' },
  containers: ['istio-proxy'],
});

beforeAll(async () => {
  sandbox = await startSandbox({
    meshes: [{ id: 'test-mesh' }, { id: 'down-mesh' }],
    clusters: [
      clusterSpec('live-cp', [pod('istio-system', 'istiod-1', { labels: { app: 'istiod' }, containers: ['discovery'] }), pod('apps', 'worker-1')], {
        role: 'control-plane',
      }),
      clusterSpec('live-east', [gateway, pod('default', 'web-1'), service('default', 'web')], {
        role: 'remote',
        controlPlane: 'live-cp',
        logs: [{ namespace: 'istio-system', pod: 'istio-ingressgateway-1', container: 'istio-proxy', previous: false, text: 'hello\n' }],
      }),
      // Its own mesh, so it is not a peer of live-east.
      clusterSpec('live-down', [], { mesh: 'down-mesh', faults: { refuseConnections: true } }),
    ],
  });
  registry = loadRegistry(sandbox.registryPath);
  source = liveSnapshotSource(registry, DEFAULT_K8S);
});

afterAll(async () => {
  await source?.close();
  await sandbox?.stop();
});

function sameReads(n: number): Check[] {
  return Array.from({ length: n }, (_, i) =>
    fakeCheck(`reader-${i}`, (s) => [{ status: 'pass', summary: `${s.list('pods').length} pods, ${s.list('services').length} services` }], {
      reads: ['pods', 'services'],
      peerReads: ['pods'],
      readsLogs: true,
    }),
  );
}

/** Names the control plane's pods: in one namespace, or (asking for more than a peer's first read) all of them. */
function peerPodsCheck(namespace?: string): Check {
  return fakeCheck(
    `peer-pods-${namespace ?? 'all'}`,
    (_s, ctx) => {
      const cp = ctx.peers.get('live-cp')!;
      const pods = namespace ? cp.listIn('pods', namespace) : cp.list('pods');
      return [{ status: 'pass', summary: `live-cp: ${pods.map((p) => p.metadata.name).sort().join(', ')}` }];
    },
    { reads: [], peerReads: ['pods'] },
  );
}

function callsOf(name: string): number {
  return sandbox.clusters.get(name)!.requestLog.apiCalls();
}

function resetLogs(): void {
  for (const c of sandbox.clusters.values()) c.requestLog.reset();
}

describe('diagnose against live sandbox clusters', () => {
  it('makes the same API calls for 1 check as for 12 checks reading the same kinds', async () => {
    resetLogs();
    const one = await diagnose({ registry, cluster: 'live-east', source, checks: sameReads(1) });
    const oneCalls = { east: callsOf('live-east'), cp: callsOf('live-cp') };
    resetLogs();
    const many = await diagnose({ registry, cluster: 'live-east', source, checks: sameReads(12) });
    const manyCalls = { east: callsOf('live-east'), cp: callsOf('live-cp') };

    expect(many.findings).toHaveLength(12);
    expect(many.findings.every((f) => f.status === 'pass' && f.summary === '2 pods, 1 services')).toBe(true);
    expect(manyCalls).toEqual(oneCalls);
    // pods + services + the gateway's log on the diagnosed cluster, pods on its peer.
    expect(oneCalls).toEqual({ east: 3, cp: 1 });
    expect(one.apiCalls).toBe(4);
    expect(many.apiCalls).toBe(4);
    expect(sandbox.clusters.get('live-east')!.requestLog.counts()).toMatchObject({ 'list pods': 1, 'list services': 1, 'get pods/log': 1 });
  });

  it("reads a peer's pods in istio-system only while checks look there", async () => {
    resetLogs();
    const report = await diagnose({ registry, cluster: 'live-east', source, checks: [peerPodsCheck('istio-system')] });
    expect(report.findings[0]?.summary).toBe('live-cp: istiod-1');
    const log = sandbox.clusters.get('live-cp')!.requestLog.entries();
    expect(log.map((e) => `${e.verb} ${e.resource} in ${e.namespace ?? 'all namespaces'}`)).toEqual(['list pods in istio-system']);
  });

  it('reads all of a peer\'s pods once a check asks for them, and runs that check again on them', async () => {
    resetLogs();
    const report = await diagnose({ registry, cluster: 'live-east', source, checks: [peerPodsCheck('istio-system'), peerPodsCheck()] });
    expect(report.findings.map((f) => f.summary).sort()).toEqual(['live-cp: istiod-1', 'live-cp: istiod-1, worker-1']);
    const log = sandbox.clusters.get('live-cp')!.requestLog.entries();
    expect(log.map((e) => `${e.verb} ${e.resource} in ${e.namespace ?? 'all namespaces'}`)).toEqual([
      'list pods in istio-system',
      'list pods in all namespaces',
    ]);
    expect(report.apiCalls).toBe(callsOf('live-east') + callsOf('live-cp'));
  });

  it('fills apiServers with each registered cluster URL from its kubeconfig', async () => {
    const report = await diagnose({
      registry,
      cluster: 'live-east',
      source,
      checks: [fakeCheck('servers', (_s, ctx) => [{ status: 'pass', summary: ctx.apiServers.get('live-cp') ?? 'none' }], { reads: [] })],
    });
    expect(report.findings[0]?.summary).toBe(sandbox.clusters.get('live-cp')!.url);
  });

  it('reports an unreachable cluster through cluster-access and runs nothing else on empty data', async () => {
    const report = await diagnose({
      registry,
      cluster: 'live-down',
      source,
      checks: [
        fakeCheck('cluster-access', (s) => [{ status: 'fail', summary: s.data.failures[0]?.message ?? 'reachable' }], {
          reads: ['namespaces'],
        }),
        ...sameReads(2),
      ],
    });
    const url = sandbox.clusters.get('live-down')!.url;
    expect(report.findings[0]).toMatchObject({ check: 'cluster-access', status: 'fail' });
    expect(report.findings[0]?.summary).toContain(`cannot reach ${url}: connection refused`);
    expect(report.findings.slice(1).map((f) => [f.check, f.status])).toEqual([
      ['reader-0', 'error'],
      ['reader-1', 'error'],
    ]);
    expect(report.findings[1]?.summary).toContain('not run: cluster unreachable');
  });
});
