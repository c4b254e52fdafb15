// Istio as istioctl / helm install it: CRDs, istiod (local or hosted), gateways, webhooks, mesh
// config, plug-in CA certificates, and what the sidecar injector does to a pod.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ISTIO_INIT_SECURITY_CONTEXT, ISTIO_IPTABLES_ARGS } from '../../src/sandbox/generator/containers.ts';
import { addService, addWorkload, configMap, meta, namespace, secret, serviceAccount } from './k8s.ts';
import { uid } from './util.ts';
import type { J, PodModel, ServiceModel, WorkloadModel, World } from './world.ts';

const CERT_DIR = join(import.meta.dirname, 'certs');

export function pem(name: string): string {
  return readFileSync(join(CERT_DIR, `${name}.pem`), 'utf8');
}

const proxyImage = (w: World) => `${w.slot.family.istioHub}/proxyv2:${w.slot.family.istioTag}`;
const pilotImage = (w: World) => `${w.slot.family.istioHub}/pilot:${w.slot.family.istioTag}`;

const OPERATOR_LABELS = {
  'install.operator.istio.io/owning-resource': 'unknown',
  'operator.istio.io/component': 'Pilot',
  release: 'istio',
};

// ---------------------------------------------------------------------------------------------
// CRDs (schemas trimmed: the sandbox does not validate custom resources)

interface CrdDef {
  group: string;
  kind: string;
  plural: string;
  short?: string[];
  versions: string[];
  storage: string;
  scope?: 'Namespaced' | 'Cluster';
  categories?: string[];
  columns?: J[];
}

function istioCrdDefs(minor: number): CrdDef[] {
  const net = minor >= 22 ? ['v1', 'v1alpha3', 'v1beta1'] : ['v1alpha3', 'v1beta1'];
  const sec = minor >= 22 ? ['v1', 'v1beta1'] : ['v1beta1'];
  const cat = (g: string) => ['istio-io', `${g.split('.')[0]}-istio-io`];
  const age = { jsonPath: '.metadata.creationTimestamp', name: 'Age', type: 'date' };
  const defs: CrdDef[] = [
    { group: 'networking.istio.io', kind: 'DestinationRule', plural: 'destinationrules', short: ['dr'], versions: net, storage: 'v1alpha3', columns: [{ description: 'The name of a service from the service registry', jsonPath: '.spec.host', name: 'Host', type: 'string' }, age] },
    { group: 'networking.istio.io', kind: 'EnvoyFilter', plural: 'envoyfilters', versions: ['v1alpha3'], storage: 'v1alpha3' },
    { group: 'networking.istio.io', kind: 'Gateway', plural: 'gateways', short: ['gw'], versions: net, storage: 'v1alpha3' },
    { group: 'networking.istio.io', kind: 'ServiceEntry', plural: 'serviceentries', short: ['se'], versions: net, storage: 'v1alpha3', columns: [{ jsonPath: '.spec.hosts', name: 'Hosts', type: 'string' }, { jsonPath: '.spec.location', name: 'Location', type: 'string' }, { jsonPath: '.spec.resolution', name: 'Resolution', type: 'string' }, age] },
    { group: 'networking.istio.io', kind: 'Sidecar', plural: 'sidecars', versions: net, storage: 'v1alpha3' },
    { group: 'networking.istio.io', kind: 'VirtualService', plural: 'virtualservices', short: ['vs'], versions: net, storage: 'v1alpha3', columns: [{ jsonPath: '.spec.gateways', name: 'Gateways', type: 'string' }, { jsonPath: '.spec.hosts', name: 'Hosts', type: 'string' }, age] },
    { group: 'networking.istio.io', kind: 'WorkloadEntry', plural: 'workloadentries', short: ['we'], versions: net, storage: 'v1alpha3' },
    { group: 'networking.istio.io', kind: 'WorkloadGroup', plural: 'workloadgroups', short: ['wg'], versions: minor >= 22 ? net : ['v1alpha3', 'v1beta1'], storage: 'v1alpha3' },
    { group: 'security.istio.io', kind: 'AuthorizationPolicy', plural: 'authorizationpolicies', short: ['ap'], versions: sec, storage: 'v1beta1' },
    { group: 'security.istio.io', kind: 'PeerAuthentication', plural: 'peerauthentications', short: ['pa'], versions: sec, storage: 'v1beta1' },
    { group: 'security.istio.io', kind: 'RequestAuthentication', plural: 'requestauthentications', short: ['ra'], versions: sec, storage: 'v1beta1' },
    { group: 'telemetry.istio.io', kind: 'Telemetry', plural: 'telemetries', short: ['telemetry'], versions: minor >= 22 ? ['v1', 'v1alpha1'] : ['v1alpha1'], storage: 'v1alpha1' },
  ];
  if (minor >= 13) defs.push({ group: 'extensions.istio.io', kind: 'WasmPlugin', plural: 'wasmplugins', versions: ['v1alpha1'], storage: 'v1alpha1' });
  if (minor >= 14) defs.push({ group: 'networking.istio.io', kind: 'ProxyConfig', plural: 'proxyconfigs', versions: ['v1beta1'], storage: 'v1beta1' });
  if (minor < 20) defs.push({ group: 'install.istio.io', kind: 'IstioOperator', plural: 'istiooperators', short: ['iop', 'io'], versions: ['v1alpha1'], storage: 'v1alpha1', categories: [] });
  return defs.map((d) => ({ categories: d.categories ?? cat(d.group), ...d }));
}

