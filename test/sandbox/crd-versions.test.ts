// A cluster running an older Istio serves its kinds only in the versions its CRDs declare: the
// sandbox must not answer `networking.istio.io/v1` there, or clients that only work against new
// meshes would pass our tests and fail in the field.

import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { K8sObject } from '../../src/domain/k8s-object.ts';
import { type Sandbox, startSandbox } from '../../src/sandbox/sandbox.ts';
import { httpsRequest } from './https.ts';

function crd(versions: string[]): K8sObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'destinationrules.networking.istio.io' },
    spec: {
      group: 'networking.istio.io',
      names: { kind: 'DestinationRule', listKind: 'DestinationRuleList', plural: 'destinationrules', singular: 'destinationrule', shortNames: ['dr'] },
      scope: 'Namespaced',
      versions: versions.map((name, i) => ({ name, served: true, storage: i === 0, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } })),
    },
  };
}

const rule: K8sObject = {
  apiVersion: 'networking.istio.io/v1beta1',
  kind: 'DestinationRule',
  metadata: { namespace: 'review', name: 'review' },
  spec: { host: 'review', subsets: [{ name: 'v1', labels: { version: 'v1' } }] },
};

let sandbox: Sandbox;
let ca: string;

beforeAll(async () => {
  const base = { mesh: 'm', role: 'primary' as const, expectFail: [], logs: [] };
  sandbox = await startSandbox({
    clusters: [
      { ...base, name: 'istio-111', objects: [crd(['v1beta1', 'v1alpha3']), rule] },
      { ...base, name: 'istio-122', objects: [crd(['v1', 'v1beta1', 'v1alpha3']), rule] },
    ],
  });
  ca = readFileSync(sandbox.caPath, 'utf8');
});

afterAll(async () => {
  await sandbox?.stop();
});

async function list(cluster: string, version: string): Promise<{ status: number; apiVersion?: string; reason?: string }> {
  const c = sandbox.cluster(cluster);
  const res = await httpsRequest(`${c.url}/apis/networking.istio.io/${version}/destinationrules`, ca, { token: c.token });
  const body = JSON.parse(res.body) as { items?: K8sObject[]; reason?: string };
  return { status: res.status, apiVersion: body.items?.[0]?.apiVersion, reason: body.reason };
}

describe('Istio kinds follow the versions their CRD serves', () => {
  it('an Istio 1.11-style cluster answers v1beta1 and has no v1', async () => {
    expect(await list('istio-111', 'v1beta1')).toEqual({ status: 200, apiVersion: 'networking.istio.io/v1beta1', reason: undefined });
    expect(await list('istio-111', 'v1')).toMatchObject({ status: 404, reason: 'NotFound' });
  });

  it('a current cluster serves the same object as v1 too', async () => {
    expect(await list('istio-122', 'v1')).toEqual({ status: 200, apiVersion: 'networking.istio.io/v1', reason: undefined });
  });
});
