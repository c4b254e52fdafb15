import { describe, expect, it } from 'vitest';
import { check } from '../../src/checks/subset-no-endpoints.ts';
import type { K8sObject } from '../../src/domain/k8s-object.ts';
import { buildSnapshot } from '../../src/k8s/build-snapshot.ts';
import {
  cluster,
  context,
  deployment,
  destinationRule,
  endpointSlice,
  namespace,
  pod,
  runCheck,
  service,
  snapshotOf,
  statuses,
  virtualService,
} from './workload-fixtures.ts';

const NS = 'review';

/** Seed 003: review pods carry `app: review` but no `version`; the gateway routes to subset v1. */
function seed(o: { podLabels?: Record<string, string>; ready?: boolean; routed?: boolean; templateLabels?: Record<string, string> } = {}): K8sObject[] {
  const d = deployment('review', { namespace: NS, labels: o.templateLabels ?? { app: 'review' } });
  const labels = o.podLabels ?? { app: 'review', 'pod-template-hash': '58c45f8d7c' };
  return [
    namespace(NS, { 'istio-injection': 'enabled' }),
    d.deployment,
    d.replicaSet,
    pod('review-58c45f8d7c-f45hj', { namespace: NS, labels, replicaSet: d.rsName, ip: '10.233.117.211', ready: o.ready ?? true }),
    service('review', { namespace: NS, ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }] }),
    endpointSlice('review', { namespace: NS, endpoints: [{ ip: '10.233.117.211', ready: o.ready ?? true, pod: 'review-58c45f8d7c-f45hj' }] }),
    destinationRule('review', 'review', [{ name: 'v1', labels: { version: 'v1' } }], NS),
    ...(o.routed === false ? [] : [virtualService('review', [{ host: 'review', subset: 'v1' }], NS, ['istio-system/ingressgateway'])]),
  ];
}

