import { describe, expect, it } from 'vitest';
import { check } from '../../src/checks/sidecar-injection.ts';
import type { K8sObject } from '../../src/domain/k8s-object.ts';
import { ago, deployment, namespace, pod, runCheck, statuses } from './workload-fixtures.ts';

function injector(name = 'istio-sidecar-injector', o: { rev?: string; created?: string } = {}): K8sObject {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: { name, creationTimestamp: o.created ?? ago(600), labels: { app: 'sidecar-injector', 'istio.io/rev': o.rev ?? 'default' } },
    webhooks: [
      {
        name: 'namespace.sidecar-injector.istio.io',
        failurePolicy: 'Fail',
        namespaceSelector: { matchLabels: { 'istio-injection': 'enabled' } },
        clientConfig: { service: { name: 'istiod', namespace: 'istio-system', path: '/inject' } },
      },
    ],
  };
}

const shop = namespace('shop', { 'istio-injection': 'enabled' });
const web = deployment('web', { namespace: 'shop' });

describe('sidecar-injection', () => {
  it('fails per owning workload when pods created after the webhook lack istio-proxy', () => {
    const objects = [
      shop,
      injector(),
      web.deployment,
      web.replicaSet,
      pod('web-1', { namespace: 'shop', replicaSet: web.rsName, sidecar: false, created: ago(30) }),
      pod('web-2', { namespace: 'shop', replicaSet: web.rsName, sidecar: false, created: ago(30) }),
      pod('api-1', { namespace: 'shop', created: ago(30) }),
    ];
    const results = runCheck(check, objects);
    expect(statuses(results)).toEqual(['fail']);
    expect(results[0]?.summary).toBe(
      "2 pods of deployment shop/web run without istio-proxy although istio-injection=enabled asks for injection and the injector webhook existed when they were created: injection failed (the webhook's failurePolicy may hide errors) or the label came later; fix the injector, then restart them",
    );
    expect(results[0]?.evidence).toContainEqual({ cluster: 'test-east', kind: 'Pod', namespace: 'shop', name: 'web-1', field: 'spec.containers', value: 'app' });
    expect(results[0]?.evidence).toContainEqual({ cluster: 'test-east', kind: 'Namespace', name: 'shop', field: 'metadata.labels', value: 'istio-injection=enabled' });
  });

  it('warns only when the pods predate the injector webhook', () => {
    const [r] = runCheck(check, [shop, injector(), pod('old-1', { namespace: 'shop', sidecar: false, created: ago(900) })]);
    expect(r?.status).toBe('warn');
    expect(r?.summary).toContain('created before the injector webhook existed; restart them');
  });

  it('skips opted-out, hostNetwork and finished pods, and ambient pods, and passes', () => {
    const results = runCheck(check, [
      shop,
      injector(),
      pod('job-1', { namespace: 'shop', sidecar: false, phase: 'Succeeded' }),
      pod('node-agent', { namespace: 'shop', sidecar: false, hostNetwork: true }),
      pod('legacy', { namespace: 'shop', sidecar: false, labels: { 'sidecar.istio.io/inject': 'false' } }),
      pod('annotated', { namespace: 'shop', sidecar: false, annotations: { 'sidecar.istio.io/inject': 'False' } }),
      pod('ztunnel-captured', { namespace: 'shop', sidecar: false, annotations: { 'ambient.istio.io/redirection': 'enabled' } }),
      pod('api-1', { namespace: 'shop' }),
    ]);
    expect(results).toEqual([
      { status: 'pass', summary: 'The only pod expected to be injected runs istio-proxy, in shop (5 pods opted out, on the host network or finished)', evidence: [] },
    ]);
  });

  it('fails when a namespace names a revision no webhook serves', () => {
    const canary = namespace('canary-apps', { 'istio.io/rev': '1-23-0' });
    const results = runCheck(check, [canary, injector('istio-sidecar-injector-1-22-1', { rev: '1-22-1' }), pod('a', { namespace: 'canary-apps' })]);
    expect(statuses(results)).toEqual(['fail']);
    expect(results[0]?.summary).toBe(
      'Namespace canary-apps is labelled istio.io/rev=1-23-0, but no injector webhook serves revision 1-23-0 (served: 1-22-1): its new pods start without a sidecar',
    );
  });

  it('lets istio-injection=disabled win over istio.io/rev, as the webhooks do', () => {
    const both = namespace('both', { 'istio-injection': 'disabled', 'istio.io/rev': 'canary' });
    expect(runCheck(check, [both, injector(), pod('x', { namespace: 'both', sidecar: false })])).toEqual([
      { status: 'skipped', summary: 'No namespace is labelled for sidecar injection and no pod asks for it' },
    ]);
  });

  it('fails when pods ask for injection but the cluster has no injector webhook', () => {
    const [r] = runCheck(check, [namespace('plain'), pod('p', { namespace: 'plain', sidecar: false, labels: { 'sidecar.istio.io/inject': 'true' } })]);
    expect(r?.status).toBe('fail');
    expect(r?.summary).toContain('this cluster has no Istio sidecar injector webhook');
  });
});