export function crd(w: World, part: string, file: string, d: CrdDef, extraMeta: J, created: string): J {
  const name = `${d.plural}.${d.group}`;
  const names = {
    ...(d.categories?.length ? { categories: d.categories } : {}),
    kind: d.kind,
    listKind: `${d.kind}List`,
    plural: d.plural,
    ...(d.short ? { shortNames: d.short } : {}),
    singular: d.kind.toLowerCase(),
  };
  const since = w.clock.at(created);
  // CRDs of one Istio release are shared by every cluster of a family (one base): the UID must
  // not depend on the cluster.
  const shared = d.group.endsWith('istio.io') ? { uid: uid(`${w.slot.family.id}/crd/${name}`) } : {};
  return w.add(part, file, {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { ...meta(w, 'CustomResourceDefinition', undefined, name, created, { generation: 1, ...extraMeta }), ...shared },
    spec: {
      conversion: { strategy: 'None' },
      group: d.group,
      names,
      scope: d.scope ?? 'Namespaced',
      versions: d.versions.map((v) => ({
        ...(d.columns ? { additionalPrinterColumns: d.columns } : {}),
        name: v,
        schema: {
          openAPIV3Schema: {
            description: `mesh-medic sandbox: schema trimmed; see the ${d.group} reference for the full ${d.kind} schema.`,
            properties: {
              spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
              status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
            },
            type: 'object',
          },
        },
        served: true,
        storage: v === d.storage,
        subresources: { status: {} },
      })),
    },
    status: {
      acceptedNames: names,
      conditions: [
        { lastTransitionTime: since, message: 'no conflicts found', reason: 'NoConflicts', status: 'True', type: 'NamesAccepted' },
        { lastTransitionTime: since, message: 'the initial names have been accepted', reason: 'InitialNamesAccepted', status: 'True', type: 'Established' },
      ],
      storedVersions: [d.storage],
    },
  });
}

export function istioCrds(w: World, part: string): void {
  for (const d of istioCrdDefs(w.slot.family.istioMinor)) {
    crd(w, part, 'crds', d, { annotations: { 'helm.sh/resource-policy': 'keep' }, labels: { app: 'istio-pilot', chart: 'istio', heritage: 'Tiller', release: 'istio' } }, '-120d');
  }
}

export function gatewayApiCrds(w: World, part: string, created: string): void {
  const meta = {
    annotations: {
      'api-approved.kubernetes.io': 'https://github.com/kubernetes-sigs/gateway-api/pull/2466',
      'gateway.networking.k8s.io/bundle-version': 'v1.0.0',
      'gateway.networking.k8s.io/channel': 'standard',
    },
    labels: { 'addonmanager.kubernetes.io/mode': 'Reconcile' },
  };
  const age = { jsonPath: '.metadata.creationTimestamp', name: 'Age', type: 'date' };
  const g = 'gateway.networking.k8s.io';
  crd(w, part, 'gateway-api-crds', { group: g, kind: 'GatewayClass', plural: 'gatewayclasses', short: ['gc'], versions: ['v1', 'v1beta1'], storage: 'v1', scope: 'Cluster', categories: ['gateway-api'], columns: [{ jsonPath: '.spec.controllerName', name: 'Controller', type: 'string' }, { jsonPath: '.status.conditions[?(@.type=="Accepted")].status', name: 'Accepted', type: 'string' }, age] }, meta, created);
  crd(w, part, 'gateway-api-crds', { group: g, kind: 'Gateway', plural: 'gateways', short: ['gtw'], versions: ['v1', 'v1beta1'], storage: 'v1', categories: ['gateway-api'], columns: [{ jsonPath: '.spec.gatewayClassName', name: 'Class', type: 'string' }, { jsonPath: '.status.addresses[*].value', name: 'Address', type: 'string' }, { jsonPath: '.status.conditions[?(@.type=="Programmed")].status', name: 'Programmed', type: 'string' }, age] }, meta, created);
  crd(w, part, 'gateway-api-crds', { group: g, kind: 'HTTPRoute', plural: 'httproutes', versions: ['v1', 'v1beta1'], storage: 'v1', categories: ['gateway-api'], columns: [{ jsonPath: '.spec.hostnames', name: 'Hostnames', type: 'string' }, age] }, meta, created);
  crd(w, part, 'gateway-api-crds', { group: g, kind: 'ReferenceGrant', plural: 'referencegrants', short: ['refgrant'], versions: ['v1beta1'], storage: 'v1beta1', categories: ['gateway-api'] }, meta, created);
  for (const [name, desc] of [
    ['gke-l7-global-external-managed', 'Global external Application Load Balancer'],
    ['gke-l7-rilb', 'Regional internal Application Load Balancer'],
  ] as const) {
    w.add(part, 'gateway-api-crds', {
      apiVersion: `${g}/v1`,
      kind: 'GatewayClass',
      metadata: meta2(w, name, created),
      spec: { controllerName: 'networking.gke.io/gateway', description: desc },
      status: {
        conditions: [
          { lastTransitionTime: w.clock.at(created), message: '', observedGeneration: 1, reason: 'Accepted', status: 'True', type: 'Accepted' },
        ],
      },
    });
  }
}

function meta2(w: World, name: string, created: string): J {
  return meta(w, 'GatewayClass', undefined, name, created, { generation: 1, labels: { 'addonmanager.kubernetes.io/mode': 'Reconcile' } });
}

// ---------------------------------------------------------------------------------------------
// sidecar injection

export interface InjectOptions {
  /** Sets ISTIO_META_NETWORK and the topology.istio.io/network label (multi-network meshes). */
  network?: boolean;
  revision?: string;
  discoveryAddress?: string;
}

