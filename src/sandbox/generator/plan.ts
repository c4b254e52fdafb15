// The shape of a synthetic mesh before any Kubernetes object is built: which namespaces, services,
// deployments, pods and nodes exist, with every name, uid and address drawn from one seeded PRNG.
// Object builders are then pure functions of this plan.

import { MeshMedicError } from '../../domain/errors.ts';
import { type Cidr, formatCidr, formatIp, parseCidr } from './ipv4.ts';
import { MAX_ENDPOINTS_PER_SLICE } from './context.ts';
import { Rng } from './prng.ts';

export interface PlanOptions {
  seed: number;
  cluster: string;
  pods: number;
  podsPerService: number;
  namespaces: number;
  podCidr: string;
  nodeCount: number;
}

export interface NodePlan {
  name: string;
  uid: string;
  ip: string;
  podCidr: string;
  podCapacity: number;
  zone: string;
  /** Next free offset in the node's pod block (0 and 1 are the network and the bridge). */
  nextOffset: number;
  podBase: number;
}

export interface PodPlan {
  name: string;
  uid: string;
  ip: string;
  node: NodePlan;
}

export interface DeploymentPlan {
  name: string;
  uid: string;
  version: string;
  image: string;
  replicaSetName: string;
  replicaSetUid: string;
  templateHash: string;
  pods: PodPlan[];
}

export interface PortPlan {
  /** Service port name, with its protocol prefix (`http-web`). */
  name: string;
  port: number;
  targetPort: number;
  /** Container port name the Service targets. */
  containerPortName: string;
}

export interface ServicePlan {
  name: string;
  namespace: string;
  uid: string;
  clusterIP: string;
  ports: PortPlan[];
  deployments: DeploymentPlan[];
  endpointsUid: string;
  /** One EndpointSlice per 100 endpoints, as the EndpointSlice controller does by default. */
  slices: Array<{ name: string; uid: string }>;
  destinationRuleUid: string;
  virtualServiceUid: string;
  /** Traffic share of v1 in the VirtualService; v2 gets the rest. */
  v1Weight: number;
}

export interface NamespacePlan {
  name: string;
  uid: string;
  configMapUid: string;
  serviceAccountUid: string;
  services: ServicePlan[];
}

export interface MeshPlan {
  nodes: NodePlan[];
  namespaces: NamespacePlan[];
}

const TEAM_WORDS = ['shop', 'payments', 'search', 'catalog', 'orders', 'billing', 'identity', 'media', 'ads', 'inventory'];
const SERVICE_WORDS = ['api', 'web', 'cart', 'auth', 'feed', 'worker', 'store', 'cache', 'quote', 'stock', 'mailer', 'review'];
const ZONES = ['zone-a', 'zone-b', 'zone-c'];
const SERVICE_CIDR = parseCidr('10.96.0.0/12');
const NODE_CIDR = parseCidr('172.16.0.0/12');

function usage(message: string): MeshMedicError {
  return new MeshMedicError('USAGE', `generateApps: ${message}`, { unrecoverable: true });
}

/** Smallest power of two >= n. */
function ceilPow2(n: number): number {
  return 2 ** Math.ceil(Math.log2(Math.max(1, n)));
}

function planNodes(rng: Rng, opts: PlanOptions, podCidr: Cidr): NodePlan[] {
  const perNode = Math.ceil(opts.pods / opts.nodeCount);
  // Like the node IPAM controller: one aligned block per node, at least a /24.
  const blockSize = Math.max(256, ceilPow2(perNode + 3));
  if (blockSize * opts.nodeCount > podCidr.size) {
    throw usage(
      `podCidr ${opts.podCidr} is too small for ${opts.nodeCount} nodes with ${perNode} pods each ` +
        `(needs ${opts.nodeCount} blocks of ${blockSize} addresses)`,
    );
  }
  const prefix = 32 - Math.log2(blockSize);
  return Array.from({ length: opts.nodeCount }, (_, i) => {
    const podBase = podCidr.base + i * blockSize;
    return {
      name: `${opts.cluster}-worker-${String(i + 1).padStart(3, '0')}`,
      uid: rng.uid(),
      ip: formatIp(NODE_CIDR.base + 10 + i),
      podCidr: formatCidr(podBase, prefix),
      podCapacity: Math.max(110, perNode),
      zone: ZONES[i % ZONES.length]!,
      nextOffset: 2,
      podBase,
    };
  });
}

