// The applications the meshes carry: the seed's review/rating (003), helloworld/sleep from Istio's
// multicluster verification guide (002), and a bookinfo slice for the hosted meshes.

import { addService, addWorkload, meta, namespace, serviceAccount } from './k8s.ts';
import { injectSidecar, rootCertConfigMap } from './istio.ts';
import type { J, PodModel, WorkloadModel, World } from './world.ts';

export interface AppSpec {
  ns: string;
  name: string;
  app: string;
  version: string;
  image: string;
  port: number;
  node: string;
  created: string;
  podsCreated?: string;
  sa?: string;
  inject?: boolean;
  network?: boolean;
  env?: J[];
  args?: string[];
  command?: string[];
  /** Extra pod labels beyond app/version. */
  extraPodLabels?: Record<string, string>;
  probe?: string;
}

export function appWorkload(w: World, part: string, s: AppSpec): WorkloadModel {
  const podLabels = { app: s.app, version: s.version, ...(s.extraPodLabels ?? {}) };
  const selector = { app: s.app, version: s.version };
  return addWorkload(w, {
    part,
    file: s.ns,
    namespace: s.ns,
    name: s.name,
    labels: { app: s.app, version: s.version },
    selector,
    podLabels,
    spec: {
      containers: [
        {
          ...(s.args ? { args: s.args } : {}),
          ...(s.command ? { command: s.command } : {}),
          ...(s.env ? { env: s.env } : {}),
          image: s.image,
          name: s.app,
          ports: [{ containerPort: s.port }],
          ...(s.probe ? { readinessProbe: { failureThreshold: 3, httpGet: { path: s.probe, port: s.port, scheme: 'HTTP' }, periodSeconds: 10, successThreshold: 1, timeoutSeconds: 1 } } : {}),
          resources: { limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: '50m', memory: '64Mi' } },
        },
      ],
      serviceAccountName: s.sa ?? 'default',
    },
    nodes: [s.node],
    created: s.created,
    podsCreated: s.podsCreated ?? s.created,
    ...(s.inject !== false ? { mutatePod: (pod: PodModel) => injectSidecar(w, pod, { kind: 'Deployment', name: s.name }, { network: s.network ?? false }) } : {}),
  });
}

export function appService(w: World, part: string, ns: string, name: string, port: { name?: string; port: number; targetPort: number; appProtocol?: string }, opts: { type?: 'ClusterIP' | 'NodePort'; headless?: boolean; created: string; selector?: Record<string, string> }): void {
  addService(w, {
    namespace: ns,
    name,
    labels: { app: opts.selector?.app ?? name, service: name },
    type: opts.type ?? 'ClusterIP',
    ...(opts.headless ? { headless: true } : {}),
    selector: opts.selector ?? { app: name },
    ports: [port],
    created: opts.created,
    part,
    file: ns,
  });
}

export function appNamespace(w: World, part: string, ns: string, created: string, certSet: string): void {
  namespace(w, part, ns, { 'istio-injection': 'enabled' }, created);
  serviceAccount(w, part, ns, ns, 'default', created);
  rootCertConfigMap(w, part, ns, certSet, created);
}

export function istioObject(w: World, part: string, file: string, kind: string, ns: string, name: string, spec: J, created: string, apiVersion = 'networking.istio.io/v1beta1'): J {
  return w.add(part, file, {
    apiVersion,
    kind,
    metadata: meta(w, kind, ns, name, created, { generation: 1 }),
    spec,
  });
}

// ---------------------------------------------------------------------------------------------
// seed 003: review and rating (github.com/zackzhangkai/showcase go-demo), MySQL without sidecar

