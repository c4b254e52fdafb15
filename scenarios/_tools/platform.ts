// The clusters under the meshes: families (when, which Kubernetes and Istio), slots (one simulated
// cluster's nodes and address ranges), and the platform objects every cluster has (kube-system,
// nodes, the kubernetes Service) plus MetalLB where the cluster gets LoadBalancer IPs from it.
//
// Address ranges differ per slot so that an address copied from one cluster into another is
// visible at a glance (a 10.234.x pod IP inside a 10.233.x cluster).

import { addService, addWorkload, configMap, meta, namespace, node, serviceAccount } from './k8s.ts';
import { crd } from './istio.ts';
import type { Family, NodeDef, Slot, World } from './world.ts';

export const FAMILIES: Record<string, Family> = {
  // Single-cluster scenarios (seeds 003, 004): GKE, Istio 1.22 installed with istioctl.
  single: {
    id: 'single',
    recordedAt: '2024-07-16T09:30:00Z',
    k8s: 'v1.29.6-gke.1326000',
    k8sMinor: 29,
    istioTag: '1.22.3',
    istioHub: 'docker.io/istio',
    istioMinor: 22,
    containerRuntime: 'containerd://1.7.15',
  },
  // Multi-primary, multi-network (seed 002): Istio 1.11, the release whose istiod logs
  // `Failed to add remote cluster from secret=... for cluster_id=...` exactly as the seed quotes.
  multi: {
    id: 'multi',
    recordedAt: '2022-06-14T08:30:00Z',
    k8s: 'v1.22.9',
    k8sMinor: 22,
    istioTag: '1.11.8',
    istioHub: 'docker.io/istio',
    istioMinor: 11,
    containerRuntime: 'containerd://1.5.11',
  },
  // Hosted (managed) meshes (seeds 000, 001): DaoCloud MSpider 1.16.1 on DCE clusters, April 2023.
  hosted: {
    id: 'hosted',
    recordedAt: '2023-04-25T12:21:30Z',
    k8s: 'v1.25.4',
    k8sMinor: 25,
    istioTag: '1.16.1-mspider',
    istioHub: 'release.daocloud.io/mspider',
    istioMinor: 16,
    containerRuntime: 'containerd://1.6.19',
  },
};

function gkeNodes(prefix: string, project: string, region: string, base: string, podNet: string, zones: string[], machine: string): NodeDef[] {
  const suffixes = ['5kqz', '9wvt', 'x7m2'];
  return zones.map((zone, i) => {
    const name = `${prefix}-${suffixes[i]}`;
    return {
      name,
      ip: `${base}.${21 + i}`,
      podCidr: `${podNet}.${i}.0/24`,
      zone,
      instanceType: machine,
      providerID: `gce://${project}/${zone}/${name}`,
      labels: {
        'cloud.google.com/gke-boot-disk': 'pd-balanced',
        'cloud.google.com/gke-container-runtime': 'containerd',
        'cloud.google.com/gke-nodepool': 'default-pool',
        'cloud.google.com/gke-os-distribution': 'cos',
        'cloud.google.com/machine-family': machine.split('-')[0] ?? 'e2',
        'topology.gke.io/zone': zone,
      },
      ...(region ? {} : {}),
    };
  });
}