function planPorts(rng: Rng): PortPlan[] {
  const ports: PortPlan[] = [{ name: 'http-web', port: 80, targetPort: 8080, containerPortName: 'http' }];
  if (rng.int(4) === 0) ports.push({ name: 'grpc-api', port: 9090, targetPort: 9090, containerPortName: 'grpc' });
  return ports;
}

/** Splits a service's pods over v1 and v2 (v1 gets the odd one); one pod means v1 only. */
function versionSizes(pods: number): Array<[string, number]> {
  if (pods === 1) return [['v1', 1]];
  return [
    ['v1', Math.ceil(pods / 2)],
    ['v2', Math.floor(pods / 2)],
  ];
}

interface Cursor {
  pod: number;
  service: number;
}

function planPods(rng: Rng, nodes: NodePlan[], rsName: string, count: number, cursor: Cursor): PodPlan[] {
  const names = new Set<string>();
  return Array.from({ length: count }, () => {
    const node = nodes[cursor.pod++ % nodes.length]!;
    let name = `${rsName}-${rng.suffix(5)}`;
    while (names.has(name)) name = `${rsName}-${rng.suffix(5)}`;
    names.add(name);
    const ip = formatIp(node.podBase + node.nextOffset++);
    return { name, uid: rng.uid(), ip, node };
  });
}

function planService(rng: Rng, nodes: NodePlan[], ns: string, index: number, pods: number, cursor: Cursor): ServicePlan {
  const word = rng.pick(SERVICE_WORDS);
  const name = `${word}-${index + 1}`;
  const minor = rng.int(20);
  const deployments = versionSizes(pods).map(([version, replicas], v): DeploymentPlan => {
    const deployName = `${name}-${version}`;
    const templateHash = rng.suffix(10);
    const replicaSetName = `${deployName}-${templateHash}`;
    return {
      name: deployName,
      uid: rng.uid(),
      version,
      image: `registry.example.com/${ns}/${word}:1.${minor + v}.0`,
      replicaSetName,
      replicaSetUid: rng.uid(),
      templateHash,
      pods: planPods(rng, nodes, replicaSetName, replicas, cursor),
    };
  });
  const sliceCount = Math.ceil(pods / MAX_ENDPOINTS_PER_SLICE);
  return {
    name,
    namespace: ns,
    uid: rng.uid(),
    clusterIP: formatIp(SERVICE_CIDR.base + 256 + cursor.service++),
    ports: planPorts(rng),
    deployments,
    endpointsUid: rng.uid(),
    slices: Array.from({ length: sliceCount }, () => ({ name: `${name}-${rng.suffix(5)}`, uid: rng.uid() })),
    destinationRuleUid: rng.uid(),
    virtualServiceUid: rng.uid(),
    v1Weight: rng.pick([50, 80, 90]),
  };
}

export function planMesh(opts: PlanOptions): MeshPlan {
  const rng = new Rng(opts.seed);
  const nodes = planNodes(rng, opts, parseCidr(opts.podCidr, 'generateApps: podCidr'));
  const serviceCount = Math.ceil(opts.pods / opts.podsPerService);
  const cursor: Cursor = { pod: 0, service: 0 };
  const namespaces = Array.from({ length: opts.namespaces }, (_, k): NamespacePlan => {
    const name = `${rng.pick(TEAM_WORDS)}-${k + 1}`;
    // Contiguous, even blocks of services per namespace.
    const first = Math.floor((k * serviceCount) / opts.namespaces);
    const last = Math.floor(((k + 1) * serviceCount) / opts.namespaces);
    const services: ServicePlan[] = [];
    for (let s = first; s < last; s++) {
      const pods = Math.min(opts.podsPerService, opts.pods - s * opts.podsPerService);
      services.push(planService(rng, nodes, name, s - first, pods, cursor));
    }
    return { name, uid: rng.uid(), configMapUid: rng.uid(), serviceAccountUid: rng.uid(), services };
  });
  return { nodes, namespaces };
}