const PROXY_RESOURCES = { limits: { cpu: '2', memory: '1Gi' }, requests: { cpu: '100m', memory: '128Mi' } };

function fieldEnv(name: string, fieldPath: string): J {
  return { name, valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath } } };
}

function proxyVolumes(): J[] {
  return [
    { emptyDir: {}, name: 'workload-socket' },
    { emptyDir: {}, name: 'credential-socket' },
    { emptyDir: {}, name: 'workload-certs' },
    { emptyDir: { medium: 'Memory' }, name: 'istio-envoy' },
    { emptyDir: {}, name: 'istio-data' },
    {
      downwardAPI: {
        defaultMode: 420,
        items: [
          { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.labels' }, path: 'labels' },
          { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.annotations' }, path: 'annotations' },
        ],
      },
      name: 'istio-podinfo',
    },
    { name: 'istio-token', projected: { defaultMode: 420, sources: [{ serviceAccountToken: { audience: 'istio-ca', expirationSeconds: 43200, path: 'istio-token' } }] } },
    { configMap: { defaultMode: 420, name: 'istio-ca-root-cert' }, name: 'istiod-ca-cert' },
  ];
}

function proxyMounts(): J[] {
  return [
    { mountPath: '/var/run/secrets/workload-spiffe-uds', name: 'workload-socket' },
    { mountPath: '/var/run/secrets/credential-uds', name: 'credential-socket' },
    { mountPath: '/var/run/secrets/workload-spiffe-credentials', name: 'workload-certs' },
    { mountPath: '/var/run/secrets/istio', name: 'istiod-ca-cert' },
    { mountPath: '/var/lib/istio/data', name: 'istio-data' },
    { mountPath: '/etc/istio/proxy', name: 'istio-envoy' },
    { mountPath: '/var/run/secrets/tokens', name: 'istio-token' },
    { mountPath: '/etc/istio/pod', name: 'istio-podinfo' },
  ];
}

export function istioInitContainer(w: World): J {
  return {
    args: [...ISTIO_IPTABLES_ARGS],
    image: proxyImage(w),
    imagePullPolicy: 'IfNotPresent',
    name: 'istio-init',
    resources: PROXY_RESOURCES,
    securityContext: structuredClone(ISTIO_INIT_SECURITY_CONTEXT),
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
  };
}

/** What the injection webhook did to an app pod: istio-init, istio-proxy, volumes, labels. */
export function injectSidecar(w: World, pod: PodModel, owner: WorkloadModel | { kind: string; name: string }, opts: InjectOptions = {}): void {
  const app = pod.spec.containers[0];
  const appNames = pod.spec.containers.map((c: J) => c.name);
  const rev = opts.revision ?? 'default';
  const ports = pod.spec.containers.flatMap((c: J) => (c.ports ?? []).map((p: J) => ({ containerPort: p.containerPort, ...(p.name ? { name: p.name } : {}), protocol: p.protocol ?? 'TCP' })));
  const kindPath = owner.kind === 'DaemonSet' ? 'daemonsets' : 'deployments';
  const env = [
    { name: 'PILOT_CERT_PROVIDER', value: 'istiod' },
    { name: 'CA_ADDR', value: 'istiod.istio-system.svc:15012' },
    fieldEnv('POD_NAME', 'metadata.name'),
    fieldEnv('POD_NAMESPACE', 'metadata.namespace'),
    fieldEnv('INSTANCE_IP', 'status.podIP'),
    fieldEnv('SERVICE_ACCOUNT', 'spec.serviceAccountName'),
    fieldEnv('HOST_IP', 'status.hostIP'),
    { name: 'ISTIO_CPU_LIMIT', valueFrom: { resourceFieldRef: { divisor: '0', resource: 'limits.cpu' } } },
    { name: 'PROXY_CONFIG', value: opts.discoveryAddress ? `{"discoveryAddress":"${opts.discoveryAddress}"}\n` : '{}\n' },
    { name: 'ISTIO_META_POD_PORTS', value: `[\n${ports.map((p: J) => `    ${JSON.stringify(p)}`).join('\n    ,')}\n]` },
    { name: 'ISTIO_META_APP_CONTAINERS', value: appNames.join(',') },
    { name: 'GOMEMLIMIT', valueFrom: { resourceFieldRef: { divisor: '0', resource: 'limits.memory' } } },
    { name: 'GOMAXPROCS', valueFrom: { resourceFieldRef: { divisor: '0', resource: 'limits.cpu' } } },
    { name: 'ISTIO_META_CLUSTER_ID', value: '{{cluster}}' },
    fieldEnv('ISTIO_META_NODE_NAME', 'spec.nodeName'),
    { name: 'ISTIO_META_INTERCEPTION_MODE', value: 'REDIRECT' },
    { name: 'ISTIO_META_WORKLOAD_NAME', value: owner.name },
    { name: 'ISTIO_META_OWNER', value: `kubernetes://apis/apps/v1/namespaces/${pod.namespace}/${kindPath}/${owner.name}` },
    { name: 'ISTIO_META_MESH_ID', value: '{{mesh}}' },
    { name: 'TRUST_DOMAIN', value: 'cluster.local' },
    ...(opts.network ? [{ name: 'ISTIO_META_NETWORK', value: '{{network}}' }] : []),
  ];
  const proxy = {
    args: ['proxy', 'sidecar', '--domain', '$(POD_NAMESPACE).svc.cluster.local', '--proxyLogLevel=warning', '--proxyComponentLogLevel=misc:error', '--log_output_level=default:info'],
    env,
    image: proxyImage(w),
    imagePullPolicy: 'IfNotPresent',
    name: 'istio-proxy',
    ports: [{ containerPort: 15090, name: 'http-envoy-prom', protocol: 'TCP' }],
    readinessProbe: { failureThreshold: 4, httpGet: { path: '/healthz/ready', port: 15021, scheme: 'HTTP' }, periodSeconds: 15, successThreshold: 1, timeoutSeconds: 3 },
    resources: PROXY_RESOURCES,
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsGroup: 1337,
      runAsNonRoot: true,
      runAsUser: 1337,
    },
    startupProbe: { failureThreshold: 600, httpGet: { path: '/healthz/ready', port: 15021, scheme: 'HTTP' }, periodSeconds: 1, successThreshold: 1, timeoutSeconds: 3 },
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
    volumeMounts: proxyMounts(),
  };
  pod.spec = {
    ...pod.spec,
    containers: [...pod.spec.containers, proxy],
    initContainers: [istioInitContainer(w), ...(pod.spec.initContainers ?? [])],
    volumes: [...proxyVolumes(), ...(pod.spec.volumes ?? [])],
  };
  pod.labels = {
    ...pod.labels,
    'security.istio.io/tlsMode': 'istio',
    'service.istio.io/canonical-name': pod.labels['app.kubernetes.io/name'] ?? pod.labels.app ?? owner.name,
    'service.istio.io/canonical-revision': pod.labels['app.kubernetes.io/version'] ?? pod.labels.version ?? 'latest',
    ...(opts.network ? { 'topology.istio.io/network': '{{network}}' } : {}),
  };
  pod.annotations = {
    ...pod.annotations,
    'istio.io/rev': rev,
    'kubectl.kubernetes.io/default-container': app.name,
    'kubectl.kubernetes.io/default-logs-container': app.name,
    'prometheus.io/path': '/stats/prometheus',
    'prometheus.io/port': '15020',
    'prometheus.io/scrape': 'true',
    'sidecar.istio.io/status': JSON.stringify({
      initContainers: ['istio-init'],
      containers: ['istio-proxy'],
      volumes: ['workload-socket', 'credential-socket', 'workload-certs', 'istio-envoy', 'istio-data', 'istio-podinfo', 'istio-token', 'istiod-ca-cert'],
      imagePullSecrets: null,
      revision: rev,
    }),
  };
}

// ---------------------------------------------------------------------------------------------
// istiod

export interface IstiodOptions {
  part: string;
  /** Deployment/Service name: istiod, or istiod-<mesh>-hosted. */
  name: string;
  /** '' for the default revision. */
  revision: string;
  node: string;
  podIp?: string;
  created: string;
  extraEnv?: J[];
  /** LoadBalancer Service in front of the pods (hosted control planes). */
  lbService?: string;
  /** values.global.network was set at install (multi-network meshes). */
  network?: boolean;
}

export function istiod(w: World, o: IstiodOptions): { workload: WorkloadModel; service: ServiceModel; lb?: ServiceModel } {
  const rev = o.revision || 'default';
  const sa = o.revision ? `istiod-${o.revision}` : 'istiod';
  serviceAccount(w, o.part, o.name, 'istio-system', sa, o.created, { app: 'istiod', release: 'istio' });
  const podLabels: Record<string, string> = {
    app: 'istiod',
    ...OPERATOR_LABELS,
    ...(o.revision ? {} : { istio: 'pilot' }),
    'istio.io/rev': rev,
    'sidecar.istio.io/inject': 'false',
  };
  const selector: Record<string, string> = o.revision ? { app: 'istiod', 'istio.io/rev': rev } : { app: 'istiod', istio: 'pilot' };
  const env = [
    { name: 'REVISION', value: rev },
    { name: 'PILOT_CERT_PROVIDER', value: 'istiod' },
    fieldEnv('POD_NAME', 'metadata.name'),
    fieldEnv('POD_NAMESPACE', 'metadata.namespace'),
    fieldEnv('SERVICE_ACCOUNT', 'spec.serviceAccountName'),
    { name: 'KUBECONFIG', value: '/var/run/secrets/remote/config' },
    { name: 'PILOT_TRACE_SAMPLING', value: '1' },
    { name: 'PILOT_ENABLE_ANALYSIS', value: 'false' },
    { name: 'CLUSTER_ID', value: '{{cluster}}' },
    { name: 'GOMEMLIMIT', valueFrom: { resourceFieldRef: { divisor: '0', resource: 'limits.memory' } } },
    { name: 'GOMAXPROCS', valueFrom: { resourceFieldRef: { divisor: '0', resource: 'limits.cpu' } } },
    { name: 'PLATFORM', value: w.slot.platform === 'gke' ? 'gcp' : '' },
    ...(o.extraEnv ?? []),
  ];
  const workload = addWorkload(w, {
    part: o.part,
    file: o.name,
    namespace: 'istio-system',
    name: o.name,
    labels: { app: 'istiod', ...OPERATOR_LABELS, ...(o.revision ? {} : { istio: 'pilot' }), 'istio.io/rev': rev },
    selector: o.revision ? { app: 'istiod', 'istio.io/rev': rev } : { istio: 'pilot' },
    podLabels,
    podAnnotations: { 'prometheus.io/port': '15014', 'prometheus.io/scrape': 'true', 'sidecar.istio.io/inject': 'false' },
    spec: {
      containers: [
        {
          args: ['discovery', '--monitoringAddr=:15014', '--log_output_level=default:info', '--domain', 'cluster.local', '--keepaliveMaxServerConnectionAge', '30m'],
          env,
          image: pilotImage(w),
          name: 'discovery',
          ports: [{ containerPort: 8080 }, { containerPort: 15010 }, { containerPort: 15017 }],
          readinessProbe: { failureThreshold: 3, httpGet: { path: '/ready', port: 8080, scheme: 'HTTP' }, initialDelaySeconds: 1, periodSeconds: 3, successThreshold: 1, timeoutSeconds: 5 },
          resources: { requests: { cpu: '500m', memory: '2Gi' } },
          securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true, runAsGroup: 1337, runAsNonRoot: true, runAsUser: 1337 },
          volumeMounts: [
            { mountPath: '/var/run/secrets/tokens', name: 'istio-token', readOnly: true },
            { mountPath: '/var/run/secrets/istio-dns', name: 'local-certs' },
            { mountPath: '/etc/cacerts', name: 'cacerts', readOnly: true },
            { mountPath: '/var/run/secrets/remote', name: 'istio-kubeconfig', readOnly: true },
            { mountPath: '/var/run/secrets/istiod/tls', name: 'istio-csr-dns-cert', readOnly: true },
            { mountPath: '/var/run/secrets/istiod/ca', name: 'istio-csr-ca-configmap', readOnly: true },
            { mountPath: '/etc/istio/config', name: 'config-volume' },
          ],
        },
      ],
      serviceAccountName: sa,
      volumes: [
        { emptyDir: { medium: 'Memory' }, name: 'local-certs' },
        { name: 'istio-token', projected: { defaultMode: 420, sources: [{ serviceAccountToken: { audience: 'istio-ca', expirationSeconds: 43200, path: 'istio-token' } }] } },
        { name: 'cacerts', secret: { defaultMode: 420, optional: true, secretName: 'cacerts' } },
        { name: 'istio-kubeconfig', secret: { defaultMode: 420, optional: true, secretName: 'istio-kubeconfig' } },
        { name: 'istio-csr-dns-cert', secret: { defaultMode: 420, optional: true, secretName: 'istiod-tls' } },
        { configMap: { defaultMode: 420, items: [{ key: 'root-cert.pem', path: 'root-cert.pem' }], name: 'istio-ca-root-cert', optional: true }, name: 'istio-csr-ca-configmap' },
        { configMap: { defaultMode: 420, name: o.revision ? `istio-${o.revision}` : 'istio' }, name: 'config-volume' },
      ],
    },
    nodes: [o.node],
    created: o.created,
    podsCreated: `${o.created}+2d`,
    podIps: [o.podIp],
  });
  const labels = { app: 'istiod', ...OPERATOR_LABELS, ...(o.revision ? {} : { istio: 'pilot' }), 'istio.io/rev': rev };
  const service = addService(w, {
    namespace: 'istio-system',
    name: o.name,
    labels,
    type: 'ClusterIP',
    selector,
    ports: [
      { name: 'grpc-xds', port: 15010, targetPort: 15010 },
      { name: 'https-dns', port: 15012, targetPort: 15012 },
      { name: 'https-webhook', port: 443, targetPort: 15017 },
      { name: 'http-monitoring', port: 15014, targetPort: 15014 },
    ],
    created: o.created,
    part: o.part,
    file: o.name,
  });
  let lb: ServiceModel | undefined;
  if (o.lbService) {
    lb = addService(w, {
      namespace: 'istio-system',
      name: o.lbService,
      labels,
      type: 'LoadBalancer',
      selector,
      ports: [
        { name: 'tcp-istiod', port: 15012, targetPort: 15012 },
        { name: 'tcp-webhook', port: 15017, targetPort: 15017 },
      ],
      ingress: [w.lbIp('istio-system', o.lbService)],
      created: o.created,
      part: o.part,
      file: o.name,
    });
  }
  webhooks(w, o.part, o.name, o.revision, o.network ?? false);
  return { workload, service, ...(lb ? { lb } : {}) };
}