export const SLOTS: Record<string, Slot> = {
  'gke-single': {
    id: 'gke-single',
    family: FAMILIES.single!,
    platform: 'gke',
    region: 'us-central1',
    nodes: gkeNodes('gke-shop-prod-default-pool-8c3f2a1e', 'acme-shop-prod', 'us-central1', '10.128.0', '10.40', ['us-central1-a', 'us-central1-b', 'us-central1-c'], 'e2-standard-4'),
    serviceCidr: '10.43.240.0/20',
    serviceIps: { 'default/kubernetes': '10.43.240.1', 'kube-system/kube-dns': '10.43.240.10' },
    apiserver: { ips: ['172.16.0.2'], port: 443 },
    lb: { kind: 'cloud', pool: '34.121.84.0/24', fixed: { 'istio-system/istio-ingressgateway': '34.121.84.17' } },
    certs: 'single',
    osImage: 'Container-Optimized OS from Google',
    kernel: '6.1.85+',
  },
  'mc-east': {
    id: 'mc-east',
    family: FAMILIES.multi!,
    platform: 'kubeadm',
    region: '',
    nodes: [
      { name: 'east-cp-1', ip: '172.20.1.10', podCidr: '10.10.0.0/24', zone: '', controlPlane: true },
      { name: 'east-worker-1', ip: '172.20.1.11', podCidr: '10.10.1.0/24', zone: '' },
      { name: 'east-worker-2', ip: '172.20.1.12', podCidr: '10.10.2.0/24', zone: '' },
    ],
    serviceCidr: '10.96.0.0/16',
    serviceIps: { 'default/kubernetes': '10.96.0.1', 'kube-system/kube-dns': '10.96.0.10' },
    apiserver: { ips: ['172.20.1.10'], port: 6443 },
    lb: { kind: 'metallb', pool: '172.20.1.240/28', fixed: { 'istio-system/istio-eastwestgateway': '172.20.1.245' } },
    certs: 'mc-east',
    osImage: 'Ubuntu 20.04.4 LTS',
    kernel: '5.4.0-113-generic',
  },
  'mc-west': {
    id: 'mc-west',
    family: FAMILIES.multi!,
    k8sVersion: 'v1.22.8-gke.202',
    platform: 'gke',
    region: 'us-west1',
    nodes: gkeNodes('gke-mesh-west-default-pool-5d1e9c27', 'acme-mesh', 'us-west1', '10.138.0', '10.52', ['us-west1-a', 'us-west1-b', 'us-west1-c'], 'e2-standard-4'),
    serviceCidr: '10.56.0.0/20',
    serviceIps: { 'default/kubernetes': '10.56.0.1', 'kube-system/kube-dns': '10.56.0.10' },
    apiserver: { ips: ['172.16.8.2'], port: 443 },
    lb: { kind: 'cloud', pool: '35.199.160.0/24', fixed: { 'istio-system/istio-eastwestgateway': '35.199.160.23' } },
    certs: 'mc-west',
    osImage: 'Container-Optimized OS from Google',
    kernel: '5.10.109+',
  },
  'hosted-cp': {
    id: 'hosted-cp',
    family: FAMILIES.hosted!,
    platform: 'kubeadm',
    region: '',
    nodes: [
      { name: 'mesh-cp-master1', ip: '10.6.112.10', podCidr: '10.234.64.0/24', zone: '', controlPlane: true },
      { name: 'mesh-cp-worker1', ip: '10.6.112.11', podCidr: '10.234.95.0/24', zone: '' },
      { name: 'mesh-cp-worker2', ip: '10.6.112.12', podCidr: '10.234.105.0/24', zone: '' },
    ],
    serviceCidr: '10.234.0.0/18',
    serviceIps: { 'default/kubernetes': '10.234.0.1', 'kube-system/coredns': '10.234.0.3' },
    apiserver: { ips: ['10.6.112.10'], port: 6443 },
    lb: { kind: 'metallb', pool: '10.6.112.192/27', fixed: { 'istio-system/istiod-{{mesh}}-hosted-lb': '10.6.112.201' } },
    certs: 'hosted-cp',
    osImage: 'CentOS Linux 7 (Core)',
    kernel: '3.10.0-1160.el7.x86_64',
  },
  'hosted-east': {
    id: 'hosted-east',
    family: FAMILIES.hosted!,
    platform: 'kubespray',
    region: '',
    nodes: [
      { name: 'yw-master1', ip: '10.6.114.10', podCidr: '10.233.64.0/24', zone: '', controlPlane: true },
      { name: 'yw-worker1', ip: '10.6.114.11', podCidr: '10.233.97.0/24', zone: '' },
      { name: 'yw-worker2', ip: '10.6.114.12', podCidr: '10.233.105.0/24', zone: '' },
    ],
    serviceCidr: '10.233.0.0/18',
    serviceIps: { 'default/kubernetes': '10.233.0.1', 'kube-system/coredns': '10.233.0.3', 'istio-system/istiod-remote': '10.233.48.75' },
    apiserver: { ips: ['10.6.114.10'], port: 6443 },
    lb: { kind: 'metallb', pool: '10.6.114.192/27', fixed: { 'istio-system/istio-ingressgateway': '10.6.114.200' } },
    certs: 'hosted-east',
    osImage: 'Rocky Linux 8.7 (Green Obsidian)',
    kernel: '4.18.0-425.3.1.el8.x86_64',
  },
  'hosted-west': {
    id: 'hosted-west',
    family: FAMILIES.hosted!,
    platform: 'kubeadm',
    region: '',
    nodes: [
      { name: 'dce88', ip: '10.6.113.100', podCidr: '10.244.0.0/24', zone: '', controlPlane: true },
      { name: 'dce89', ip: '10.6.113.101', podCidr: '10.244.1.0/24', zone: '' },
    ],
    serviceCidr: '10.96.0.0/16',
    serviceIps: { 'default/kubernetes': '10.96.0.1', 'kube-system/kube-dns': '10.96.0.10' },
    apiserver: { ips: ['10.6.113.100'], port: 6443 },
    lb: { kind: 'metallb', pool: '10.6.113.192/27', fixed: { 'istio-system/istio-ingressgateway': '10.6.113.200' } },
    certs: 'hosted-west',
    osImage: 'CentOS Linux 7 (Core)',
    kernel: '3.10.0-1160.el7.x86_64',
  },
  colo: {
    id: 'colo',
    family: FAMILIES.hosted!,
    platform: 'kubeadm',
    region: '',
    nodes: [
      { name: 'colo-master1', ip: '10.6.116.10', podCidr: '10.236.64.0/24', zone: '', controlPlane: true },
      { name: 'colo-worker1', ip: '10.6.116.11', podCidr: '10.236.96.0/24', zone: '' },
      { name: 'colo-worker2', ip: '10.6.116.12', podCidr: '10.236.97.0/24', zone: '' },
    ],
    serviceCidr: '10.236.0.0/18',
    serviceIps: { 'default/kubernetes': '10.236.0.1', 'kube-system/coredns': '10.236.0.3' },
    apiserver: { ips: ['10.6.116.10'], port: 6443 },
    lb: {
      kind: 'metallb',
      pool: '10.6.116.192/27',
      fixed: { 'istio-system/istio-ingressgateway': '10.6.116.200', 'istio-system/istiod-{{mesh}}-hosted-lb': '10.6.116.201' },
    },
    certs: 'colo',
    osImage: 'CentOS Linux 7 (Core)',
    kernel: '3.10.0-1160.el7.x86_64',
  },
};

