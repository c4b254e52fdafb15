import { describe, expect, it } from 'vitest';
import { check, declaredProtocol } from '../../src/checks/service-port-protocol.ts';
import { namespace, pod, runCheck, service, statuses } from './workload-fixtures.ts';

const meshedNs = namespace('review', { 'istio-injection': 'enabled' });

describe('service-port-protocol', () => {
  it('warns per Service on ports without a protocol prefix or appProtocol in meshed namespaces', () => {
    const results = runCheck(check, [
      meshedNs,
      service('review', { namespace: 'review', ports: [{ name: 'web', port: 80 }, { name: 'http-admin', port: 9000 }, { port: 8443 }] }),
      service('rating', { namespace: 'review', ports: [{ name: 'http', port: 8888 }] }),
    ]);
    expect(statuses(results)).toEqual(['warn']);
    expect(results[0]?.summary).toContain('Service review/review port 80 (name "web"), 8443 (unnamed) declare no protocol Istio knows');
    expect(results[0]?.evidence).toEqual([
      { cluster: 'test-east', kind: 'Service', namespace: 'review', name: 'review', field: 'spec.ports[0]', value: 'name=web port=80' },
      { cluster: 'test-east', kind: 'Service', namespace: 'review', name: 'review', field: 'spec.ports[2]', value: 'name=(none) port=8443' },
    ]);
  });

  it('passes with prefixes, appProtocol, UDP and well-known ports, and counts what it verified', () => {
    const results = runCheck(check, [
      meshedNs,
      service('all', {
        namespace: 'review',
        ports: [
          { name: 'grpc-web-ui', port: 8080 },
          { name: 'HTTP2-x', port: 81 },
          { name: 'db', port: 3306 },
          { name: 'dns', port: 5353, protocol: 'UDP' },
          { name: 'metrics', port: 9090, appProtocol: 'http' },
          { name: 'ws', port: 7000, appProtocol: 'kubernetes.io/ws' },
        ],
      }),
    ]);
    expect(results).toEqual([{ status: 'pass', summary: 'All 6 ports of 1 Service in meshed namespaces declare a protocol', evidence: [] }]);
  });

  it('flags an appProtocol Istio does not know even when the name has a prefix (appProtocol wins)', () => {
    expect(declaredProtocol({ name: 'http-web', port: 80, appProtocol: 'example.com/custom' })).toBeUndefined();
    expect(declaredProtocol({ name: 'httpfoo', port: 80 })).toBeUndefined();
    expect(declaredProtocol({ name: 'tcp', port: 80 })).toBe('tcp');
  });

  it('skips unmeshed and system namespaces and Istio control-plane Services', () => {
    const results = runCheck(check, [
      namespace('plain'),
      service('web', { namespace: 'plain', ports: [{ name: 'web', port: 80 }] }),
      service('kube-dns', { namespace: 'kube-system', ports: [{ name: 'dns', port: 5353 }] }),
      service('gw', { namespace: 'gateways', labels: { istio: 'ingressgateway' }, ports: [{ name: 'status', port: 15021 }] }),
      pod('gw-1', { namespace: 'gateways' }),
    ]);
    expect(results).toEqual([{ status: 'skipped', summary: 'No Services in meshed namespaces (outside the system namespaces)' }]);
  });

  it('treats a namespace as meshed when its pods carry sidecars, even without the label', () => {
    const results = runCheck(check, [namespace('legacy'), pod('a', { namespace: 'legacy' }), service('a', { namespace: 'legacy', ports: [{ name: 'web', port: 80 }] })]);
    expect(statuses(results)).toEqual(['warn']);
  });
});