function webhookClient(service: string, path: string): J {
  return { caBundle: '{{caBundle}}', service: { name: service, namespace: 'istio-system', path, port: 443 } };
}

/** Injector and validator webhook configurations pointing at the istiod Service. */
function webhooks(w: World, part: string, service: string, revision: string, network: boolean): void {
  const rev = revision || 'default';
  const suffix = revision ? `-${revision}` : '';
  const common = {
    admissionReviewVersions: ['v1beta1', 'v1'],
    failurePolicy: 'Fail',
    matchPolicy: 'Equivalent',
    reinvocationPolicy: 'Never',
    rules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'], scope: '*' }],
    sideEffects: 'None',
    timeoutSeconds: 10,
  };
  const notInjected = { key: 'sidecar.istio.io/inject', operator: 'NotIn', values: ['false'] };
  const hook = (name: string, nsSel: J, objSel: J) => ({
    ...common,
    clientConfig: webhookClient(service, `/inject/cluster/{{cluster}}/net/${network ? '{{network}}' : ''}`),
    name,
    namespaceSelector: nsSel,
    objectSelector: objSel,
  });
  const webhooks = revision
    ? [
        hook('rev.namespace.sidecar-injector.istio.io', { matchExpressions: [{ key: 'istio.io/rev', operator: 'In', values: [rev] }, { key: 'istio-injection', operator: 'DoesNotExist' }] }, { matchExpressions: [notInjected] }),
        hook('rev.object.sidecar-injector.istio.io', { matchExpressions: [{ key: 'istio.io/rev', operator: 'DoesNotExist' }, { key: 'istio-injection', operator: 'DoesNotExist' }] }, { matchExpressions: [notInjected, { key: 'istio.io/rev', operator: 'In', values: [rev] }] }),
      ]
    : [
        hook('rev.namespace.sidecar-injector.istio.io', { matchExpressions: [{ key: 'istio.io/rev', operator: 'In', values: ['default'] }, { key: 'istio-injection', operator: 'DoesNotExist' }] }, { matchExpressions: [notInjected] }),
        hook('rev.object.sidecar-injector.istio.io', { matchExpressions: [{ key: 'istio.io/rev', operator: 'DoesNotExist' }, { key: 'istio-injection', operator: 'DoesNotExist' }] }, { matchExpressions: [notInjected, { key: 'istio.io/rev', operator: 'In', values: ['default'] }] }),
        hook('namespace.sidecar-injector.istio.io', { matchExpressions: [{ key: 'istio-injection', operator: 'In', values: ['enabled'] }] }, { matchExpressions: [notInjected] }),
        hook('object.sidecar-injector.istio.io', { matchExpressions: [{ key: 'istio-injection', operator: 'DoesNotExist' }, { key: 'istio.io/rev', operator: 'DoesNotExist' }] }, { matchExpressions: [{ key: 'sidecar.istio.io/inject', operator: 'In', values: ['true'] }, { key: 'istio.io/rev', operator: 'DoesNotExist' }] }),
      ];
  const labels = { app: 'sidecar-injector', ...OPERATOR_LABELS, 'operator.istio.io/component': 'Pilot', 'istio.io/rev': rev };
  w.add(part, 'webhooks', {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: meta(w, 'MutatingWebhookConfiguration', undefined, `istio-sidecar-injector${suffix}`, '-120d', { generation: 3, labels }),
    webhooks,
  });
  const validatorName = w.slot.family.istioMinor < 12 ? `istiod${suffix}-istio-system` : `istio-validator${suffix}-istio-system`;
  w.add(part, 'webhooks', {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    metadata: meta(w, 'ValidatingWebhookConfiguration', undefined, validatorName, '-120d', {
      generation: 2,
      labels: { app: 'istiod', ...OPERATOR_LABELS, istio: 'istiod', 'istio.io/rev': rev },
    }),
    webhooks: [
      {
        admissionReviewVersions: ['v1beta1', 'v1'],
        clientConfig: webhookClient(service, '/validate'),
        failurePolicy: 'Fail',
        matchPolicy: 'Equivalent',
        name: 'rev.validation.istio.io',
        namespaceSelector: {},
        objectSelector: { matchExpressions: [{ key: 'istio.io/rev', operator: 'In', values: [rev] }] },
        rules: [
          {
            apiGroups: ['security.istio.io', 'networking.istio.io', 'telemetry.istio.io', 'extensions.istio.io'],
            apiVersions: ['*'],
            operations: ['CREATE', 'UPDATE'],
            resources: ['*'],
            scope: '*',
          },
        ],
        sideEffects: 'None',
        timeoutSeconds: 10,
      },
    ],
  });
}

