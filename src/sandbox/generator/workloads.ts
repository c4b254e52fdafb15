// Deployments and their ReplicaSets, fully rolled out.

import type { K8sObject } from '../../domain/k8s-object.ts';
import { appContainer } from './containers.ts';
import { at, type BuildContext, T } from './context.ts';
import { workloadLabels } from './labels.ts';
import type { DeploymentPlan, ServicePlan } from './plan.ts';

function podTemplate(svc: ServicePlan, deploy: DeploymentPlan, labels: Record<string, string>) {
  return {
    metadata: { labels },
    spec: {
      containers: [appContainer(svc, deploy)],
      dnsPolicy: 'ClusterFirst',
      restartPolicy: 'Always',
      schedulerName: 'default-scheduler',
      securityContext: {},
      serviceAccountName: 'default',
      terminationGracePeriodSeconds: 30,
    },
  };
}

function replicaCounts(replicas: number) {
  return { replicas, readyReplicas: replicas, availableReplicas: replicas };
}

export function deploymentObject(svc: ServicePlan, deploy: DeploymentPlan, ctx: BuildContext): K8sObject {
  const labels = workloadLabels(svc, deploy);
  const replicas = deploy.pods.length;
  const time = at(ctx, T.deployment);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: deploy.name,
      namespace: svc.namespace,
      uid: deploy.uid,
      generation: 1,
      creationTimestamp: time,
      labels,
      annotations: { 'deployment.kubernetes.io/revision': '1' },
    },
    spec: {
      replicas,
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      selector: { matchLabels: { ...labels } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: podTemplate(svc, deploy, { ...labels }),
    },
    status: {
      observedGeneration: 1,
      ...replicaCounts(replicas),
      updatedReplicas: replicas,
      conditions: [
        {
          type: 'Available',
          status: 'True',
          reason: 'MinimumReplicasAvailable',
          message: 'Deployment has minimum availability.',
          lastTransitionTime: at(ctx, T.podReady),
          lastUpdateTime: at(ctx, T.podReady),
        },
        {
          type: 'Progressing',
          status: 'True',
          reason: 'NewReplicaSetAvailable',
          message: `ReplicaSet "${deploy.replicaSetName}" has successfully progressed.`,
          lastTransitionTime: time,
          lastUpdateTime: at(ctx, T.podReady),
        },
      ],
    },
  };
}

export function replicaSetObject(svc: ServicePlan, deploy: DeploymentPlan, ctx: BuildContext): K8sObject {
  const labels = { ...workloadLabels(svc, deploy), 'pod-template-hash': deploy.templateHash };
  const replicas = deploy.pods.length;
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: deploy.replicaSetName,
      namespace: svc.namespace,
      uid: deploy.replicaSetUid,
      generation: 1,
      creationTimestamp: at(ctx, T.replicaSet),
      labels,
      annotations: {
        'deployment.kubernetes.io/desired-replicas': String(replicas),
        'deployment.kubernetes.io/max-replicas': String(replicas + Math.ceil(replicas / 4)),
        'deployment.kubernetes.io/revision': '1',
      },
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'Deployment', name: deploy.name, uid: deploy.uid, controller: true, blockOwnerDeletion: true },
      ],
    },
    spec: {
      replicas,
      selector: { matchLabels: { ...labels } },
      template: podTemplate(svc, deploy, { ...labels }),
    },
    status: { observedGeneration: 1, ...replicaCounts(replicas), fullyLabeledReplicas: replicas },
  };
}
