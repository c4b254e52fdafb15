// Container specs: the application container as its Deployment declares it, and the sidecar and
// init container the Istio injector adds to each pod.

import { type BuildContext, PROXY_IMAGE } from './context.ts';
import type { DeploymentPlan, ServicePlan } from './plan.ts';

export function appContainer(svc: ServicePlan, deploy: DeploymentPlan) {
  return {
    name: svc.name,
    image: deploy.image,
    imagePullPolicy: 'IfNotPresent',
    ports: svc.ports.map((p) => ({ containerPort: p.targetPort, name: p.containerPortName, protocol: 'TCP' })),
    readinessProbe: {
      httpGet: { path: '/healthz', port: 8080, scheme: 'HTTP' },
      periodSeconds: 10,
      timeoutSeconds: 1,
      successThreshold: 1,
      failureThreshold: 3,
    },
    resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } },
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
  };
}

/** istio-iptables as the injector runs it in istio-init (scenarios/_tools builds the same container). */
export const ISTIO_IPTABLES_ARGS = ['istio-iptables', '-p', '15001', '-z', '15006', '-u', '1337', '-m', 'REDIRECT', '-i', '*', '-x', '', '-b', '*', '-d', '15090,15021,15020', '--log_output_level=default:info'];

/** istio-init needs NET_ADMIN/NET_RAW as root to write the pod's iptables rules. */
export const ISTIO_INIT_SECURITY_CONTEXT = {
  allowPrivilegeEscalation: false,
  capabilities: { add: ['NET_ADMIN', 'NET_RAW'], drop: ['ALL'] },
  privileged: false,
  readOnlyRootFilesystem: false,
  runAsGroup: 0,
  runAsNonRoot: false,
  runAsUser: 0,
};

export function istioInitContainer() {
  return {
    name: 'istio-init',
    image: PROXY_IMAGE,
    imagePullPolicy: 'IfNotPresent',
    args: [...ISTIO_IPTABLES_ARGS],
    resources: { requests: { cpu: '10m', memory: '40Mi' }, limits: { cpu: '2', memory: '1Gi' } },
    securityContext: structuredClone(ISTIO_INIT_SECURITY_CONTEXT),
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
  };
}

const fieldRef = (name: string, fieldPath: string) => ({ name, valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath } } });

function proxyEnv(svc: ServicePlan, deploy: DeploymentPlan, ctx: BuildContext) {
  const podPorts = svc.ports.map((p) => ({ name: p.containerPortName, containerPort: p.targetPort, protocol: 'TCP' }));
  const env: Array<Record<string, unknown>> = [
    { name: 'PILOT_CERT_PROVIDER', value: 'istiod' },
    { name: 'CA_ADDR', value: 'istiod.istio-system.svc:15012' },
    fieldRef('POD_NAME', 'metadata.name'),
    fieldRef('POD_NAMESPACE', 'metadata.namespace'),
    fieldRef('INSTANCE_IP', 'status.podIP'),
    fieldRef('SERVICE_ACCOUNT', 'spec.serviceAccountName'),
    fieldRef('HOST_IP', 'status.hostIP'),
    { name: 'ISTIO_CPU_LIMIT', valueFrom: { resourceFieldRef: { divisor: '0', resource: 'limits.cpu' } } },
    { name: 'PROXY_CONFIG', value: '{}\n' },
    { name: 'ISTIO_META_POD_PORTS', value: JSON.stringify(podPorts) },
    { name: 'ISTIO_META_APP_CONTAINERS', value: svc.name },
    { name: 'ISTIO_META_CLUSTER_ID', value: ctx.cluster },
    fieldRef('ISTIO_META_NODE_NAME', 'spec.nodeName'),
    { name: 'ISTIO_META_INTERCEPTION_MODE', value: 'REDIRECT' },
    { name: 'ISTIO_META_WORKLOAD_NAME', value: deploy.name },
    {
      name: 'ISTIO_META_OWNER',
      value: `kubernetes://apis/apps/v1/namespaces/${svc.namespace}/deployments/${deploy.name}`,
    },
  ];
  if (ctx.meshId) env.push({ name: 'ISTIO_META_MESH_ID', value: ctx.meshId });
  env.push({ name: 'TRUST_DOMAIN', value: 'cluster.local' });
  if (ctx.network) env.push({ name: 'ISTIO_META_NETWORK', value: ctx.network });
  return env;
}

export function istioProxyContainer(svc: ServicePlan, deploy: DeploymentPlan, ctx: BuildContext) {
  return {
    name: 'istio-proxy',
    image: PROXY_IMAGE,
    imagePullPolicy: 'IfNotPresent',
    args: [
      'proxy',
      'sidecar',
      '--domain',
      '$(POD_NAMESPACE).svc.cluster.local',
      '--proxyLogLevel=warning',
      '--proxyComponentLogLevel=misc:error',
      '--log_output_level=default:info',
    ],
    env: proxyEnv(svc, deploy, ctx),
    ports: [{ containerPort: 15090, name: 'http-envoy-prom', protocol: 'TCP' }],
    readinessProbe: {
      httpGet: { path: '/healthz/ready', port: 15021, scheme: 'HTTP' },
      periodSeconds: 15,
      timeoutSeconds: 3,
      successThreshold: 1,
      failureThreshold: 4,
    },
    resources: { requests: { cpu: '10m', memory: '40Mi' }, limits: { cpu: '2', memory: '1Gi' } },
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsGroup: 1337,
      runAsNonRoot: true,
      runAsUser: 1337,
    },
    volumeMounts: [
      { mountPath: '/var/run/secrets/workload-spiffe-uds', name: 'workload-socket' },
      { mountPath: '/var/run/secrets/credential-uds', name: 'credential-socket' },
      { mountPath: '/var/run/secrets/workload-spiffe-credentials', name: 'workload-certs' },
      { mountPath: '/var/run/secrets/istio', name: 'istiod-ca-cert' },
      { mountPath: '/var/lib/istio/data', name: 'istio-data' },
      { mountPath: '/etc/istio/proxy', name: 'istio-envoy' },
      { mountPath: '/var/run/secrets/tokens', name: 'istio-token' },
      { mountPath: '/etc/istio/pod', name: 'istio-podinfo' },
    ],
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
  };
}

export function injectedVolumes() {
  return [
    { name: 'workload-socket', emptyDir: {} },
    { name: 'credential-socket', emptyDir: {} },
    { name: 'workload-certs', emptyDir: {} },
    { name: 'istio-envoy', emptyDir: { medium: 'Memory' } },
    { name: 'istio-data', emptyDir: {} },
    {
      name: 'istio-podinfo',
      downwardAPI: {
        defaultMode: 420,
        items: [
          { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.labels' }, path: 'labels' },
          { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.annotations' }, path: 'annotations' },
        ],
      },
    },
    {
      name: 'istio-token',
      projected: {
        defaultMode: 420,
        sources: [{ serviceAccountToken: { audience: 'istio-ca', expirationSeconds: 43200, path: 'istio-token' } }],
      },
    },
    { name: 'istiod-ca-cert', configMap: { defaultMode: 420, name: 'istio-ca-root-cert' } },
  ];
}

/** The `sidecar.istio.io/status` annotation the injector writes (names what it added). */
export const SIDECAR_STATUS_ANNOTATION = JSON.stringify({
  initContainers: ['istio-init'],
  containers: ['istio-proxy'],
  volumes: injectedVolumes().map((v) => v.name),
  imagePullSecrets: null,
  revision: 'default',
});
