// ClusterIP Services with protocol-named ports, and the Endpoints and EndpointSlices the
// controllers would derive from their ready pods.

import type { K8sObject } from '../../domain/k8s-object.ts';
import { at, type BuildContext, MAX_ENDPOINTS_PER_SLICE, T } from './context.ts';
import { serviceLabels } from './labels.ts';
import type { PodPlan, ServicePlan } from './plan.ts';

function servicePods(svc: ServicePlan): PodPlan[] {
  return svc.deployments.flatMap((d) => d.pods);
}

function targetRef(svc: ServicePlan, pod: PodPlan) {
  return { kind: 'Pod', name: pod.name, namespace: svc.namespace, uid: pod.uid };
}

export function serviceObject(svc: ServicePlan, ctx: BuildContext): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: svc.name,
      namespace: svc.namespace,
      uid: svc.uid,
      creationTimestamp: at(ctx, T.deployment),
      labels: serviceLabels(svc),
    },
    spec: {
      type: 'ClusterIP',
      clusterIP: svc.clusterIP,
      clusterIPs: [svc.clusterIP],
      internalTrafficPolicy: 'Cluster',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      ports: svc.ports.map((p) => ({ name: p.name, port: p.port, protocol: 'TCP', targetPort: p.containerPortName })),
      selector: { app: svc.name },
      sessionAffinity: 'None',
    },
    status: { loadBalancer: {} },
  };
}

export function endpointsObject(svc: ServicePlan, ctx: BuildContext): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: {
      name: svc.name,
      namespace: svc.namespace,
      uid: svc.endpointsUid,
      creationTimestamp: at(ctx, T.deployment),
      labels: serviceLabels(svc),
      annotations: { 'endpoints.kubernetes.io/last-change-trigger-time': at(ctx, T.podReady) },
    },
    subsets: [
      {
        addresses: servicePods(svc).map((pod) => ({ ip: pod.ip, nodeName: pod.node.name, targetRef: targetRef(svc, pod) })),
        ports: svc.ports.map((p) => ({ name: p.name, port: p.targetPort, protocol: 'TCP' })),
      },
    ],
  };
}

export function endpointSliceObjects(svc: ServicePlan, ctx: BuildContext): K8sObject[] {
  const pods = servicePods(svc);
  return svc.slices.map((slice, i) => ({
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: slice.name,
      generateName: `${svc.name}-`,
      namespace: svc.namespace,
      uid: slice.uid,
      generation: 1,
      creationTimestamp: at(ctx, T.deployment),
      labels: {
        ...serviceLabels(svc),
        'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
        'kubernetes.io/service-name': svc.name,
      },
      annotations: { 'endpoints.kubernetes.io/last-change-trigger-time': at(ctx, T.podReady) },
      ownerReferences: [
        { apiVersion: 'v1', kind: 'Service', name: svc.name, uid: svc.uid, controller: true, blockOwnerDeletion: true },
      ],
    },
    addressType: 'IPv4',
    endpoints: pods.slice(i * MAX_ENDPOINTS_PER_SLICE, (i + 1) * MAX_ENDPOINTS_PER_SLICE).map((pod) => ({
      addresses: [pod.ip],
      conditions: { ready: true, serving: true, terminating: false },
      nodeName: pod.node.name,
      targetRef: targetRef(svc, pod),
      zone: pod.node.zone,
    })),
    ports: svc.ports.map((p) => ({ name: p.name, port: p.targetPort, protocol: 'TCP' })),
  }));
}
