// Does anything in this cluster implement Services of type LoadBalancer? Bare-metal clusters
// need MetalLB (or kube-vip, OpenELB, PureLB, Cilium LB IPAM, k3s ServiceLB); cloud clusters
// have a cloud controller, visible as the nodes' spec.providerID scheme.

import type { Evidence } from '../../domain/finding.ts';
import type { K8sObject } from '../../domain/k8s-object.ts';
import type { Snapshot } from '../../k8s/snapshot.ts';
import { evidenceOf, isPodReady } from './objects.ts';

const CLOUD_SCHEMES = new Set([
  'aws', 'gce', 'azure', 'openstack', 'vsphere', 'digitalocean', 'linode', 'hcloud', 'oci', 'ibm', 'alicloud',
  'huaweicloud', 'tencentcloud', 'exoscale', 'scaleway', 'ovhcloud', 'vultr', 'equinixmetal', 'packet', 'baiducloud', 'volcengine',
]);

interface Implementation {
  name: string;
  /** Pods that implement it, if it runs in the cluster. */
  pods: K8sObject[];
  /** Namespace or CRD or node that shows it is there. */
  marker: K8sObject;
}

interface Finder {
  name: string;
  namespaces: string[];
  crds: string[];
  podMatch: (pod: K8sObject) => boolean;
}

const label = (pod: K8sObject, key: string): string => pod.metadata.labels?.[key] ?? '';

const FINDERS: Finder[] = [
  {
    name: 'MetalLB',
    namespaces: ['metallb-system'],
    crds: ['ipaddresspools.metallb.io', 'addresspools.metallb.io'],
    podMatch: (p) => label(p, 'app') === 'metallb' || label(p, 'app.kubernetes.io/name') === 'metallb' || p.metadata.namespace === 'metallb-system',
  },
  {
    name: 'kube-vip',
    namespaces: [],
    crds: [],
    podMatch: (p) => /^kube-vip/.test(label(p, 'app.kubernetes.io/name') || label(p, 'app') || p.metadata.name),
  },
  {
    name: 'OpenELB',
    namespaces: ['openelb-system'],
    crds: ['eips.network.kubesphere.io'],
    podMatch: (p) => p.metadata.name.startsWith('openelb-') || label(p, 'app') === 'openelb',
  },
  { name: 'PureLB', namespaces: ['purelb'], crds: ['servicegroups.purelb.io'], podMatch: (p) => p.metadata.namespace === 'purelb' },
  { name: 'Cilium LB IPAM', namespaces: [], crds: ['ciliumloadbalancerippools.cilium.io'], podMatch: () => false },
  {
    name: 'k3s ServiceLB',
    namespaces: [],
    crds: [],
    podMatch: (p) => label(p, 'svccontroller.k3s.cattle.io/svcname') !== '' || p.metadata.name.startsWith('svclb-'),
  },
];

export interface LbImplementations {
  /** "MetalLB (2 pods in metallb-system, 2 Ready)" or "no LoadBalancer implementation found: ...". */
  summary: string;
  found: string[];
  evidence: Evidence[];
}

export function detectLoadBalancerImplementations(snapshot: Snapshot): LbImplementations {
  const cluster = snapshot.cluster;
  const namespaces = snapshot.list('namespaces');
  const crds = snapshot.list('customresourcedefinitions.apiextensions.k8s.io');
  const pods = snapshot.list('pods');
  const nodes = snapshot.list('nodes');
  const found: Implementation[] = [];
  for (const f of FINDERS) {
    const implPods = pods.filter(f.podMatch);
    const marker =
      implPods[0] ??
      namespaces.find((n) => f.namespaces.includes(n.metadata.name)) ??
      crds.find((c) => f.crds.includes(c.metadata.name));
    if (marker) found.push({ name: f.name, pods: implPods, marker });
  }
  const cloud = cloudProvider(nodes);
  if (cloud) found.push({ name: `cloud provider ${cloud.scheme}`, pods: [], marker: cloud.node });
  if (found.length === 0) return none(cluster, nodes);
  return {
    found: found.map((i) => i.name),
    summary: `LoadBalancer implementation present: ${found.map(describe).join(', ')}`,
    evidence: found.map((i) => evidenceOf(cluster, i.marker, i.marker.kind === 'Node' ? 'spec.providerID' : 'metadata.name', i.marker.kind === 'Node' ? String(i.marker.spec?.providerID) : i.name)),
  };
}

function describe(i: Implementation): string {
  if (i.pods.length === 0) return i.marker.kind === 'Node' ? i.name : `${i.name} (${i.marker.kind} ${i.marker.metadata.name}, no pods running)`;
  const ready = i.pods.filter(isPodReady).length;
  const ns = [...new Set(i.pods.map((p) => p.metadata.namespace))].join(', ');
  return `${i.name} (${i.pods.length} pod${i.pods.length > 1 ? 's' : ''} in ${ns}, ${ready} Ready)`;
}

function cloudProvider(nodes: K8sObject[]): { scheme: string; node: K8sObject } | undefined {
  for (const node of nodes) {
    const id = typeof node.spec?.providerID === 'string' ? node.spec.providerID : '';
    const scheme = /^([a-z0-9-]+):\/\//.exec(id)?.[1];
    if (scheme && CLOUD_SCHEMES.has(scheme)) return { scheme, node };
  }
  return undefined;
}

function none(cluster: string, nodes: K8sObject[]): LbImplementations {
  const ids = [...new Set(nodes.map((n) => (typeof n.spec?.providerID === 'string' ? n.spec.providerID.split('://')[0] : '')))].filter(Boolean);
  const nodeNote = ids.length > 0 ? `node providerIDs are ${ids.map((s) => `${s}://`).join(', ')} (no cloud controller)` : 'nodes have no cloud providerID';
  const first = nodes[0];
  return {
    found: [],
    summary: `no LoadBalancer implementation found: no MetalLB, kube-vip, OpenELB, PureLB, Cilium LB IPAM or k3s ServiceLB, ${nodeNote}`,
    evidence: first ? [evidenceOf(cluster, first, 'spec.providerID', String(first.spec?.providerID ?? '(none)'))] : [],
  };
}