describe('subset-no-endpoints', () => {
  it('fails on seed 003 naming the Envoy cluster, the missing label and the routing VirtualService, and proposes add-subset-label', () => {
    const [r, ...rest] = runCheck(check, seed());
    expect(rest).toEqual([]);
    expect(r?.status).toBe('fail');
    expect(r?.severity).toBe('critical');
    expect(r?.summary).toContain('Subset v1 of DestinationRule review/review selects no ready pod');
    expect(r?.summary).toContain('pods of deployment review/review have no `version` label; subset v1 needs version=v1');
    expect(r?.summary).toContain('VirtualService review/review routes to it');
    expect(r?.summary).toContain('outbound|80|v1|review.review.svc.cluster.local');
    expect(r?.summary).toContain('503 UH');
    expect(r?.evidence).toContainEqual({
      cluster: 'test-east',
      kind: 'Pod',
      namespace: NS,
      name: 'review-58c45f8d7c-f45hj',
      field: 'metadata.labels.version',
      value: '(absent)',
    });
    expect(r?.evidence).toContainEqual(
      expect.objectContaining({ kind: 'DestinationRule', name: 'review', field: 'spec.subsets[0]', value: 'name=v1 labels=version=v1' }),
    );
    expect(r?.evidence).toContainEqual(expect.objectContaining({ kind: 'VirtualService', name: 'review', field: 'spec.http[0].route[0].destination' }));
    expect(r?.remediation).toEqual({
      id: 'add-subset-label',
      target: { cluster: 'test-east', apiVersion: 'apps/v1', kind: 'Deployment', namespace: NS, name: 'review', resourceVersion: '4242' },
      patchType: 'strategic',
      patch: { spec: { template: { metadata: { labels: { version: 'v1' } } } } },
      reason: expect.stringContaining('selector is unchanged'),
    });
  });

  it('warns (not fails) when no VirtualService routes to the empty subset, and says traffic is fine for now', () => {
    const [r] = runCheck(check, seed({ routed: false }));
    expect(r?.status).toBe('warn');
    expect(r?.severity).toBe('low');
    expect(r?.summary).toContain('nothing routes to it yet');
  });

  it('passes when the pods carry the subset label and are ready endpoints', () => {
    const results = runCheck(check, seed({ podLabels: { app: 'review', version: 'v1' }, templateLabels: { app: 'review', version: 'v1' } }));
    expect(statuses(results)).toEqual(['pass']);
    expect(results[0]?.summary).toBe('Every DestinationRule subset selects ready pods: v1 of review/review (1 ready pod)');
  });

  it('fails without a proposal when matching pods exist but the EndpointSlice marks them not ready', () => {
    const [r] = runCheck(check, seed({ podLabels: { app: 'review', version: 'v1' }, ready: false }));
    expect(r?.status).toBe('fail');
    expect(r?.summary).toContain('1 pod matches (review-58c45f8d7c-f45hj) but none is ready');
    expect(r?.remediation).toBeNull();
  });

  it('names the conflicting value and proposes nothing when the pods carry another version', () => {
    const [r] = runCheck(check, seed({ podLabels: { app: 'review', version: 'v2' }, templateLabels: { app: 'review', version: 'v2' } }));
    expect(r?.status).toBe('fail');
    expect(r?.summary).toContain('pods of deployment review/review have version=v2; subset v1 needs version=v1');
    expect(r?.summary).toContain('no safe automatic fix');
    expect(r?.remediation).toBeNull();
  });

  it('proposes nothing when two Deployments stand behind the Service', () => {
    const other = deployment('review-canary', { namespace: NS, labels: { app: 'review' }, rsHash: '7d9f' });
    const objects = [
      ...seed(),
      other.deployment,
      other.replicaSet,
      pod('review-canary-7d9f-abcde', { namespace: NS, labels: { app: 'review' }, replicaSet: other.rsName, ip: '10.233.117.212' }),
    ];
    const [r] = runCheck(check, objects);
    expect(r?.status).toBe('fail');
    expect(r?.summary).toContain('pods of deployment review/review have no `version` label; pods of deployment review/review-canary have no `version` label');
    expect(r?.remediation).toBeNull();
  });

  it('proposes nothing when two empty subsets want different values of the same label from one Deployment', () => {
    const objects = seed().map((o) =>
      o.kind === 'DestinationRule'
        ? destinationRule('review', 'review', [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }], NS)
        : o,
    );
    const results = runCheck(check, objects);
    expect(results.map((r) => `${r.status}: ${r.summary.split(' selects')[0]}`)).toEqual([
      'fail: Subset v1 of DestinationRule review/review',
      'warn: Subset v2 of DestinationRule review/review',
    ]);
    expect(results.every((r) => r.remediation === null)).toBe(true);
  });

  it('does not count look-alike pods of another namespace', () => {
    const objects = [...seed(), pod('review-elsewhere', { namespace: 'staging', labels: { app: 'review', version: 'v1' }, ip: '10.1.1.1' })];
    expect(statuses(runCheck(check, objects))).toEqual(['fail']);
  });

  it('passes when a peer cluster of the mesh serves the subset (endpoints merge across clusters)', () => {
    const peer = snapshotOf([pod('review-v1-west', { namespace: NS, labels: { app: 'review', version: 'v1' }, ip: '10.8.0.4' })], [], 'test-west');
    const ctx = context({ peers: new Map([['test-west', peer]]), others: [cluster('test-west')] });
    const results = runCheck(check, seed(), { ctx });
    expect(statuses(results)).toEqual(['pass']);
    expect(results[0]?.summary).toContain('v1 of review/review (ready pods in cluster test-west)');
  });

  it('still fails when a peer could not be read, and says so', () => {
    const unreachable = buildSnapshot({
      cluster: 'test-west',
      objects: [],
      failures: [{ kind: 'pods', code: 'K8S_UNREACHABLE', message: 'https://10.9.0.1:6443 refused the connection' }],
    });
    const ctx = context({ peers: new Map([['test-west', unreachable]]), others: [cluster('test-west')] });
    const [r] = runCheck(check, seed(), { ctx });
    expect(r?.status).toBe('fail');
    expect(r?.summary).toContain('selects no ready pod here (pods of test-west could not be read)');
  });

  it('flags a `name.namespace` host, which Istio takes literally, and names the FQDN to use', () => {
    const objects = seed().map((o) => (o.kind === 'DestinationRule' ? destinationRule('review', 'review.review', [{ name: 'v1', labels: { version: 'v1' } }], NS) : o));
    const [r] = runCheck(check, objects);
    expect(r?.status).toBe('fail');
    expect(r?.summary).toContain('host `review.review` is neither a short name nor a FQDN');
    expect(r?.summary).toContain('Use host review.review.svc.cluster.local');
  });

  it('resolves a FQDN host from a DestinationRule in another namespace', () => {
    const objects = seed().map((o) =>
      o.kind === 'DestinationRule' ? destinationRule('review-from-gw', 'review.review.svc.cluster.local', [{ name: 'v1', labels: { version: 'v1' } }], 'istio-system') : o,
    );
    const [r] = runCheck(check, objects);
    expect(r?.status).toBe('fail');
    expect(r?.summary).toContain('Subset v1 of DestinationRule istio-system/review-from-gw');
  });

  it('treats a subset without labels as the whole Service (no finding while the Service has ready pods)', () => {
    const objects = seed().map((o) => (o.kind === 'DestinationRule' ? destinationRule('review', 'review', [{ name: 'all' }], NS) : o));
    expect(statuses(runCheck(check, objects))).toEqual(['pass']);
  });

  it('reports a host naming a Service that does not exist', () => {
    const objects = seed().filter((o) => o.kind !== 'Service');
    const [r] = runCheck(check, objects);
    expect(r?.status).toBe('fail');
    expect(r?.summary).toContain('names Service review/review, which does not exist in this cluster');
  });

  it('skips wildcard and external hosts, and clusters without subsets', () => {
    const wildcard = [destinationRule('all', '*.example.com', [{ name: 'v1', labels: { version: 'v1' } }])];
    const [w] = runCheck(check, wildcard);
    expect(w?.status).toBe('skipped');
    expect(w?.summary).toContain('*.example.com (wildcard host)');
    const [none] = runCheck(check, [destinationRule('plain', 'review', [])]);
    expect(none).toEqual({ status: 'skipped', summary: 'No DestinationRule defines subsets in this cluster' });
  });
});