export const part = (w: World, name: string) => `${w.slot.id}-${name}`;

/** Namespaces, nodes, DNS, kube-proxy and the kubernetes Service. */
export function platform(w: World): void {
  const p = part(w, 'platform');
  for (const ns of ['default', 'kube-node-lease', 'kube-public', 'kube-system']) namespace(w, p, ns);
  for (const n of w.slot.nodes) node(w, p, n);
  addService(w, {
    namespace: 'default',
    name: 'kubernetes',
    labels: { component: 'apiserver', provider: 'kubernetes' },
    type: 'ClusterIP',
    ports: [{ name: 'https', port: 443, targetPort: w.slot.apiserver.port }],
    manualEndpoints: w.slot.apiserver.ips,
    manualEndpointsManagedBy: 'kube-apiserver',
    created: '-400d',
    part: p,
    file: 'kube-system',
  });
  dns(w, p);
  if (w.slot.platform !== 'gke') kubeProxy(w, p);
}

function workers(w: World): string[] {
  return w.slot.nodes.filter((n) => !n.controlPlane || w.slot.nodes.length <= 2).map((n) => n.name);
}

function dns(w: World, p: string): void {
  const gke = w.slot.platform === 'gke';
  const name = gke ? 'kube-dns' : 'coredns';
  const serviceName = w.slot.platform === 'kubespray' || w.slot.serviceIps['kube-system/coredns'] ? 'coredns' : 'kube-dns';
  const labels = gke ? { 'k8s-app': 'kube-dns' } : { 'k8s-app': 'kube-dns' };
  serviceAccount(w, p, 'kube-system', 'kube-system', name, '-400d');
  const containers = gke
    ? [
        {
          args: ['--domain=cluster.local.', '--dns-port=10053', '--config-dir=/kube-dns-config', '--v=2'],
          image: 'gke.gcr.io/k8s-dns-kube-dns:1.23.0-gke.9',
          name: 'kubedns',
          ports: [{ containerPort: 10053, name: 'dns-local', protocol: 'UDP' }, { containerPort: 10053, name: 'dns-tcp-local' }, { containerPort: 10055, name: 'metrics' }],
          readinessProbe: { failureThreshold: 3, httpGet: { path: '/readiness', port: 8081, scheme: 'HTTP' }, initialDelaySeconds: 3, periodSeconds: 10, successThreshold: 1, timeoutSeconds: 5 },
          resources: { limits: { memory: '210Mi' }, requests: { cpu: '100m', memory: '70Mi' } },
        },
        {
          args: ['-v=2', '-logtostderr', '-configDir=/etc/k8s/dns/dnsmasq-nanny', '-restartDnsmasq=true', '--', '-k', '--cache-size=1000', '--no-negcache', '--dns-forward-max=1500', '--log-facility=-', '--server=/cluster.local/127.0.0.1#10053'],
          image: 'gke.gcr.io/k8s-dns-dnsmasq-nanny:1.23.0-gke.9',
          name: 'dnsmasq',
          ports: [{ containerPort: 53, name: 'dns', protocol: 'UDP' }, { containerPort: 53, name: 'dns-tcp' }],
          resources: { requests: { cpu: '150m', memory: '20Mi' } },
        },
      ]
    : [
        {
          args: ['-conf', '/etc/coredns/Corefile'],
          image: w.slot.family.k8sMinor >= 25 ? 'registry.k8s.io/coredns/coredns:v1.9.3' : 'k8s.gcr.io/coredns/coredns:v1.8.4',
          name: 'coredns',
          ports: [{ containerPort: 53, name: 'dns', protocol: 'UDP' }, { containerPort: 53, name: 'dns-tcp' }, { containerPort: 9153, name: 'metrics' }],
          readinessProbe: { failureThreshold: 3, httpGet: { path: '/ready', port: 8181, scheme: 'HTTP' }, periodSeconds: 10, successThreshold: 1, timeoutSeconds: 1 },
          resources: { limits: { memory: '170Mi' }, requests: { cpu: '100m', memory: '70Mi' } },
          volumeMounts: [{ mountPath: '/etc/coredns', name: 'config-volume', readOnly: true }],
        },
      ];
  addWorkload(w, {
    part: p,
    file: 'kube-system',
    namespace: 'kube-system',
    name,
    labels: { 'k8s-app': 'kube-dns', ...(gke ? { 'addonmanager.kubernetes.io/mode': 'Reconcile' } : {}) },
    selector: { 'k8s-app': 'kube-dns' },
    podLabels: labels,
    spec: {
      containers,
      dnsPolicy: 'Default',
      priorityClassName: 'system-cluster-critical',
      serviceAccountName: name,
      ...(gke ? {} : { volumes: [{ configMap: { defaultMode: 420, items: [{ key: 'Corefile', path: 'Corefile' }], name: 'coredns' }, name: 'config-volume' }] }),
    },
    replicas: 2,
    nodes: workers(w),
    created: '-400d',
    podsCreated: '-31d',
  });
  if (!gke) {
    configMap(w, p, 'kube-system', 'kube-system', 'coredns', '-400d', {
      Corefile: '.:53 {\n    errors\n    health {\n       lameduck 5s\n    }\n    ready\n    kubernetes cluster.local in-addr.arpa ip6.arpa {\n       pods insecure\n       fallthrough in-addr.arpa ip6.arpa\n       ttl 30\n    }\n    prometheus :9153\n    forward . /etc/resolv.conf {\n       max_concurrent 1000\n    }\n    cache 30\n    loop\n    reload\n    loadbalance\n}\n',
    });
  }
  addService(w, {
    namespace: 'kube-system',
    name: serviceName,
    labels: { 'k8s-app': 'kube-dns', 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': gke ? 'KubeDNS' : 'CoreDNS' },
    type: 'ClusterIP',
    selector: { 'k8s-app': 'kube-dns' },
    ports: [
      { name: 'dns', port: 53, targetPort: 53, protocol: 'UDP' },
      { name: 'dns-tcp', port: 53, targetPort: 53 },
      ...(gke ? [] : [{ name: 'metrics', port: 9153, targetPort: 9153 }]),
    ],
    created: '-400d',
    part: p,
    file: 'kube-system',
  });
}

function kubeProxy(w: World, p: string): void {
  serviceAccount(w, p, 'kube-system', 'kube-system', 'kube-proxy', '-400d');
  addWorkload(w, {
    part: p,
    file: 'kube-system',
    kind: 'DaemonSet',
    namespace: 'kube-system',
    name: 'kube-proxy',
    labels: { 'k8s-app': 'kube-proxy' },
    selector: { 'k8s-app': 'kube-proxy' },
    podLabels: { 'k8s-app': 'kube-proxy' },
    spec: {
      containers: [
        {
          command: ['/usr/local/bin/kube-proxy', '--config=/var/lib/kube-proxy/config.conf', '--hostname-override=$(NODE_NAME)'],
          env: [{ name: 'NODE_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.nodeName' } } }],
          image: `${w.slot.family.k8sMinor >= 25 ? 'registry.k8s.io' : 'k8s.gcr.io'}/kube-proxy:${w.slot.k8sVersion ?? w.slot.family.k8s}`,
          name: 'kube-proxy',
          securityContext: { privileged: true },
          volumeMounts: [{ mountPath: '/var/lib/kube-proxy', name: 'kube-proxy' }, { mountPath: '/run/xtables.lock', name: 'xtables-lock' }, { mountPath: '/lib/modules', name: 'lib-modules', readOnly: true }],
        },
      ],
      hostNetwork: true,
      nodeSelector: { 'kubernetes.io/os': 'linux' },
      priorityClassName: 'system-node-critical',
      serviceAccountName: 'kube-proxy',
      tolerations: [{ operator: 'Exists' }],
      volumes: [
        { configMap: { defaultMode: 420, name: 'kube-proxy' }, name: 'kube-proxy' },
        { hostPath: { path: '/run/xtables.lock', type: 'FileOrCreate' }, name: 'xtables-lock' },
        { hostPath: { path: '/lib/modules', type: '' }, name: 'lib-modules' },
      ],
    },
    nodes: w.slot.nodes.map((n) => n.name),
    created: '-400d',
    podsCreated: '-31d',
  });
}

