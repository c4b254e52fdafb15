// Small, realistic ClusterSpec fixtures for the sandbox API server tests: a workload cluster of a
// hosted mesh (istiod-remote pointing at a pod IP, an unready ingress gateway, a reviews
// Deployment whose pods lack the `version` label a DestinationRule subset needs).

import type { K8sObject } from '../../src/domain/k8s-object.ts';
import type { ClusterSpec, ContainerLog } from '../../src/sandbox/cluster-spec.ts';

export const T0 = '2025-03-01T10:00:00Z';

function ns(name: string, labels: Record<string, string> = {}): K8sObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels, creationTimestamp: T0 }, status: { phase: 'Active' } };
}

const runningContainer = (name: string, image: string, ready = true, restartCount = 0) => ({
  name,
  image,
  ready,
  started: true,
  restartCount,
  state: { running: { startedAt: T0 } },
});

function readyConditions(ready: boolean) {
  return ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({
    type,
    status: ready || type === 'Initialized' || type === 'PodScheduled' ? 'True' : 'False',
    lastTransitionTime: T0,
  }));
}

export function reviewsPod(name: string, ip: string, uid: string): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'bookinfo',
      uid,
      creationTimestamp: T0,
      labels: { app: 'reviews', 'pod-template-hash': '7d9f8c6b5' },
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'reviews-v1-7d9f8c6b5', uid: 'rs-reviews-v1', controller: true, blockOwnerDeletion: true },
      ],
    },
    spec: {
      nodeName: 'node-1',
      initContainers: [{ name: 'istio-init', image: 'docker.io/istio/proxyv2:1.22.3' }],
      containers: [
        { name: 'reviews', image: 'docker.io/istio/examples-bookinfo-reviews-v1:1.20.2', ports: [{ name: 'http', containerPort: 9080 }] },
        { name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.22.3', ports: [{ name: 'http-envoy-prom', containerPort: 15090 }] },
      ],
    },
    status: {
      phase: 'Running',
      hostIP: '192.168.10.11',
      podIP: ip,
      podIPs: [{ ip }],
      conditions: readyConditions(true),
      initContainerStatuses: [
        { name: 'istio-init', image: 'docker.io/istio/proxyv2:1.22.3', ready: true, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } },
      ],
      containerStatuses: [
        runningContainer('istio-proxy', 'docker.io/istio/proxyv2:1.22.3'),
        runningContainer('reviews', 'docker.io/istio/examples-bookinfo-reviews-v1:1.20.2'),
      ],
    },
  };
}

const crashingGateway: K8sObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'istio-ingressgateway-6b7b8c9d4f-x2x9k',
    namespace: 'istio-system',
    creationTimestamp: T0,
    labels: { app: 'istio-ingressgateway', istio: 'ingressgateway' },
  },
  spec: { nodeName: 'node-1', containers: [{ name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.22.3' }] },
  status: {
    phase: 'Running',
    podIP: '10.244.1.20',
    conditions: readyConditions(false),
    containerStatuses: [
      {
        name: 'istio-proxy',
        image: 'docker.io/istio/proxyv2:1.22.3',
        ready: false,
        started: false,
        restartCount: 7,
        state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s restarting failed container' } },
        lastState: { terminated: { exitCode: 255, reason: 'Error', finishedAt: '2025-03-01T11:55:00Z' } },
      },
    ],
  },
};

const failingInit: K8sObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'ratings-v1-5d8c6f7b9-q8w2e', namespace: 'bookinfo', creationTimestamp: T0, labels: { app: 'ratings', version: 'v1' } },
  spec: {
    nodeName: 'node-1',
    initContainers: [{ name: 'istio-init', image: 'docker.io/istio/proxyv2:1.22.3' }],
    containers: [{ name: 'ratings', image: 'docker.io/istio/examples-bookinfo-ratings-v1:1.20.2' }],
  },
  status: {
    phase: 'Pending',
    conditions: [{ type: 'Initialized', status: 'False' }],
    initContainerStatuses: [
      { name: 'istio-init', ready: false, restartCount: 3, state: { terminated: { exitCode: 1, reason: 'Error' } } },
    ],
    containerStatuses: [{ name: 'ratings', ready: false, restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } }],
  },
};

const istiodRemoteService: K8sObject = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'istiod-remote', namespace: 'istio-system', creationTimestamp: T0, labels: { app: 'istiod', istio: 'pilot' } },
  spec: {
    type: 'ClusterIP',
    clusterIP: '10.96.120.7',
    ports: [
      { name: 'tcp-istiod', port: 15012, protocol: 'TCP', targetPort: 15012 },
      { name: 'tcp-webhook', port: 15017, protocol: 'TCP', targetPort: 15017 },
    ],
  },
};

