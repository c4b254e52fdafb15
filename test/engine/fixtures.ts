// Small in-memory clusters and fake checks for engine tests.

import type { Check, CheckResult } from '../../src/checks/types.ts';
import type { Registry } from '../../src/domain/cluster.ts';
import type { K8sObject } from '../../src/domain/k8s-object.ts';
import { registryFromSpecs } from '../../src/k8s/snapshot-source.ts';
import type { ClusterSpec } from '../../src/sandbox/cluster-spec.ts';

export function pod(namespace: string, name: string, labels: Record<string, string> = {}): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { namespace, name, uid: `uid-${namespace}-${name}`, labels },
    spec: { containers: [{ name: 'app' }] },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

export function service(namespace: string, name: string): K8sObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { namespace, name, uid: `svc-${namespace}-${name}` }, spec: { ports: [] } };
}

export function spec(name: string, extra: Partial<ClusterSpec> = {}): ClusterSpec {
  return {
    name,
    mesh: 'm',
    role: 'primary',
    expectFail: [],
    objects: [pod('default', `${name}-app`), service('default', 'web')],
    logs: [],
    ...extra,
  };
}

export function registryOf(specs: ClusterSpec[]): Registry {
  return registryFromSpecs(specs);
}

export function fakeCheck(id: string, run: Check['run'], extra: Partial<Check> = {}): Check {
  return {
    id,
    title: `fake ${id}`,
    description: `fake check ${id}`,
    severity: 'high',
    playbook: `pb-${id}`,
    sources: [],
    reads: ['pods'],
    run,
    ...extra,
  };
}

export const results = (...r: CheckResult[]) => () => r;
