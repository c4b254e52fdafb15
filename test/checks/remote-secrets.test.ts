import { describe, expect, it } from 'vitest';
import { check } from '../../src/checks/remote-secrets.ts';
import { cl, evidenceText, kubeconfig, registry, run, secret, statuses } from './mesh-fixtures.ts';

const MULTI = registry(cl('cluster1', 'primary'), cl('cluster2', 'primary'));
const LABEL = { 'istio/multiCluster': 'true' };
const SERVERS = { cluster1: 'https://10.0.0.1:6443', cluster2: 'https://10.0.0.2:6443', other: 'https://10.0.0.9:6443' };

function remoteSecret(peer: string, server: string, o: { key?: string; labels?: Record<string, string> } = {}) {
  return secret(`istio-remote-secret-${peer}`, { labels: o.labels ?? LABEL, stringData: { [o.key ?? peer]: kubeconfig(peer, server) } });
}

describe('remote-secrets', () => {
  it('fails when a primary has no remote secret for the other primary (seed 002)', () => {
    const results = run(check, { registry: MULTI, cluster: 'cluster1', clusters: { cluster1: { objects: [] } } });
    expect(statuses(results)).toEqual(['fail']);
    expect(results[0]!.summary).toBe(
      'istiod in cluster1 cannot discover cluster2 (primary): no Secret in istio-system labelled istio/multiCluster=true has a key cluster2 — create one with istioctl create-remote-secret --name=cluster2',
    );
  });

  it('fails on a secret keyed by the wrong cluster name and names the intended peer once', () => {
    const results = run(check, { registry: MULTI, cluster: 'cluster1', clusters: { cluster1: { objects: [remoteSecret('cluster2', SERVERS.cluster2, { key: 'cluster-2' })] } } });
    expect(statuses(results)).toEqual(['fail']);
    expect(results[0]!.summary).toBe(
      'Remote secret istio-system/istio-remote-secret-cluster2 in cluster1 is keyed by cluster-2, which is not a registered cluster — probably meant for cluster2, so istiod cannot discover cluster2: the key must be the cluster\'s registered name',
    );
    expect(evidenceText(results)).toContain('cluster1 Secret istio-system istio-remote-secret-cluster2 data keys cluster-2');
  });

  it('with live API servers, names the cluster a mis-keyed kubeconfig actually reaches', () => {
    const results = run(check, {
      registry: MULTI,
      cluster: 'cluster1',
      clusters: { cluster1: { objects: [remoteSecret('cluster2', SERVERS.cluster2, { key: 'east' })] } },
      apiServers: SERVERS,
    });
    expect(statuses(results)).toEqual(['fail']);
    expect(results[0]!.summary).toContain('keyed by east, which is not a registered cluster — its kubeconfig reaches cluster2');
  });

  it('fails when the kubeconfig under a peer key reaches another server (live only)', () => {
    const objects = [remoteSecret('cluster2', SERVERS.cluster1)];
    const live = run(check, { registry: MULTI, cluster: 'cluster1', clusters: { cluster1: { objects } }, apiServers: { cluster1: SERVERS.cluster1, cluster2: SERVERS.cluster2 } });
    expect(statuses(live)).toEqual(['fail']);
    expect(live[0]!.summary).toContain(
      `key cluster2 holds a kubeconfig for ${SERVERS.cluster1} (the API server of cluster1), not cluster2's API server ${SERVERS.cluster2}`,
    );
    const unknown = run(check, { registry: MULTI, cluster: 'cluster1', clusters: { cluster1: { objects: [remoteSecret('cluster2', SERVERS.other)] } }, apiServers: { cluster2: SERVERS.cluster2 } });
    expect(unknown[0]!.summary).toContain(`key cluster2 holds a kubeconfig for ${SERVERS.other}, not cluster2's API server`);
    // Offline (no API servers known) the server cannot be judged: no false alarm.
    expect(statuses(run(check, { registry: MULTI, cluster: 'cluster1', clusters: { cluster1: { objects } } }))).toEqual(['pass']);
  });

  it('treats https://HOST and https://HOST:443/ as the same server', () => {
    const objects = [remoteSecret('cluster2', 'https://API.cluster2.example.com/')];
    const results = run(check, { registry: MULTI, cluster: 'cluster1', clusters: { cluster1: { objects } }, apiServers: { cluster2: 'https://api.cluster2.example.com:443' } });
    expect(statuses(results)).toEqual(['pass']);
  });

  it('fails on an unparsable kubeconfig without quoting its content', () => {
    const broken = secret('istio-remote-secret-cluster2', { labels: LABEL, stringData: { cluster2: 'apiVersion: v1\nclusters: [ {{ broken\ntoken: s3cr3t-token' } });
    const results = run(check, { registry: MULTI, cluster: 'cluster1', clusters: { cluster1: { objects: [broken] } } });
    expect(statuses(results)).toEqual(['fail']);
    expect(results[0]!.summary).toContain('the kubeconfig under key cluster2 cannot be parsed');
    expect(JSON.stringify(results)).not.toContain('s3cr3t-token');
  });

  it('fails on a secret missing the istio/multiCluster label and proposes label-remote-secret', () => {
    const results = run(check, { registry: MULTI, cluster: 'cluster1', clusters: { cluster1: { objects: [remoteSecret('cluster2', SERVERS.cluster2, { labels: {} })] } } });
    expect(statuses(results)).toEqual(['fail']);
    expect(results[0]!.summary).toBe(
      'Secret istio-system/istio-remote-secret-cluster2 in cluster1 holds a kubeconfig for cluster2 but has no istio/multiCluster label: istiod ignores it and cannot discover cluster2',
    );
    expect(results[0]!.remediation).toEqual({
      id: 'label-remote-secret',
      target: { cluster: 'cluster1', apiVersion: 'v1', kind: 'Secret', namespace: 'istio-system', name: 'istio-remote-secret-cluster2', resourceVersion: '777' },
      patchType: 'merge',
      patch: { metadata: { labels: { 'istio/multiCluster': 'true' } } },
      reason: expect.stringContaining('ignored without the label'),
    });
  });

  it('does not propose a label fix when someone set the label to false on purpose', () => {
    const results = run(check, {
      registry: MULTI,
      cluster: 'cluster1',
      clusters: { cluster1: { objects: [remoteSecret('cluster2', SERVERS.cluster2, { labels: { 'istio/multiCluster': 'false' } })] } },
    });
    expect(statuses(results)).toEqual(['fail']);
    expect(results[0]!.summary).toContain('but has istio/multiCluster=false');
    expect(results[0]!.remediation).toBeNull();
  });

  it('hosted mesh: the control-plane cluster needs secrets for its remotes; remotes are skipped', () => {
    const reg = registry(cl('cp', 'control-plane'), cl('r1', 'remote', { controlPlane: 'cp' }), cl('r2', 'remote', { controlPlane: 'cp' }));
    const results = run(check, { registry: reg, cluster: 'cp', clusters: { cp: { objects: [remoteSecret('r1', 'https://r1:6443')] } } });
    expect(statuses(results)).toEqual(['fail']);
    expect(results[0]!.summary).toContain('istiod in cp cannot discover r2 (remote)');
    expect(statuses(run(check, { registry: reg, cluster: 'r1', clusters: { r1: { objects: [] } } }))).toEqual(['skipped']);
  });

  it('accepts istio-kubeconfig as the external control plane\'s access to its config cluster', () => {
    const reg = registry(cl('cp', 'control-plane'), cl('r1', 'remote', { controlPlane: 'cp' }), cl('r2', 'remote', { controlPlane: 'cp' }));
    const objects = [remoteSecret('r2', 'https://r2:6443'), secret('istio-kubeconfig', { stringData: { config: kubeconfig('r1', 'https://r1:6443') } })];
    const results = run(check, { registry: reg, cluster: 'cp', clusters: { cp: { objects } } });
    expect(statuses(results)).toEqual(['pass']);
    expect(results[0]!.summary).toBe('istiod in cp has remote secrets for r2 (istio-remote-secret-r2, https://r2:6443), r1 (istio-kubeconfig, config cluster)');
  });

  it('warns, not fails, on a key naming an unregistered cluster when nothing is missing', () => {
    const objects = [remoteSecret('cluster2', SERVERS.cluster2), remoteSecret('legacy', 'https://legacy:6443')];
    const results = run(check, { registry: MULTI, cluster: 'cluster1', clusters: { cluster1: { objects } } });
    expect(statuses(results)).toEqual(['warn']);
    expect(results[0]!.summary).toContain('keyed by legacy, which is not a registered cluster (register it in clusters.yaml if it is part of this mesh)');
  });

  it('passes with the servers it verified, and skips a single-cluster mesh', () => {
    const results = run(check, { registry: MULTI, cluster: 'cluster1', clusters: { cluster1: { objects: [remoteSecret('cluster2', SERVERS.cluster2)] } }, apiServers: SERVERS });
    expect(statuses(results)).toEqual(['pass']);
    expect(results[0]!.summary).toBe(`istiod in cluster1 has remote secrets for cluster2 (istio-remote-secret-cluster2, ${SERVERS.cluster2})`);
    expect(statuses(run(check, { registry: registry(cl('solo', 'primary')), cluster: 'solo', clusters: { solo: { objects: [] } } }))).toEqual(['skipped']);
  });
});
