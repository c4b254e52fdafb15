import { describe, expect, it } from 'vitest';
import { check } from '../../src/checks/gateway-crd-conflict.ts';
import type { K8sObject } from '../../src/domain/k8s-object.ts';
import { runCheck, statuses } from './workload-fixtures.ts';

function crd(plural: string, group: string, kind: string, versions: string[], shortNames: string[] = []): K8sObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      scope: 'Namespaced',
      names: { plural, singular: kind.toLowerCase(), kind, listKind: `${kind}List`, shortNames },
      versions: versions.map((name, i) => ({ name, served: true, storage: i === 0 })),
    },
  };
}

/** Istio before 1.22 served networking.istio.io v1alpha3 and v1beta1 only. */
const ISTIO_OLD = ['v1alpha3', 'v1beta1'];
const istioGateway: K8sObject = {
  apiVersion: 'networking.istio.io/v1beta1',
  kind: 'Gateway',
  metadata: { name: 'review-gateway', namespace: 'review' },
  spec: { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }] },
};
const istio = (versions = ISTIO_OLD) => [
  crd('gateways', 'networking.istio.io', 'Gateway', versions, ['gw']),
  crd('virtualservices', 'networking.istio.io', 'VirtualService', versions, ['vs']),
];

describe('gateway-crd-conflict', () => {
  it("fails when GKE's networking.x-k8s.io Gateway CRD hides existing Istio Gateways from `kubectl get gateway` (seed 004)", () => {
    const results = runCheck(check, [...istio(), crd('gateways', 'networking.x-k8s.io', 'Gateway', ['v1alpha1'], ['gtw']), istioGateway]);
    expect(statuses(results)).toEqual(['fail']);
    expect(results[0]?.severity).toBe('medium');
    expect(results[0]?.summary).toBe(
      "CRD gateways.networking.x-k8s.io (served v1alpha1) shadows gateways.networking.istio.io: `kubectl get gateway` lists networking.x-k8s.io Gateways and shows none of Istio's although review/review-gateway exist; delete gateways.networking.x-k8s.io if nothing uses it, and always use `kubectl get gateways.networking.istio.io` (or `kubectl get gw`)",
    );
    expect(results[0]?.evidence).toEqual([
      expect.objectContaining({ kind: 'CustomResourceDefinition', name: 'gateways.networking.x-k8s.io', value: 'v1alpha1 (discovery order key v1alpha1.networking.x-k8s.io)' }),
      expect.objectContaining({ name: 'gateways.networking.istio.io', value: 'v1alpha3,v1beta1 (discovery order key v1alpha3.networking.istio.io)' }),
      { cluster: 'test-east', kind: 'Gateway', namespace: 'review', name: 'review-gateway', field: 'apiVersion', value: 'networking.istio.io/v1beta1' },
    ]);
  });

  it('passes when Istio serves v1, which sorts before v1alpha1.networking.x-k8s.io', () => {
    const results = runCheck(check, [...istio(['v1', 'v1beta1', 'v1alpha3']), crd('gateways', 'networking.x-k8s.io', 'Gateway', ['v1alpha1'])]);
    expect(statuses(results)).toEqual(['pass']);
    expect(results[0]?.summary).toContain('`kubectl get gateway` lists Istio Gateways (gateways.networking.istio.io); other gateways CRDs (gateways.networking.x-k8s.io)');
  });

  it('fails (low) when the Kubernetes Gateway API hides Istio Gateways, and passes when there are none to hide', () => {
    const objects = [...istio(['v1', 'v1beta1', 'v1alpha3']), crd('gateways', 'gateway.networking.k8s.io', 'Gateway', ['v1', 'v1beta1'], ['gtw'])];
    const [hidden] = runCheck(check, [...objects, istioGateway]);
    expect(hidden?.status).toBe('fail');
    expect(hidden?.severity).toBe('low');
    expect(hidden?.summary).toContain('`kubectl get gateway` lists Kubernetes Gateway API Gateways and shows none of Istio\'s although review/review-gateway exist; the Gateway API itself is legitimate');
    expect(runCheck(check, objects)).toEqual([
      {
        status: 'pass',
        summary:
          "`kubectl get gateway` lists Kubernetes Gateway API Gateways (gateways.gateway.networking.k8s.io), not Istio's, but this cluster has no Istio Gateway to hide; use `kubectl get gateways.networking.istio.io` (or `kubectl get gw`) for Istio Gateways",
        evidence: expect.any(Array),
      },
    ]);
  });

  it('fails when gateways.networking.istio.io is missing while other Istio networking CRDs exist', () => {
    const [r] = runCheck(check, [crd('virtualservices', 'networking.istio.io', 'VirtualService', ISTIO_OLD)]);
    expect(r?.status).toBe('fail');
    expect(r?.severity).toBe('high');
    expect(r?.summary).toContain('CRD gateways.networking.istio.io is missing although virtualservices.networking.istio.io are installed');
  });

  it('skips clusters without Istio networking CRDs', () => {
    expect(runCheck(check, [crd('gateways', 'gateway.networking.k8s.io', 'Gateway', ['v1'])])).toEqual([
      { status: 'skipped', summary: 'No networking.istio.io CRDs in this cluster (Istio config is kept elsewhere)' },
    ]);
  });
});