/** MetalLB: the LoadBalancer implementation of the bare-metal clusters. */
export function metallb(w: World): void {
  const p = part(w, 'metallb');
  const v013 = w.slot.family.k8sMinor >= 25;
  const version = v013 ? 'v0.13.9' : 'v0.12.1';
  namespace(w, p, 'metallb-system', { app: 'metallb', 'pod-security.kubernetes.io/audit': 'privileged', 'pod-security.kubernetes.io/enforce': 'privileged', 'pod-security.kubernetes.io/warn': 'privileged' }, '-300d');
  serviceAccount(w, p, 'metallb', 'metallb-system', 'controller', '-300d', { app: 'metallb' });
  serviceAccount(w, p, 'metallb', 'metallb-system', 'speaker', '-300d', { app: 'metallb' });
  if (v013) {
    const labels = {};
    for (const [kind, plural, v] of [
      ['IPAddressPool', 'ipaddresspools', 'v1beta1'],
      ['L2Advertisement', 'l2advertisements', 'v1beta1'],
      ['BGPPeer', 'bgppeers', 'v1beta2'],
    ] as const) {
      crd(w, p, 'metallb-crds', { group: 'metallb.io', kind, plural, versions: [v], storage: v, categories: [] }, { annotations: { 'controller-gen.kubebuilder.io/version': 'v0.7.0' }, labels }, '-300d');
    }
    const [first, last] = poolRange(w);
    w.add(p, 'metallb', {
      apiVersion: 'metallb.io/v1beta1',
      kind: 'IPAddressPool',
      metadata: meta(w, 'IPAddressPool', 'metallb-system', 'default-pool', '-300d', { generation: 1 }),
      spec: { addresses: [`${first}-${last}`], autoAssign: true, avoidBuggyIPs: false },
    });
    w.add(p, 'metallb', {
      apiVersion: 'metallb.io/v1beta1',
      kind: 'L2Advertisement',
      metadata: meta(w, 'L2Advertisement', 'metallb-system', 'default', '-300d', { generation: 1 }),
      spec: { ipAddressPools: ['default-pool'] },
    });
  } else {
    const [first, last] = poolRange(w);
    configMap(w, p, 'metallb', 'metallb-system', 'config', '-300d', {
      config: `address-pools:\n- name: default\n  protocol: layer2\n  addresses:\n  - ${first}-${last}\n`,
    });
  }
  addWorkload(w, {
    part: p,
    file: 'metallb',
    namespace: 'metallb-system',
    name: 'controller',
    labels: { app: 'metallb', component: 'controller' },
    selector: { app: 'metallb', component: 'controller' },
    podLabels: { app: 'metallb', component: 'controller' },
    podAnnotations: { 'prometheus.io/port': '7472', 'prometheus.io/scrape': 'true' },
    spec: {
      containers: [
        {
          args: ['--port=7472', '--log-level=info'],
          image: `quay.io/metallb/controller:${version}`,
          name: 'controller',
          ports: [{ containerPort: 7472, name: 'monitoring' }, ...(v013 ? [{ containerPort: 9443, name: 'webhook-server' }] : [])],
          securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['all'] }, readOnlyRootFilesystem: true },
        },
      ],
      nodeSelector: { 'kubernetes.io/os': 'linux' },
      securityContext: { fsGroup: 65534, runAsNonRoot: true, runAsUser: 65534 },
      serviceAccountName: 'controller',
      terminationGracePeriodSeconds: 0,
    },
    nodes: workers(w),
    created: '-300d',
    podsCreated: '-31d',
  });
  addWorkload(w, {
    part: p,
    file: 'metallb',
    kind: 'DaemonSet',
    namespace: 'metallb-system',
    name: 'speaker',
    labels: { app: 'metallb', component: 'speaker' },
    selector: { app: 'metallb', component: 'speaker' },
    podLabels: { app: 'metallb', component: 'speaker' },
    podAnnotations: { 'prometheus.io/port': '7472', 'prometheus.io/scrape': 'true' },
    spec: {
      containers: [
        {
          args: ['--port=7472', '--log-level=info'],
          env: [
            { name: 'METALLB_NODE_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.nodeName' } } },
            { name: 'METALLB_HOST', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'status.hostIP' } } },
            { name: 'METALLB_ML_BIND_ADDR', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'status.podIP' } } },
          ],
          image: `quay.io/metallb/speaker:${version}`,
          name: 'speaker',
          ports: [{ containerPort: 7472, name: 'monitoring' }, { containerPort: 7946, name: 'memberlist-tcp' }, { containerPort: 7946, name: 'memberlist-udp', protocol: 'UDP' }],
          securityContext: { allowPrivilegeEscalation: false, capabilities: { add: ['NET_RAW'], drop: ['ALL'] }, readOnlyRootFilesystem: true },
        },
      ],
      hostNetwork: true,
      nodeSelector: { 'kubernetes.io/os': 'linux' },
      serviceAccountName: 'speaker',
      terminationGracePeriodSeconds: 2,
      tolerations: [
        { effect: 'NoSchedule', key: 'node-role.kubernetes.io/master', operator: 'Exists' },
        { effect: 'NoSchedule', key: 'node-role.kubernetes.io/control-plane', operator: 'Exists' },
      ],
    },
    nodes: w.slot.nodes.map((n) => n.name),
    created: '-300d',
    podsCreated: '-31d',
  });
  if (v013) {
    addService(w, {
      namespace: 'metallb-system',
      name: 'webhook-service',
      type: 'ClusterIP',
      selector: { app: 'metallb', component: 'controller' },
      ports: [{ port: 443, targetPort: 9443 }],
      created: '-300d',
      part: p,
      file: 'metallb',
    });
  }
}

function poolRange(w: World): [string, string] {
  const [base, bits] = w.slot.lb.pool.split('/');
  const parts = (base ?? '').split('.').map(Number);
  const size = 2 ** (32 - Number(bits));
  const last = (parts[3] ?? 0) + size - 2;
  return [`${parts.slice(0, 3).join('.')}.${(parts[3] ?? 0) + size / 4}`, `${parts.slice(0, 3).join('.')}.${last}`];
}
