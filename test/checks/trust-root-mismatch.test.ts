import { X509Certificate } from 'node:crypto';
import { generate } from 'selfsigned';
import { beforeAll, describe, expect, it } from 'vitest';
import { check } from '../../src/checks/trust-root-mismatch.ts';
import { cl, type ClusterInput, configMap, evidenceText, registry, run, secret, statuses } from './mesh-fixtures.ts';

let rootA: string;
let rootB: string;
let fpA: string;
let fpB: string;
const short = (fp: string) => fp.split(':').slice(0, 4).join(':');

beforeAll(async () => {
  rootA = (await generate([{ name: 'commonName', value: 'Root CA A' }], { keySize: 2048, algorithm: 'sha256' })).cert;
  rootB = (await generate([{ name: 'commonName', value: 'Root CA B' }], { keySize: 2048, algorithm: 'sha256' })).cert;
  fpA = new X509Certificate(rootA).fingerprint256;
  fpB = new X509Certificate(rootB).fingerprint256;
});

const MULTI = registry(cl('cluster1', 'primary', { network: 'network1' }), cl('cluster2', 'primary', { network: 'network2' }));

function primary(cacertsRoot: string | undefined, distributed: string | undefined, extra: ClusterInput['objects'] = []): ClusterInput {
  return {
    objects: [
      ...(cacertsRoot ? [secret('cacerts', { stringData: { 'root-cert.pem': cacertsRoot, 'ca-key.pem': 'not-a-key' } })] : []),
      ...(distributed ? [configMap('istio-ca-root-cert', 'istio-system', { 'root-cert.pem': distributed })] : []),
      ...extra,
    ],
  };
}

describe('trust-root-mismatch', () => {
  it('fails when the cacerts roots of two primaries differ, naming who holds which (seed 002)', () => {
    const results = run(check, { registry: MULTI, cluster: 'cluster1', clusters: { cluster1: primary(rootA, rootA), cluster2: primary(rootB, rootB) } });
    expect(statuses(results)).toEqual(['fail']);
    expect(results[0]!.summary).toBe(
      `Root CA differs between clusters of mesh ywistio: cluster1 trusts ${short(fpA)} (cacerts); cluster2 trusts ${short(fpB)} (cacerts): ` +
        'mTLS between them fails, so cross-cluster requests get only local endpoints or TLS errors',
    );
    expect(evidenceText(results)).toContain(`cluster2 Secret istio-system cacerts data['root-cert.pem'] sha256 ${fpB}`);
    expect(evidenceText(results)).not.toContain('not-a-key');
  });

  it('passes when the roots match, and compares the distributed root where a cluster has no cacerts', () => {
    const results = run(check, { registry: MULTI, cluster: 'cluster1', clusters: { cluster1: primary(rootA, rootA), cluster2: primary(undefined, rootA) } });
    expect(statuses(results)).toEqual(['pass']);
    expect(results[0]!.summary).toBe(`2 clusters of mesh ywistio share root CA ${short(fpA)} (cluster1: cacerts, cluster2: istio-ca-root-cert)`);
  });

  it('accepts a combined root bundle during a root rotation', () => {
    const results = run(check, { registry: MULTI, cluster: 'cluster1', clusters: { cluster1: primary(undefined, `${rootB}\n${rootA}`), cluster2: primary(rootA, rootA) } });
    expect(statuses(results)).toEqual(['pass']);
  });

  it('fails inside one cluster when istiod distributes another root than the plugged-in cacerts', () => {
    const results = run(check, { registry: registry(cl('solo', 'primary')), cluster: 'solo', clusters: { solo: primary(rootA, rootB) } });
    expect(statuses(results)).toEqual(['fail']);
    expect(results[0]!.summary).toContain(`In solo, istio-system/cacerts holds root ${short(fpA)} but istiod distributes ${short(fpB)}`);
    expect(results[0]!.summary).toContain('restart it after changing cacerts');
  });

  it('fails on namespaces holding a stale root', () => {
    const stale = [configMap('istio-ca-root-cert', 'shop', { 'root-cert.pem': rootB }), configMap('istio-ca-root-cert', 'cart', { 'root-cert.pem': rootA })];
    const results = run(check, { registry: registry(cl('solo', 'primary')), cluster: 'solo', clusters: { solo: primary(undefined, rootA, stale) } });
    expect(statuses(results)).toEqual(['fail']);
    expect(results[0]!.summary).toContain(`istio-ca-root-cert in namespace shop holds root ${short(fpB)}, not the mesh root ${short(fpA)}`);
    expect(evidenceText(results)).toContain('solo ConfigMap shop istio-ca-root-cert');
  });

  it('hosted mesh: ignores the control-plane cluster\'s own ConfigMaps but compares remotes', () => {
    const reg = registry(cl('cp', 'control-plane'), cl('r1', 'remote', { controlPlane: 'cp' }), cl('r2', 'remote', { controlPlane: 'cp' }));
    const cp = primary(undefined, rootB); // the control-plane cluster's own istiod root: not the mesh's
    const ok = run(check, { registry: reg, cluster: 'r1', clusters: { cp, r1: primary(undefined, rootA), r2: primary(undefined, rootA) } });
    expect(statuses(ok)).toEqual(['pass']);
    expect(ok[0]!.summary).toContain('no root visible in cp');
    const bad = run(check, { registry: reg, cluster: 'r1', clusters: { cp, r1: primary(undefined, rootA), r2: primary(undefined, rootB) } });
    expect(statuses(bad)).toEqual(['fail']);
    expect(bad[0]!.summary).toContain(`r2 trusts ${short(fpB)} (istio-ca-root-cert)`);
  });

  it('reports an unreadable peer as an error beside the verdict on the others', () => {
    const reg = registry(cl('cluster1', 'primary'), cl('cluster2', 'primary'), cl('cluster3', 'primary'));
    const forbidden: ClusterInput = { objects: [], failures: [{ kind: 'secrets', code: 'K8S_FORBIDDEN', message: 'forbidden: needs list on secrets in istio-system' }] };
    const results = run(check, { registry: reg, cluster: 'cluster1', clusters: { cluster1: primary(rootA, rootA), cluster2: primary(rootA, rootA), cluster3: forbidden } });
    expect(statuses(results)).toEqual(['error', 'pass']);
    expect(results[0]!.summary).toContain('the root CA of cluster3: reading cluster cluster3 failed: forbidden: needs list on secrets in istio-system');
  });

  it('skips when no root is visible', () => {
    const results = run(check, { registry: registry(cl('solo', 'primary')), cluster: 'solo', clusters: { solo: { objects: [] } } });
    expect(statuses(results)).toEqual(['skipped']);
  });
});
