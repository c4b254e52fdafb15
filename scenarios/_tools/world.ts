// The model of one simulated cluster before it becomes Kubernetes objects. Workloads and Services
// stay models until render(), so an incident that changes a pod (not ready, restarting, a label
// missing) automatically changes everything derived from it: ReplicaSet and Deployment status,
// Endpoints and EndpointSlices, exactly as the controllers of a real cluster would.

import { Clock, IpPool, cidr, hashInt, hex, k8sSuffix, uid } from './util.ts';

// biome-ignore lint/suspicious/noExplicitAny: generated Kubernetes JSON
export type J = any;

export interface NodeDef {
  name: string;
  ip: string;
  externalIp?: string;
  podCidr: string;
  zone: string;
  controlPlane?: boolean;
  /** Set by cloud providers only (bare-metal nodes have no instance type). */
  instanceType?: string;
  providerID?: string;
  labels?: Record<string, string>;
}

export interface Family {
  id: string;
  recordedAt: string;
  k8s: string;
  k8sMinor: number;
  istioTag: string;
  istioHub: string;
  istioMinor: number;
  containerRuntime: string;
}

export interface Slot {
  id: string;
  family: Family;
  /** kubelet version when it differs from the family's. */
  k8sVersion?: string;
  platform: 'gke' | 'kubeadm' | 'kubespray';
  region: string;
  nodes: NodeDef[];
  serviceCidr: string;
  /** `namespace/name` -> ClusterIP, for addresses the sources name (10.233.48.75) or conventions fix. */
  serviceIps: Record<string, string>;
  apiserver: { ips: string[]; port: number };
  /** Where LoadBalancer addresses come from. */
  lb: { kind: 'cloud' | 'metallb'; pool: string; fixed?: Record<string, string> };
  /** Name of the certificate set in certs/ (intermediate CA of this cluster). */
  certs: string;
  osImage: string;
  kernel: string;
}

export interface Item {
  obj: J;
  /** Which base this object belongs to when healthy (platform, lb, istio, app, ...). */
  part: string;
  /** File name (without .yaml) it is written to. */
  file: string;
}

export interface LogItem {
  namespace: string;
  pod: string;
  container: string;
  previous: boolean;
  text: string;
  part: string;
}

/** A container's life as the kubelet reports it. */
export interface Run {
  ready: boolean;
  restartCount: number;
  state: J;
  lastState?: J;
  started?: boolean;
}

export interface PodModel {
  name: string;
  namespace: string;
  node: NodeDef;
  ip: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  spec: J;
  created: string;
  owner?: { apiVersion: string; kind: string; name: string; uid: string };
  init: Record<string, Run>;
  containers: Record<string, Run>;
  /** When Ready last changed (offset); default created + 8s. */
  readySince?: string;
  phase?: string;
  part: string;
  file: string;
}

export interface WorkloadModel {
  kind: 'Deployment' | 'DaemonSet';
  namespace: string;
  name: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  selector: Record<string, string>;
  template: { labels: Record<string, string>; annotations: Record<string, string>; spec: J };
  replicas: number;
  hash: string;
  created: string;
  pods: PodModel[];
  part: string;
  file: string;
  /** Deployment: seconds after which a rollout that never became available is reported stuck. */
  progressing?: 'complete' | 'updating' | 'deadline-exceeded';
}

export interface ServicePort {
  name?: string;
  port: number;
  targetPort: number;
  protocol?: string;
  appProtocol?: string;
  nodePort?: number;
}

export interface ServiceModel {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  type: 'ClusterIP' | 'NodePort' | 'LoadBalancer';
  headless?: boolean;
  clusterIP: string;
  ports: ServicePort[];
  selector?: Record<string, string>;
  /** LoadBalancer status: IPs, or [] while pending. */
  ingress?: string[];
  /** Selector-less Services: addresses of the hand-made Endpoints (mirrored into an EndpointSlice). */
  manualEndpoints?: string[];
  manualEndpointsManagedBy?: string;
  created: string;
  part: string;
  file: string;
}

export class World {
  readonly items: Item[] = [];
  readonly logs: LogItem[] = [];
  readonly workloads: WorkloadModel[] = [];
  readonly services: ServiceModel[] = [];
  readonly clock: Clock;
  private readonly podPools = new Map<string, IpPool>();
  private readonly servicePool: IpPool;
  private readonly lbPool: IpPool;

  constructor(readonly slot: Slot) {
    this.clock = new Clock(new Date(slot.family.recordedAt));
    this.servicePool = new IpPool(cidr(slot.serviceCidr), Object.values(slot.serviceIps));
    this.lbPool = new IpPool(cidr(slot.lb.pool), Object.values(slot.lb.fixed ?? {}));
  }

  key(...parts: string[]): string {
    return [this.slot.id, ...parts].join('/');
  }

  uid(...parts: string[]): string {
    return uid(this.key(...parts));
  }

  add(part: string, file: string, obj: J): J {
    this.items.push({ obj, part, file });
    return obj;
  }

  find(kind: string, namespace: string | undefined, name: string): J | undefined {
    return this.items.find(
      (i) => i.obj.kind === kind && i.obj.metadata.name === name && i.obj.metadata.namespace === namespace,
    )?.obj;
  }

  workload(namespace: string, name: string): WorkloadModel {
    const w = this.workloads.find((x) => x.namespace === namespace && x.name === name);
    if (!w) throw new Error(`no workload ${namespace}/${name} in ${this.slot.id}`);
    return w;
  }

  pod(namespace: string, workload: string, index = 0): PodModel {
    const pod = this.workload(namespace, workload).pods[index];
    if (!pod) throw new Error(`no pod ${index} of ${namespace}/${workload}`);
    return pod;
  }

  service(namespace: string, name: string): ServiceModel {
    const s = this.services.find((x) => x.namespace === namespace && x.name === name);
    if (!s) throw new Error(`no service ${namespace}/${name} in ${this.slot.id}`);
    return s;
  }

  node(name: string): NodeDef {
    const n = this.slot.nodes.find((x) => x.name === name);
    if (!n) throw new Error(`no node ${name}`);
    return n;
  }

  podIp(node: NodeDef, key: string, fixed?: string): string {
    let pool = this.podPools.get(node.name);
    if (!pool) {
      pool = new IpPool(cidr(node.podCidr));
      this.podPools.set(node.name, pool);
    }
    return pool.take(this.key('pod-ip', key), fixed);
  }

  serviceIp(namespace: string, name: string): string {
    return this.servicePool.take(this.key('svc-ip', namespace, name), this.slot.serviceIps[`${namespace}/${name}`]);
  }

  lbIp(namespace: string, name: string): string {
    return this.lbPool.take(this.key('lb-ip', namespace, name), this.slot.lb.fixed?.[`${namespace}/${name}`]);
  }

  nodePort(namespace: string, name: string, port: number): number {
    return 30000 + hashInt(this.key('nodeport', namespace, name, String(port)), 2767);
  }

  log(part: string, namespace: string, pod: string, container: string, lines: string[], previous = false): void {
    const text = `${lines.join('\n')}\n`;
    const existing = this.logs.findIndex(
      (l) => l.namespace === namespace && l.pod === pod && l.container === container && l.previous === previous,
    );
    const item = { namespace, pod, container, previous, text, part };
    if (existing >= 0) this.logs[existing] = item;
    else this.logs.push(item);
  }

  containerId(key: string): string {
    return `containerd://${hex(this.key('cid', key), 64)}`;
  }

  suffix(key: string, length = 5): string {
    return k8sSuffix(this.key(key), length);
  }
}
