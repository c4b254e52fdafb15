// Sandbox clusters for k8s, engine and CLI tests: tiny inline ClusterSpecs served by the real
// sandbox API server, and the registry it writes.

import type { K8sObject } from '../../src/domain/k8s-object.ts';
import type { ClusterSpec, ContainerLog } from '../../src/sandbox/cluster-spec.ts';

export const DEFAULT_K8S = { timeoutMs: 10_000, concurrency: 6, callBudget: 2_000 };

export function pod(namespace: string, name: string, opts: { labels?: Record<string, string>; containers?: string[] } = {}): K8sObject {
  const containers = opts.containers ?? ['app'];
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { namespace, name, labels: opts.labels ?? { app: name } },
    spec: { containers: containers.map((c) => ({ name: c, image: `example/${c}:1` })) },
    status: {
      phase: 'Running',
      podIP: '10.0.0.1',
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: containers.map((c) => ({ name: c, ready: true, restartCount: 0, state: { running: {} } })),
    },
  };
}

export function namespace(name: string): K8sObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name }, status: { phase: 'Active' } };
}

export function service(ns: string, name: string): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { namespace: ns, name },
    spec: { selector: { app: name }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
  };
}

export function deployment(ns: string, name: string): K8sObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { namespace: ns, name, labels: { app: name } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: 'example/app:1' }] } },
    },
  };
}

export function clusterSpec(name: string, objects: K8sObject[], extra: Partial<ClusterSpec> = {}): ClusterSpec {
  return {
    name,
    mesh: 'test-mesh',
    role: 'primary',
    expectFail: [],
    objects: [namespace('default'), namespace('istio-system'), ...objects],
    logs: [] as ContainerLog[],
    ...extra,
  };
}