export const istiodRemoteEndpoints: K8sObject = {
  apiVersion: 'v1',
  kind: 'Endpoints',
  metadata: {
    name: 'istiod-remote',
    namespace: 'istio-system',
    uid: '1b7c1b7e-3c55-4f7e-9d0e-2f1e1f0c0a11',
    resourceVersion: '4242',
    creationTimestamp: T0,
    labels: { app: 'istiod', istio: 'pilot' },
  },
  subsets: [
    {
      addresses: [{ ip: '10.233.48.75' }],
      ports: [
        { name: 'tcp-istiod', port: 15012, protocol: 'TCP' },
        { name: 'tcp-webhook', port: 15017, protocol: 'TCP' },
      ],
    },
  ],
};

const istiodRemoteSlice: K8sObject = {
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: {
    name: 'istiod-remote-h7k2p',
    namespace: 'istio-system',
    creationTimestamp: T0,
    labels: {
      app: 'istiod',
      istio: 'pilot',
      'kubernetes.io/service-name': 'istiod-remote',
      'endpointslice.kubernetes.io/managed-by': 'endpointslicemirroring-controller.k8s.io',
    },
  },
  addressType: 'IPv4',
  endpoints: [{ addresses: ['10.233.48.75'], conditions: { ready: true } }],
  ports: [
    { name: 'tcp-istiod', port: 15012, protocol: 'TCP' },
    { name: 'tcp-webhook', port: 15017, protocol: 'TCP' },
  ],
};

const reviewsDeployment: K8sObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'reviews-v1', namespace: 'bookinfo', uid: 'deploy-reviews-v1', generation: 1, creationTimestamp: T0, labels: { app: 'reviews' } },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'reviews' } },
    template: {
      metadata: { labels: { app: 'reviews' } },
      spec: {
        containers: [
          { name: 'reviews', image: 'docker.io/istio/examples-bookinfo-reviews-v1:1.20.2', ports: [{ name: 'http', containerPort: 9080 }] },
        ],
      },
    },
  },
  status: { observedGeneration: 1, replicas: 2, readyReplicas: 2, updatedReplicas: 2, availableReplicas: 2 },
};

const reviewsReplicaSet: K8sObject = {
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: {
    name: 'reviews-v1-7d9f8c6b5',
    namespace: 'bookinfo',
    uid: 'rs-reviews-v1',
    creationTimestamp: T0,
    labels: { app: 'reviews', 'pod-template-hash': '7d9f8c6b5' },
    annotations: { 'deployment.kubernetes.io/revision': '1' },
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'reviews-v1', uid: 'deploy-reviews-v1', controller: true }],
  },
  spec: { replicas: 2, selector: { matchLabels: { app: 'reviews', 'pod-template-hash': '7d9f8c6b5' } } },
  status: { replicas: 2, readyReplicas: 2, availableReplicas: 2 },
};

const reviewsService: K8sObject = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'reviews', namespace: 'bookinfo', creationTimestamp: T0, labels: { app: 'reviews', service: 'reviews' } },
  spec: {
    type: 'ClusterIP',
    clusterIP: '10.96.33.12',
    selector: { app: 'reviews' },
    ports: [{ name: 'http', port: 9080, protocol: 'TCP', targetPort: 9080 }],
  },
};

const reviewsEndpoints: K8sObject = {
  apiVersion: 'v1',
  kind: 'Endpoints',
  metadata: { name: 'reviews', namespace: 'bookinfo', creationTimestamp: T0, labels: { app: 'reviews', service: 'reviews' } },
  subsets: [{ addresses: [{ ip: '10.244.1.11' }, { ip: '10.244.1.12' }], ports: [{ name: 'http', port: 9080, protocol: 'TCP' }] }],
};

const reviewsDestinationRule: K8sObject = {
  apiVersion: 'networking.istio.io/v1beta1',
  kind: 'DestinationRule',
  metadata: { name: 'reviews', namespace: 'bookinfo', creationTimestamp: T0 },
  spec: { host: 'reviews', subsets: [{ name: 'v1', labels: { version: 'v1' } }] },
};

const gatewayApiCrd: K8sObject = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'gateways.gateway.networking.k8s.io', creationTimestamp: T0 },
  spec: {
    group: 'gateway.networking.k8s.io',
    names: { plural: 'gateways', singular: 'gateway', kind: 'Gateway', listKind: 'GatewayList', shortNames: ['gtw'] },
    scope: 'Namespaced',
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        subresources: { status: {} },
        additionalPrinterColumns: [
          { name: 'Class', type: 'string', jsonPath: '.spec.gatewayClassName' },
          { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
        ],
      },
      { name: 'v1beta1', served: true, storage: false },
    ],
  },
};

const k8sGateway: K8sObject = {
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'Gateway',
  metadata: { name: 'bookinfo-gateway', namespace: 'bookinfo', creationTimestamp: T0 },
  spec: { gatewayClassName: 'istio', listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }] },
};

