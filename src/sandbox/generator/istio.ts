// A DestinationRule with one subset per version and a VirtualService splitting traffic between
// them: the routing that makes `subset-no-endpoints` meaningful at scale.

import type { K8sObject } from '../../domain/k8s-object.ts';
import { at, type BuildContext, T } from './context.ts';
import type { ServicePlan } from './plan.ts';

function fqdn(svc: ServicePlan): string {
  return `${svc.name}.${svc.namespace}.svc.cluster.local`;
}

export function destinationRuleObject(svc: ServicePlan, ctx: BuildContext): K8sObject {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata: {
      name: svc.name,
      namespace: svc.namespace,
      uid: svc.destinationRuleUid,
      generation: 1,
      creationTimestamp: at(ctx, T.deployment),
    },
    spec: {
      host: fqdn(svc),
      trafficPolicy: { connectionPool: { http: { http1MaxPendingRequests: 1024 } } },
      subsets: svc.deployments.map((d) => ({ name: d.version, labels: { version: d.version } })),
    },
  };
}

function routeWeights(svc: ServicePlan): number[] {
  if (svc.deployments.length === 1) return [100];
  return [svc.v1Weight, 100 - svc.v1Weight];
}

export function virtualServiceObject(svc: ServicePlan, ctx: BuildContext): K8sObject {
  const weights = routeWeights(svc);
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: {
      name: svc.name,
      namespace: svc.namespace,
      uid: svc.virtualServiceUid,
      generation: 1,
      creationTimestamp: at(ctx, T.deployment),
    },
    spec: {
      hosts: [svc.name],
      http: [
        {
          name: 'default',
          route: svc.deployments.map((d, i) => ({
            destination: { host: fqdn(svc), subset: d.version, port: { number: 80 } },
            weight: weights[i],
          })),
          retries: { attempts: 2, perTryTimeout: '2s', retryOn: 'connect-failure,refused-stream,unavailable' },
        },
      ],
    },
  };
}
