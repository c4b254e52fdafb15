// Running, Ready pods as the Istio injector leaves them: app container plus istio-proxy, a
// completed istio-init, and the labels and annotations injection adds.

import type { K8sObject } from '../../domain/k8s-object.ts';
import {
  appContainer,
  injectedVolumes,
  istioInitContainer,
  istioProxyContainer,
  SIDECAR_STATUS_ANNOTATION,
} from './containers.ts';
import { at, type BuildContext, PROXY_IMAGE, T } from './context.ts';
import { workloadLabels } from './labels.ts';
import type { DeploymentPlan, PodPlan, ServicePlan } from './plan.ts';

function podLabels(svc: ServicePlan, deploy: DeploymentPlan, ctx: BuildContext): Record<string, string> {
  const labels: Record<string, string> = {
    ...workloadLabels(svc, deploy),
    'pod-template-hash': deploy.templateHash,
    'security.istio.io/tlsMode': 'istio',
    'service.istio.io/canonical-name': svc.name,
    'service.istio.io/canonical-revision': deploy.version,
  };
  if (ctx.network) labels['topology.istio.io/network'] = ctx.network;
  return labels;
}

function podAnnotations(svc: ServicePlan): Record<string, string> {
  return {
    'istio.io/rev': 'default',
    'kubectl.kubernetes.io/default-container': svc.name,
    'kubectl.kubernetes.io/default-logs-container': svc.name,
    'prometheus.io/path': '/stats/prometheus',
    'prometheus.io/port': '15020',
    'prometheus.io/scrape': 'true',
    'sidecar.istio.io/status': SIDECAR_STATUS_ANNOTATION,
  };
}

// Container slots, so that each container of a pod gets its own stable id.
const SLOT = { init: 1, app: 2, proxy: 3 } as const;

function containerId(pod: PodPlan, slot: number): string {
  // Real ids are 64 hex characters; these are unique per pod uid and slot.
  return `containerd://${pod.uid.replaceAll('-', '')}${String(slot).padStart(32, '0')}`;
}

function runningStatus(pod: PodPlan, name: string, image: string, slot: number, ctx: BuildContext) {
  return {
    name,
    image,
    imageID: `${image.split(':')[0]}@sha256:${pod.node.uid.replaceAll('-', '').padEnd(64, '0')}`,
    containerID: containerId(pod, slot),
    ready: true,
    started: true,
    restartCount: 0,
    lastState: {},
    state: { running: { startedAt: at(ctx, T.containersStarted) } },
  };
}

function podStatus(svc: ServicePlan, deploy: DeploymentPlan, pod: PodPlan, ctx: BuildContext) {
  const cond = (type: string, seconds: number) => ({ type, status: 'True', lastProbeTime: null, lastTransitionTime: at(ctx, seconds) });
  return {
    phase: 'Running',
    qosClass: 'Burstable',
    hostIP: pod.node.ip,
    hostIPs: [{ ip: pod.node.ip }],
    podIP: pod.ip,
    podIPs: [{ ip: pod.ip }],
    startTime: at(ctx, T.podScheduled),
    conditions: [
      cond('PodReadyToStartContainers', T.initStarted),
      cond('Initialized', T.initFinished),
      cond('Ready', T.podReady),
      cond('ContainersReady', T.podReady),
      cond('PodScheduled', T.podScheduled),
    ],
    initContainerStatuses: [
      {
        name: 'istio-init',
        image: PROXY_IMAGE,
        imageID: `docker.io/istio/proxyv2@sha256:${pod.node.uid.replaceAll('-', '').padEnd(64, '1')}`,
        containerID: containerId(pod, SLOT.init),
        ready: true,
        started: false,
        restartCount: 0,
        lastState: {},
        state: {
          terminated: {
            exitCode: 0,
            reason: 'Completed',
            startedAt: at(ctx, T.initStarted),
            finishedAt: at(ctx, T.initFinished),
            containerID: containerId(pod, SLOT.init),
          },
        },
      },
    ],
    containerStatuses: [
      runningStatus(pod, svc.name, deploy.image, SLOT.app, ctx),
      runningStatus(pod, 'istio-proxy', PROXY_IMAGE, SLOT.proxy, ctx),
    ],
  };
}

export function podObject(svc: ServicePlan, deploy: DeploymentPlan, pod: PodPlan, ctx: BuildContext): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: pod.name,
      generateName: `${deploy.replicaSetName}-`,
      namespace: svc.namespace,
      uid: pod.uid,
      creationTimestamp: at(ctx, T.podCreated),
      labels: podLabels(svc, deploy, ctx),
      annotations: podAnnotations(svc),
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: deploy.replicaSetName,
          uid: deploy.replicaSetUid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: {
      nodeName: pod.node.name,
      serviceAccountName: 'default',
      serviceAccount: 'default',
      initContainers: [istioInitContainer()],
      containers: [appContainer(svc, deploy), istioProxyContainer(svc, deploy, ctx)],
      volumes: injectedVolumes(),
      dnsPolicy: 'ClusterFirst',
      enableServiceLinks: true,
      preemptionPolicy: 'PreemptLowerPriority',
      priority: 0,
      restartPolicy: 'Always',
      schedulerName: 'default-scheduler',
      securityContext: {},
      terminationGracePeriodSeconds: 30,
      tolerations: [
        { effect: 'NoExecute', key: 'node.kubernetes.io/not-ready', operator: 'Exists', tolerationSeconds: 300 },
        { effect: 'NoExecute', key: 'node.kubernetes.io/unreachable', operator: 'Exists', tolerationSeconds: 300 },
      ],
    },
    status: podStatus(svc, deploy, pod, ctx),
  };
}