const remoteSecret: K8sObject = {
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: {
    name: 'istio-remote-secret-hub',
    namespace: 'istio-system',
    creationTimestamp: T0,
    labels: { 'istio/multiCluster': 'true' },
    annotations: { 'networking.istio.io/cluster': 'hub' },
  },
  type: 'Opaque',
  stringData: { hub: '{{kubeconfig:hub}}', ghost: '{{kubeconfig:no-such-cluster}}' },
};

const podEvent: K8sObject = {
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name: 'istio-ingressgateway-6b7b8c9d4f-x2x9k.17f9a1b2c3d4e5f6', namespace: 'istio-system', creationTimestamp: T0 },
  involvedObject: { kind: 'Pod', namespace: 'istio-system', name: 'istio-ingressgateway-6b7b8c9d4f-x2x9k', fieldPath: 'spec.containers{istio-proxy}' },
  reason: 'Unhealthy',
  message: 'Readiness probe failed: Get "http://10.244.1.20:15021/healthz/ready": dial tcp 10.244.1.20:15021: connect: connection refused',
  type: 'Warning',
  count: 42,
};

const node: K8sObject = {
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name: 'node-1', creationTimestamp: T0, labels: { 'kubernetes.io/hostname': 'node-1', 'node-role.kubernetes.io/worker': '' } },
  status: {
    addresses: [{ type: 'InternalIP', address: '192.168.10.11' }],
    conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady' }],
    nodeInfo: { kubeletVersion: 'v1.30.4', containerRuntimeVersion: 'containerd://1.7.20' },
  },
};

const gatewayLogs: ContainerLog[] = [
  {
    namespace: 'istio-system',
    pod: 'istio-ingressgateway-6b7b8c9d4f-x2x9k',
    container: 'istio-proxy',
    previous: false,
    text: [
      '2025-03-01T11:00:00.000000Z\tinfo\tEnvoy proxy is ready',
      '2025-03-01T11:58:00.000000Z\twarning\tenvoy config\tStreamAggregatedResources gRPC config stream to xds-grpc closed: 14, connection error: desc = "transport: Error while dialing: dial tcp 10.233.48.75:15012: i/o timeout"',
      '2025-03-01T11:59:30.000000Z\twarning\tenvoy config\tStreamAggregatedResources gRPC config stream to xds-grpc closed: 14, connection error: desc = "transport: Error while dialing: dial tcp 10.233.48.75:15012: i/o timeout"',
      '\tcontinuation line of the previous entry',
    ].join('\n'),
  },
  {
    namespace: 'istio-system',
    pod: 'istio-ingressgateway-6b7b8c9d4f-x2x9k',
    container: 'istio-proxy',
    previous: true,
    text: '2025-03-01T11:50:00.000000Z\terror\tprevious instance: failed to start: xds unreachable\n',
  },
];

/** The workload cluster `spoke` (remote of `hub`), at `now` = 2025-03-01T12:00:00Z. */
export function spokeCluster(extra: Partial<ClusterSpec> = {}): ClusterSpec {
  return {
    name: 'spoke',
    mesh: 'prod',
    role: 'remote',
    network: 'net-spoke',
    controlPlane: 'hub',
    production: true,
    channel: '#mesh-prod',
    expectFail: [],
    objects: [
      ns('istio-system', { 'topology.istio.io/network': 'net-spoke' }),
      ns('bookinfo', { 'istio-injection': 'enabled' }),
      node,
      istiodRemoteService,
      istiodRemoteEndpoints,
      istiodRemoteSlice,
      crashingGateway,
      failingInit,
      reviewsDeployment,
      reviewsReplicaSet,
      reviewsPod('reviews-v1-7d9f8c6b5-abcde', '10.244.1.11', 'pod-reviews-1'),
      reviewsPod('reviews-v1-7d9f8c6b5-fghij', '10.244.1.12', 'pod-reviews-2'),
      reviewsService,
      reviewsEndpoints,
      reviewsDestinationRule,
      k8sGateway,
      gatewayApiCrd,
      remoteSecret,
      podEvent,
    ],
    logs: gatewayLogs,
    ...extra,
  };
}

/** The control-plane cluster `hub`. */
export function hubCluster(extra: Partial<ClusterSpec> = {}): ClusterSpec {
  return {
    name: 'hub',
    mesh: 'prod',
    role: 'control-plane',
    expectFail: [],
    objects: [
      ns('istio-system'),
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'istiod-prod-hosted-lb', namespace: 'istio-system', creationTimestamp: T0 },
        spec: { type: 'LoadBalancer', clusterIP: '10.96.0.50', ports: [{ name: 'tcp-istiod', port: 15012, protocol: 'TCP', nodePort: 31012 }], selector: { app: 'istiod' } },
        status: { loadBalancer: { ingress: [{ ip: '172.18.0.200' }] } },
      },
    ],
    logs: [],
    ...extra,
  };
}

export const NOW = new Date('2025-03-01T12:00:00Z');