export function reviewApp(w: World, part: string, certSet: string, nodes: string[]): void {
  const ns = 'review';
  const created = '-43d';
  appNamespace(w, part, ns, created, certSet);
  appWorkload(w, part, {
    ns,
    name: 'review',
    app: 'review',
    version: 'v1',
    image: 'zackzhangkai/review:v1.2.0',
    port: 8080,
    node: nodes[0] ?? '',
    created,
    podsCreated: '-6d3h',
    env: [{ name: 'RATING_URL', value: 'http://rating.review.svc.cluster.local:8888' }],
    probe: '/healthz',
  });
  appWorkload(w, part, {
    ns,
    name: 'rating-v1',
    app: 'rating',
    version: 'v1',
    image: 'zackzhangkai/rating:v1.2.0',
    port: 8888,
    node: nodes[1] ?? '',
    created,
    podsCreated: '-6d3h',
    env: [{ name: 'MYSQL_HOST', value: 'mysql.review.svc.cluster.local' }],
    probe: '/healthz',
  });
  // The seed's mysql runs 1/1 in the injected namespace: opted out of the mesh on purpose.
  appWorkload(w, part, {
    ns,
    name: 'mysql',
    app: 'mysql',
    version: 'v1',
    image: 'mysql:8.0.33',
    port: 3306,
    node: nodes[2] ?? '',
    created,
    podsCreated: '-6d3h',
    inject: false,
    extraPodLabels: { 'sidecar.istio.io/inject': 'false' },
    env: [{ name: 'MYSQL_RANDOM_ROOT_PASSWORD', value: 'yes' }],
  });
  appService(w, part, ns, 'review', { name: 'http-web', port: 80, targetPort: 8080 }, { type: 'NodePort', created });
  appService(w, part, ns, 'rating', { name: 'http-rating', port: 8888, targetPort: 8888 }, { created });
  appService(w, part, ns, 'mysql', { name: 'tcp-mysql', port: 3306, targetPort: 3306 }, { headless: true, created });
  istioObject(w, part, ns, 'Gateway', ns, 'review-gateway', { selector: { istio: 'ingressgateway' }, servers: [{ hosts: ['*'], port: { name: 'http', number: 80, protocol: 'HTTP' } }] }, created);
  istioObject(w, part, ns, 'VirtualService', ns, 'review', {
    gateways: ['review-gateway'],
    hosts: ['*'],
    http: [{ match: [{ uri: { prefix: '/review' } }], route: [{ destination: { host: 'review.review.svc.cluster.local', port: { number: 80 }, subset: 'v1' } }] }],
  }, created);
  istioObject(w, part, ns, 'VirtualService', ns, 'rating', {
    hosts: ['rating.review.svc.cluster.local'],
    http: [{ route: [{ destination: { host: 'rating.review.svc.cluster.local', subset: 'v1' } }] }],
  }, created);
  istioObject(w, part, ns, 'DestinationRule', ns, 'review', { host: 'review.review.svc.cluster.local', subsets: [{ labels: { version: 'v1' }, name: 'v1' }] }, created);
  istioObject(w, part, ns, 'DestinationRule', ns, 'rating', { host: 'rating.review.svc.cluster.local', subsets: [{ labels: { version: 'v1' }, name: 'v1' }] }, created);
}

// ---------------------------------------------------------------------------------------------
// seed 002: Istio's multicluster verification apps

export function helloworldApp(w: World, part: string, certSet: string, version: 'v1' | 'v2', nodes: string[]): void {
  const ns = 'sample';
  const created = '-20d';
  appNamespace(w, part, ns, created, certSet);
  serviceAccount(w, part, ns, ns, 'sleep', created);
  appWorkload(w, part, {
    ns,
    name: `helloworld-${version}`,
    app: 'helloworld',
    version,
    image: `docker.io/istio/examples-helloworld-${version}`,
    port: 5000,
    node: nodes[0] ?? '',
    created,
    network: true,
    env: [{ name: 'SERVICE_VERSION', value: version }],
  });
  appWorkload(w, part, {
    ns,
    name: 'sleep',
    app: 'sleep',
    version: 'v1',
    image: 'curlimages/curl',
    port: 80,
    node: nodes[1] ?? '',
    created,
    sa: 'sleep',
    network: true,
    command: ['/bin/sleep', 'infinity'],
  });
  appService(w, part, ns, 'helloworld', { name: 'http', port: 5000, targetPort: 5000 }, { created });
  appService(w, part, ns, 'sleep', { name: 'http', port: 80, targetPort: 80 }, { created });
}

// ---------------------------------------------------------------------------------------------
// hosted meshes: a bookinfo slice behind the ingress gateway

export function bookinfoApp(w: World, part: string, certSet: string, nodes: string[]): void {
  const ns = 'bookinfo';
  const created = '-12d';
  appNamespace(w, part, ns, created, certSet);
  for (const [i, name] of ['productpage', 'details'].entries()) {
    serviceAccount(w, part, ns, ns, `bookinfo-${name}`, created, { account: name });
    appWorkload(w, part, {
      ns,
      name: `${name}-v1`,
      app: name,
      version: 'v1',
      image: `docker.io/istio/examples-bookinfo-${name}-v1:1.17.0`,
      port: 9080,
      node: nodes[i % nodes.length] ?? '',
      created,
      sa: `bookinfo-${name}`,
    });
    appService(w, part, ns, name, { name: 'http', port: 9080, targetPort: 9080 }, { created });
  }
  istioObject(w, part, ns, 'Gateway', ns, 'bookinfo-gateway', { selector: { istio: 'ingressgateway' }, servers: [{ hosts: ['*'], port: { name: 'http', number: 80, protocol: 'HTTP' } }] }, created);
  istioObject(w, part, ns, 'VirtualService', ns, 'bookinfo', {
    gateways: ['bookinfo-gateway'],
    hosts: ['*'],
    http: [
      {
        match: [{ uri: { exact: '/productpage' } }, { uri: { prefix: '/static' } }, { uri: { exact: '/login' } }, { uri: { exact: '/logout' } }, { uri: { prefix: '/api/v1/products' } }],
        route: [{ destination: { host: 'productpage', port: { number: 9080 } } }],
      },
    ],
  }, created);
}
