// Application namespaces: labelled for injection, each with the root-cert ConfigMap istiod
// publishes and the `default` ServiceAccount Kubernetes creates.

import type { K8sObject } from '../../domain/k8s-object.ts';
import { at, type BuildContext, T } from './context.ts';
import type { NamespacePlan } from './plan.ts';

export function namespaceObjects(ns: NamespacePlan, ctx: BuildContext): K8sObject[] {
  const created = at(ctx, T.namespace);
  return [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: ns.name,
        uid: ns.uid,
        creationTimestamp: created,
        labels: { 'istio-injection': 'enabled', 'kubernetes.io/metadata.name': ns.name },
      },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'istio-ca-root-cert',
        namespace: ns.name,
        uid: ns.configMapUid,
        creationTimestamp: created,
        labels: { 'istio.io/config': 'true' },
      },
      data: { 'root-cert.pem': ctx.rootCertPem },
    },
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'default', namespace: ns.name, uid: ns.serviceAccountUid, creationTimestamp: created },
    },
  ];
}
