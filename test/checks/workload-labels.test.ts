import { describe, expect, it } from 'vitest';
import { check } from '../../src/checks/workload-labels.ts';
import { deployment, destinationRule, pod, runCheck, service, statuses } from './workload-fixtures.ts';

const NS = 'review';

function workload(name: string, labels: Record<string, string>, replicas = 1) {
  const d = deployment(name, { namespace: NS, labels, rsHash: 'abc12' });
  const pods = Array.from({ length: replicas }, (_, i) =>
    pod(`${name}-abc12-${i}`, { namespace: NS, labels: { ...labels, 'pod-template-hash': 'abc12', 'service.istio.io/canonical-name': name, 'service.istio.io/canonical-revision': 'latest' }, replicaSet: d.rsName }),
  );
  return [d.deployment, d.replicaSet, ...pods];
}

describe('workload-labels', () => {
  it('warns once, grouped by Deployment, naming the missing labels (the injector canonical labels do not count)', () => {
    const results = runCheck(check, [...workload('review', { app: 'review' }, 3), ...workload('mysql', {}), ...workload('rating-v1', { app: 'rating', version: 'v1' })]);
    expect(statuses(results)).toEqual(['warn']);
    expect(results[0]?.severity).toBeUndefined();
    expect(results[0]?.summary).toBe(
      "2 meshed workloads lack Istio's app/version labels, so telemetry shows them as unknown/latest and version subsets cannot select them: deployment review/review (no version), deployment review/mysql (no app, no version)",
    );
    expect(results[0]?.evidence).toEqual([
      { cluster: 'test-east', kind: 'Pod', namespace: NS, name: 'review-abc12-0', field: 'metadata.labels', value: 'app=review' },
      { cluster: 'test-east', kind: 'Pod', namespace: NS, name: 'mysql-abc12-0', field: 'metadata.labels', value: '(none)' },
    ]);
  });

  it('names the DestinationRule subset that selects on the missing label (seed 003) at medium severity, apart from the rest', () => {
    const results = runCheck(check, [
      ...workload('review', { app: 'review' }),
      ...workload('mysql', {}),
      service('review', { namespace: NS }),
      destinationRule('review', 'review.review.svc.cluster.local', [{ name: 'v1', labels: { version: 'v1' } }], NS),
    ]);
    expect(statuses(results)).toEqual(['warn', 'warn']);
    expect(results[0]?.severity).toBe('medium');
    expect(results[0]?.summary).toBe(
      'Pods of deployment review/review have no `version` label, which DestinationRule review/review subset v1 (version=v1) selects on: that subset cannot reach them (subset-no-endpoints tells whether traffic breaks); add the label to the pod template',
    );
    expect(results[0]?.evidence).toEqual([{ cluster: 'test-east', kind: 'Pod', namespace: NS, name: 'review-abc12-0', field: 'metadata.labels', value: 'app=review' }]);
    expect(results[1]?.summary).toContain('1 meshed workload lacks');
    expect(results[1]?.summary).toContain('deployment review/mysql (no app, no version)');
  });

  it('accepts the app.kubernetes.io labels and passes', () => {
    const results = runCheck(check, workload('shop', { 'app.kubernetes.io/name': 'shop', 'app.kubernetes.io/version': '2.1' }));
    expect(results).toEqual([{ status: 'pass', summary: 'The only meshed workload carries app and version labels (deployment review/shop)', evidence: [] }]);
  });

  it('ignores pods without a sidecar, gateways and system namespaces', () => {
    const results = runCheck(check, [
      pod('plain', { namespace: NS, sidecar: false }),
      pod('istio-ingressgateway-1', { namespace: 'gateways', labels: { istio: 'ingressgateway' } }),
      pod('coredns-1', { namespace: 'kube-system' }),
    ]);
    expect(results).toEqual([{ status: 'skipped', summary: 'No meshed workload pods outside the system namespaces' }]);
  });
});
