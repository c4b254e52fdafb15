// Synthetic meshes for benchmarks: large, healthy application workloads generated
// deterministically from a seed (same options => byte-identical objects), to be served by the
// sandbox API server next to an Istio base (istio-system is not generated here).

import { MeshMedicError } from '../domain/errors.ts';
import type { K8sObject } from '../domain/k8s-object.ts';
import type { BuildContext } from './generator/context.ts';
import { destinationRuleObject, virtualServiceObject } from './generator/istio.ts';
import { namespaceObjects } from './generator/namespaces.ts';
import { nodeObject } from './generator/nodes.ts';
import { type MeshPlan, type PlanOptions, planMesh } from './generator/plan.ts';
import { podObject } from './generator/pods.ts';
import { SYNTHETIC_ROOT_CERT_PEM } from './generator/root-cert.ts';
import { endpointSliceObjects, endpointsObject, serviceObject } from './generator/services.ts';
import { deploymentObject, replicaSetObject } from './generator/workloads.ts';

export { injectSubsetFailures } from './generator/subset-failures.ts';

export interface GenerateAppsOptions {
  seed: number;
  /** Cluster name: prefixes node names and becomes the sidecars' ISTIO_META_CLUSTER_ID. */
  cluster: string;
  pods: number;
  /** Default 4: each service runs half its pods as v1 and half as v2. */
  podsPerService?: number;
  /** Default ceil(pods / 200). */
  namespaces?: number;
  /** Default 10.60.0.0/14. Give each cluster of a flat multi-cluster mesh its own block. */
  podCidr?: string;
  /** Sets ISTIO_META_NETWORK and the topology.istio.io/network pod label. */
  network?: string;
  /** Default ceil(pods / 100). */
  nodeCount?: number;
  /** Sets ISTIO_META_MESH_ID on sidecars. */
  meshId?: string;
  /** Root certificate for the istio-ca-root-cert ConfigMaps: pass the base's cacerts root-cert.pem. */
  rootCertPem?: string;
  /** Creation time of the generated objects (RFC 3339). Default 2025-01-01T00:00:00Z. */
  createdAt?: string;
}

const DEFAULT_POD_CIDR = '10.60.0.0/14';
const DEFAULT_CREATED_AT = '2025-01-01T00:00:00Z';
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function usage(message: string): MeshMedicError {
  return new MeshMedicError('USAGE', `generateApps: ${message}`, { unrecoverable: true });
}

function positiveInt(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw usage(`${name} must be a positive integer, got ${value}`);
  return value;
}

function resolveOptions(opts: GenerateAppsOptions): { plan: PlanOptions; ctx: BuildContext } {
  if (!Number.isFinite(opts.seed)) throw usage(`seed must be a number, got ${opts.seed}`);
  if (!DNS_LABEL.test(opts.cluster) || opts.cluster.length > 40) {
    throw usage(`cluster "${opts.cluster}" must be a DNS label of at most 40 characters`);
  }
  const pods = positiveInt('pods', opts.pods);
  const createdAtMs = Date.parse(opts.createdAt ?? DEFAULT_CREATED_AT);
  if (Number.isNaN(createdAtMs)) throw usage(`createdAt "${opts.createdAt}" is not an RFC 3339 time`);
  const plan: PlanOptions = {
    seed: opts.seed,
    cluster: opts.cluster,
    pods,
    podsPerService: positiveInt('podsPerService', opts.podsPerService ?? 4),
    namespaces: positiveInt('namespaces', opts.namespaces ?? Math.ceil(pods / 200)),
    podCidr: opts.podCidr ?? DEFAULT_POD_CIDR,
    nodeCount: positiveInt('nodeCount', opts.nodeCount ?? Math.ceil(pods / 100)),
  };
  const ctx: BuildContext = {
    cluster: opts.cluster,
    network: opts.network,
    meshId: opts.meshId,
    rootCertPem: opts.rootCertPem ?? SYNTHETIC_ROOT_CERT_PEM,
    createdAtMs,
  };
  return { plan, ctx };
}

// Output order: by kind (cluster-scoped first), then by namespace and service, as a listing would.
const KIND_ORDER = [
  'Node',
  'Namespace',
  'ConfigMap',
  'ServiceAccount',
  'Service',
  'Endpoints',
  'EndpointSlice',
  'Deployment',
  'ReplicaSet',
  'Pod',
  'DestinationRule',
  'VirtualService',
] as const;
type Kind = (typeof KIND_ORDER)[number];

function buildObjects(mesh: MeshPlan, ctx: BuildContext): K8sObject[] {
  const byKind = new Map<Kind, K8sObject[]>(KIND_ORDER.map((k) => [k, []]));
  const add = (obj: K8sObject) => byKind.get(obj.kind as Kind)!.push(obj);
  for (const node of mesh.nodes) add(nodeObject(node, ctx));
  for (const ns of mesh.namespaces) {
    namespaceObjects(ns, ctx).forEach(add);
    for (const svc of ns.services) {
      add(serviceObject(svc, ctx));
      add(endpointsObject(svc, ctx));
      endpointSliceObjects(svc, ctx).forEach(add);
      for (const deploy of svc.deployments) {
        add(deploymentObject(svc, deploy, ctx));
        add(replicaSetObject(svc, deploy, ctx));
        for (const pod of deploy.pods) add(podObject(svc, deploy, pod, ctx));
      }
      add(destinationRuleObject(svc, ctx));
      add(virtualServiceObject(svc, ctx));
    }
  }
  return KIND_ORDER.flatMap((k) => byKind.get(k)!);
}

/** Healthy application workloads for one cluster; throws MeshMedicError('USAGE') on bad options. */
export function generateApps(opts: GenerateAppsOptions): K8sObject[] {
  const { plan, ctx } = resolveOptions(opts);
  return buildObjects(planMesh(plan), ctx);
}