/** Fills the webhooks' caBundle with the root this cluster's istiod signs with. */
export function setWebhookCaBundles(w: World, rootPem: string): void {
  const b64 = Buffer.from(rootPem).toString('base64');
  for (const item of w.items) {
    if (!/WebhookConfiguration$/.test(item.obj.kind)) continue;
    for (const hook of item.obj.webhooks) {
      if (hook.clientConfig.caBundle === '{{caBundle}}' || hook.clientConfig.caBundle) hook.clientConfig.caBundle = b64;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// trust: cacerts and the istio-ca-root-cert ConfigMaps istiod writes into every namespace

export function cacerts(w: World, part: string, certSet: string, created: string): void {
  secret(
    w,
    part,
    'cacerts',
    'istio-system',
    'cacerts',
    created,
    {
      'ca-cert.pem': pem(`${certSet}-ca-cert`),
      'ca-key.pem': pem(`${certSet}-ca-key`),
      'cert-chain.pem': pem(`${certSet}-cert-chain`),
      'root-cert.pem': pem(`${certSet}-root-cert`),
    },
    {
      annotations: {
        'mesh-medic.io/test-fixture': 'TEST FIXTURE: certificates and key generated by scenarios/_tools/gen-test-certs.sh for the sandbox; they protect nothing',
      },
    },
  );
}

export function rootCertConfigMap(w: World, part: string, ns: string, certSet: string, created: string): void {
  configMap(w, part, 'istio-ca-root-cert', ns, 'istio-ca-root-cert', created, { 'root-cert.pem': pem(`${certSet}-root-cert`) }, { labels: { 'istio.io/config': 'true' } });
}

// ---------------------------------------------------------------------------------------------
// mesh config

export function meshConfig(w: World, part: string, opts: { discoveryAddress: string; accessLog?: boolean; revision?: string }, created: string): void {
  const lines = [
    ...(opts.accessLog ? ['accessLogFile: /dev/stdout'] : []),
    'defaultConfig:',
    `  discoveryAddress: ${opts.discoveryAddress}`,
    '  meshId: {{mesh}}',
    '  proxyMetadata: {}',
    '  tracing:',
    '    zipkin:',
    '      address: zipkin.istio-system:9411',
    'defaultProviders:',
    '  metrics:',
    '  - prometheus',
    'enablePrometheusMerge: true',
    'rootNamespace: istio-system',
    'trustDomain: cluster.local',
  ];
  const name = opts.revision ? `istio-${opts.revision}` : 'istio';
  configMap(w, part, 'mesh-config', 'istio-system', name, created, { mesh: lines.join('\n'), meshNetworks: 'networks: {}' }, {
    labels: { ...OPERATOR_LABELS, 'install.operator.istio.io/owning-resource-namespace': 'istio-system', 'istio.io/rev': opts.revision || 'default', 'operator.istio.io/component': 'Pilot' },
  });
}

// ---------------------------------------------------------------------------------------------
// gateways

export interface GatewayOptions {
  part: string;
  kind: 'ingress' | 'eastwest';
  node: string;
  podIp?: string;
  created: string;
  network?: boolean;
  serviceType?: 'LoadBalancer' | 'NodePort';
  /** LoadBalancer addresses; default: one from the slot's pool. [] = pending. */
  ingress?: string[];
  discoveryAddress?: string;
}

export function gateway(w: World, o: GatewayOptions): { workload: WorkloadModel; service: ServiceModel } {
  const name = o.kind === 'ingress' ? 'istio-ingressgateway' : 'istio-eastwestgateway';
  const istioLabel = o.kind === 'ingress' ? 'ingressgateway' : 'eastwestgateway';
  const net: Record<string, string> = o.network ? { 'topology.istio.io/network': '{{network}}' } : {};
  const sa = `${name}-service-account`;
  serviceAccount(w, o.part, name, 'istio-system', sa, o.created, { app: name, istio: istioLabel, ...net });
  const baseLabels = {
    app: name,
    ...OPERATOR_LABELS,
    istio: istioLabel,
    'istio.io/rev': 'default',
    'operator.istio.io/component': 'IngressGateways',
    ...net,
  };
  const ports =
    o.kind === 'ingress'
      ? [
          { name: 'status-port', port: 15021, targetPort: 15021 },
          { name: 'http2', port: 80, targetPort: 8080 },
          { name: 'https', port: 443, targetPort: 8443 },
        ]
      : [
          { name: 'status-port', port: 15021, targetPort: 15021 },
          { name: 'tls', port: 15443, targetPort: 15443 },
          { name: 'tls-istiod', port: 15012, targetPort: 15012 },
          { name: 'tls-webhook', port: 15017, targetPort: 15017 },
        ];
  const env = [
    { name: 'PILOT_CERT_PROVIDER', value: 'istiod' },
    { name: 'CA_ADDR', value: 'istiod.istio-system.svc:15012' },
    fieldEnv('NODE_NAME', 'spec.nodeName'),
    fieldEnv('POD_NAME', 'metadata.name'),
    fieldEnv('POD_NAMESPACE', 'metadata.namespace'),
    fieldEnv('INSTANCE_IP', 'status.podIP'),
    fieldEnv('HOST_IP', 'status.hostIP'),
    { name: 'ISTIO_CPU_LIMIT', valueFrom: { resourceFieldRef: { divisor: '0', resource: 'limits.cpu' } } },
    fieldEnv('SERVICE_ACCOUNT', 'spec.serviceAccountName'),
    { name: 'ISTIO_META_WORKLOAD_NAME', value: name },
    { name: 'ISTIO_META_OWNER', value: `kubernetes://apis/apps/v1/namespaces/istio-system/deployments/${name}` },
    { name: 'ISTIO_META_MESH_ID', value: '{{mesh}}' },
    { name: 'TRUST_DOMAIN', value: 'cluster.local' },
    { name: 'ISTIO_META_UNPRIVILEGED_POD', value: 'true' },
    ...(o.kind === 'eastwest'
      ? [
          { name: 'ISTIO_META_REQUESTED_NETWORK_VIEW', value: '{{network}}' },
          { name: 'ISTIO_META_ROUTER_MODE', value: 'sni-dnat' },
        ]
      : []),
    ...(o.network ? [{ name: 'ISTIO_META_NETWORK', value: '{{network}}' }] : []),
    { name: 'ISTIO_META_CLUSTER_ID', value: '{{cluster}}' },
    fieldEnv('ISTIO_META_NODE_NAME', 'spec.nodeName'),
  ];
  const workload = addWorkload(w, {
    part: o.part,
    file: name,
    namespace: 'istio-system',
    name,
    labels: baseLabels,
    selector: { app: name, istio: istioLabel, ...net },
    podLabels: {
      app: name,
      chart: 'gateways',
      heritage: 'Tiller',
      ...OPERATOR_LABELS,
      istio: istioLabel,
      'istio.io/rev': 'default',
      'operator.istio.io/component': 'IngressGateways',
      'service.istio.io/canonical-name': name,
      'service.istio.io/canonical-revision': 'latest',
      'sidecar.istio.io/inject': 'false',
      ...net,
    },
    podAnnotations: {
      'istio.io/rev': 'default',
      'prometheus.io/path': '/stats/prometheus',
      'prometheus.io/port': '15020',
      'prometheus.io/scrape': 'true',
      'sidecar.istio.io/inject': 'false',
    },
    spec: {
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/arch', operator: 'In', values: ['amd64', 'arm64', 'ppc64le', 's390x'] }] }],
          },
        },
      },
      containers: [
        {
          args: ['proxy', 'router', '--domain', '$(POD_NAMESPACE).svc.cluster.local', '--proxyLogLevel=warning', '--proxyComponentLogLevel=misc:error', '--log_output_level=default:info'],
          env,
          image: proxyImage(w),
          name: 'istio-proxy',
          ports: [
            ...ports.map((p) => ({ containerPort: p.targetPort })),
            { containerPort: 15090, name: 'http-envoy-prom' },
          ],
          readinessProbe: { failureThreshold: 30, httpGet: { path: '/healthz/ready', port: 15021, scheme: 'HTTP' }, initialDelaySeconds: 1, periodSeconds: 2, successThreshold: 1, timeoutSeconds: 1 },
          resources: { limits: { cpu: '2', memory: '1Gi' }, requests: { cpu: '100m', memory: '128Mi' } },
          securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, privileged: false, readOnlyRootFilesystem: true },
          volumeMounts: [
            { mountPath: '/var/run/secrets/workload-spiffe-uds', name: 'workload-socket' },
            { mountPath: '/var/run/secrets/credential-uds', name: 'credential-socket' },
            { mountPath: '/var/run/secrets/workload-spiffe-credentials', name: 'workload-certs' },
            { mountPath: '/etc/istio/proxy', name: 'istio-envoy' },
            { mountPath: '/etc/istio/config', name: 'config-volume' },
            { mountPath: '/var/run/secrets/istio', name: 'istiod-ca-cert' },
            { mountPath: '/var/run/secrets/tokens', name: 'istio-token', readOnly: true },
            { mountPath: '/var/lib/istio/data', name: 'istio-data' },
            { mountPath: '/etc/istio/pod', name: 'podinfo' },
            { mountPath: '/etc/istio/ingressgateway-certs', name: 'ingressgateway-certs', readOnly: true },
            { mountPath: '/etc/istio/ingressgateway-ca-certs', name: 'ingressgateway-ca-certs', readOnly: true },
          ],
        },
      ],
      securityContext: { fsGroup: 1337, runAsGroup: 1337, runAsNonRoot: true, runAsUser: 1337 },
      serviceAccountName: sa,
      volumes: [
        { emptyDir: {}, name: 'workload-socket' },
        { emptyDir: {}, name: 'credential-socket' },
        { emptyDir: {}, name: 'workload-certs' },
        { configMap: { defaultMode: 420, name: 'istio-ca-root-cert' }, name: 'istiod-ca-cert' },
        {
          downwardAPI: {
            defaultMode: 420,
            items: [
              { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.labels' }, path: 'labels' },
              { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.annotations' }, path: 'annotations' },
            ],
          },
          name: 'podinfo',
        },
        { emptyDir: {}, name: 'istio-envoy' },
        { emptyDir: {}, name: 'istio-data' },
        { name: 'istio-token', projected: { defaultMode: 420, sources: [{ serviceAccountToken: { audience: 'istio-ca', expirationSeconds: 43200, path: 'istio-token' } }] } },
        { configMap: { defaultMode: 420, name: 'istio', optional: true }, name: 'config-volume' },
        { name: 'ingressgateway-certs', secret: { defaultMode: 420, optional: true, secretName: 'istio-ingressgateway-certs' } },
        { name: 'ingressgateway-ca-certs', secret: { defaultMode: 420, optional: true, secretName: 'istio-ingressgateway-ca-certs' } },
      ],
    },
    nodes: [o.node],
    created: o.created,
    podsCreated: `${o.created}+2d`,
    podIps: [o.podIp],
  });
  const type = o.serviceType ?? 'LoadBalancer';
  const service = addService(w, {
    namespace: 'istio-system',
    name,
    labels: { app: name, ...OPERATOR_LABELS, istio: istioLabel, 'istio.io/rev': 'default', 'operator.istio.io/component': 'IngressGateways', ...net },
    type,
    selector: { app: name, istio: istioLabel, ...net },
    ports,
    ...(type === 'LoadBalancer' ? { ingress: o.ingress ?? [w.lbIp('istio-system', name)] } : {}),
    created: o.created,
    part: o.part,
    file: name,
  });
  return { workload, service };
}

/** The Gateway that exposes every *.local service of this network through the east-west gateway. */
export function crossNetworkGateway(w: World, part: string, created: string): void {
  w.add(part, 'istio-eastwestgateway', {
    apiVersion: 'networking.istio.io/v1beta1',
    kind: 'Gateway',
    metadata: meta(w, 'Gateway', 'istio-system', 'cross-network-gateway', created, { generation: 1 }),
    spec: {
      selector: { istio: 'eastwestgateway' },
      servers: [{ hosts: ['*.local'], port: { name: 'tls', number: 15443, protocol: 'TLS' }, tls: { mode: 'AUTO_PASSTHROUGH' } }],
    },
  });
}

// ---------------------------------------------------------------------------------------------
// remote clusters

/** istio-system/istiod-remote: a selector-less Service whose Endpoints say where istiod is. */
export function istiodRemote(w: World, part: string, address: string, created: string): ServiceModel {
  return addService(w, {
    namespace: 'istio-system',
    name: 'istiod-remote',
    labels: { app: 'istiod', ...OPERATOR_LABELS, istio: 'pilot', 'istio.io/rev': 'default' },
    type: 'ClusterIP',
    ports: [
      { name: 'tcp-istiod', port: 15012, targetPort: 15012 },
      { name: 'tcp-webhook', port: 15017, targetPort: 15017 },
    ],
    manualEndpoints: [address],
    created,
    part,
    file: 'istiod-remote',
  });
}

/** A remote secret (`istioctl create-remote-secret`): one data key, the peer's cluster name. */
export function remoteSecret(w: World, part: string, peer: string, created: string, value = `{{kubeconfig:${peer}}}`, key = peer): J {
  return secret(w, part, 'remote-secrets', 'istio-system', `istio-remote-secret-${peer}`, created, { [key]: value }, {
    annotations: { 'networking.istio.io/cluster': peer },
    labels: { 'istio/multiCluster': 'true' },
  });
}

export function istioNamespace(w: World, part: string, created: string, network: boolean): void {
  namespace(w, part, 'istio-system', network ? { 'topology.istio.io/network': '{{network}}' } : {}, created);
}
