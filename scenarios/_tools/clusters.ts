// Healthy clusters, one builder per slot kind. Failure scenarios start from these and change only
// what their incident changes (see scenarios.ts).

import { bookinfoApp, helloworldApp, reviewApp } from './apps.ts';
import { shift } from './k8s.ts';
import {
  cacerts,
  crossNetworkGateway,
  gateway,
  istioCrds,
  istioNamespace,
  istiod,
  istiodRemote,
  meshConfig,
  pem,
  rootCertConfigMap,
  setWebhookCaBundles,
} from './istio.ts';
import { accessLine, byTime as byTimestamp, healthyGatewayLog, istiodLog } from './logs.ts';
import { part, platform, SLOTS, metallb } from './platform.ts';
import { type PodModel, World } from './world.ts';

export interface BuildOptions {
  /** Include the application namespace (default true). */
  app?: boolean;
  /** Include MetalLB where the slot uses it (default true). */
  lb?: boolean;
}

export const HOSTED_LB_IP = '10.6.112.201';
export const HOSTED_ISTIOD_POD_IP = '10.234.95.141';
export const COLO_HOSTED_POD_IP = '10.236.96.23';

export function crdPart(w: World): string {
  return `istio-1.${w.slot.family.istioMinor}-crds`;
}

export function buildSlot(slotId: string, opts: BuildOptions = {}): World {
  const slot = SLOTS[slotId];
  if (!slot) throw new Error(`unknown slot ${slotId}`);
  const w = new World(slot);
  platform(w);
  if (slot.lb.kind === 'metallb' && opts.lb !== false) metallb(w);
  istioCrds(w, crdPart(w));
  const app = opts.app !== false;
  switch (slotId) {
    case 'gke-single':
      singlePrimary(w, app);
      break;
    case 'mc-east':
    case 'mc-west':
      multiPrimary(w, app, slotId === 'mc-east' ? 'v1' : 'v2');
      break;
    case 'hosted-cp':
      hostedControlPlane(w);
      break;
    case 'hosted-east':
    case 'hosted-west':
      hostedRemote(w, app, HOSTED_LB_IP);
      break;
    case 'colo':
      colocated(w, app);
      break;
    default:
      throw new Error(`no builder for slot ${slotId}`);
  }
  setWebhookCaBundles(w, pem(`${slot.certs}-root-cert`));
  return w;
}

const istioPart = (w: World) => part(w, 'istio');
const appPart = (w: World) => part(w, 'app');
const workerNames = (w: World) => w.slot.nodes.filter((n) => !n.controlPlane).map((n) => n.name);

/** istio-system namespace, plug-in CA, the root cert ConfigMap in the platform namespaces. */
function istioBase(w: World, network: boolean): void {
  const p = istioPart(w);
  istioNamespace(w, p, '-120d', network);
  cacerts(w, p, w.slot.certs, '-121d');
  for (const ns of ['default', 'istio-system']) rootCertConfigMap(w, p, ns, w.slot.certs, '-120d');
  if (w.find('Namespace', undefined, 'metallb-system')) rootCertConfigMap(w, part(w, 'metallb'), 'metallb-system', w.slot.certs, '-120d');
}

function startOf(pod: PodModel): string {
  return shift(pod.created, 3);
}

export function writeIstiodLog(w: World, pod: PodModel, opts: { remotes?: { name: string; at?: string }[]; proxies: PodModel[]; multiNetwork?: boolean; revision?: string; part?: string; certSet?: string }): void {
  const f = w.slot.family;
  const validator = f.istioMinor < 12 ? `istiod${opts.revision ? `-${opts.revision}` : ''}-istio-system` : `istio-validator${opts.revision ? `-${opts.revision}` : ''}-istio-system`;
  const log = istiodLog(w.clock, w.key('log', pod.name), {
    start: startOf(pod),
    version: f.istioTag,
    minor: f.istioMinor,
    certSet: opts.certSet ?? w.slot.certs,
    validator,
    remotes: opts.remotes ?? [],
    proxies: opts.proxies.map((p) => ({ pod: p.name, ns: p.namespace, since: shift(p.created, 3) })),
    ...(opts.multiNetwork ? { multiNetwork: true } : {}),
    ...(opts.revision ? { revision: opts.revision } : {}),
  });
  w.log(opts.part ?? pod.part, 'istio-system', pod.name, 'discovery', log.lines);
}

export function writeGatewayLog(w: World, pod: PodModel, discovery: string, extra: string[] = []): void {
  const log = healthyGatewayLog(w.clock, w.key('log', pod.name), {
    start: startOf(pod),
    version: w.slot.family.istioTag,
    pod: pod.name,
    ip: pod.ip,
    cpu: 2,
    discovery,
  });
  const lines = [...log.lines, ...extra].sort(byTimestamp);
  w.log(pod.part, 'istio-system', pod.name, 'istio-proxy', lines);
}

export { byTime as byTimestamp } from './logs.ts';

function sidecarPods(w: World): PodModel[] {
  return w.workloads.flatMap((m) => m.pods).filter((p) => p.spec.containers.some((c: { name: string }) => c.name === 'istio-proxy') && p.namespace !== 'istio-system');
}

// ---------------------------------------------------------------------------------------------

function singlePrimary(w: World, app: boolean): void {
  const p = istioPart(w);
  istioBase(w, false);
  meshConfig(w, p, { discoveryAddress: 'istiod.istio-system.svc:15012', accessLog: true }, '-120d');
  const [n1, n2, n3] = workerNames(w);
  const control = istiod(w, { part: p, name: 'istiod', revision: '', node: n1 ?? '', created: '-120d' });
  const ingress = gateway(w, { part: p, kind: 'ingress', node: n2 ?? '', created: '-120d' });
  if (app) reviewApp(w, appPart(w), w.slot.certs, [n1 ?? '', n2 ?? '', n3 ?? '']);
  const gw = ingress.workload.pods[0]!;
  writeIstiodLog(w, control.workload.pods[0]!, { proxies: [gw, ...sidecarPods(w)] });
  writeGatewayLog(w, gw, 'istiod.istio-system.svc:15012', app ? reviewAccessLog(w, gw) : []);
}

/** Normal traffic through the ingress gateway to review v1. */
export function reviewAccessLog(w: World, gw: PodModel): string[] {
  const review = w.pod('review', 'review');
  return ['-41m', '-27m13s', '-18m2s', '-9m40s', '-2m11s'].map((offset, i) =>
    accessLine(w.clock, w.key('access', String(i)), {
      offset,
      path: `/review/${1000 + i * 7}`,
      code: 200,
      bytesSent: 295 + i,
      duration: 12 + i,
      client: '10.128.0.5',
      authority: 'shop.acme.example',
      upstreamHost: `${review.ip}:8080`,
      cluster: 'outbound|80|v1|review.review.svc.cluster.local',
      gatewayIp: gw.ip,
    }),
  );
}

function multiPrimary(w: World, app: boolean, version: 'v1' | 'v2'): void {
  const p = istioPart(w);
  istioBase(w, true);
  meshConfig(w, p, { discoveryAddress: 'istiod.istio-system.svc:15012' }, '-120d');
  const [n1, n2] = workerNames(w).length >= 2 ? workerNames(w) : w.slot.nodes.map((n) => n.name);
  const control = istiod(w, { part: p, name: 'istiod', revision: '', node: n1 ?? '', created: '-120d', network: true });
  const eastwest = gateway(w, { part: p, kind: 'eastwest', node: n2 ?? '', created: '-119d', network: true });
  crossNetworkGateway(w, p, '-119d');
  if (app) helloworldApp(w, appPart(w), w.slot.certs, version, [n1 ?? '', n2 ?? '']);
  const gw = eastwest.workload.pods[0]!;
  writeIstiodLog(w, control.workload.pods[0]!, { proxies: [gw, ...sidecarPods(w)], multiNetwork: true });
  writeGatewayLog(w, gw, 'istiod.istio-system.svc:15012');
}

function hostedControlPlane(w: World): void {
  const p = istioPart(w);
  istioBase(w, false);
  meshConfig(w, p, { discoveryAddress: 'istiod-{{mesh}}-hosted.istio-system.svc:15012', revision: '{{mesh}}-hosted' }, '-90d');
  const [n1] = workerNames(w);
  const control = istiod(w, {
    part: p,
    name: 'istiod-{{mesh}}-hosted',
    revision: '{{mesh}}-hosted',
    node: n1 ?? '',
    podIp: HOSTED_ISTIOD_POD_IP,
    created: '-90d',
    lbService: 'istiod-{{mesh}}-hosted-lb',
    extraEnv: [
      { name: 'EXTERNAL_ISTIOD', value: 'true' },
      { name: 'SHARED_MESH_CONFIG', value: 'istio' },
    ],
  });
  writeIstiodLog(w, control.workload.pods[0]!, { proxies: [], revision: '{{mesh}}-hosted' });
}

/** A workload cluster of a hosted mesh: local istiod for CA and injection, xDS from istiod-remote. */
function hostedRemote(w: World, app: boolean, controlPlaneAddress: string): void {
  const p = istioPart(w);
  istioBase(w, false);
  meshConfig(w, p, { discoveryAddress: 'istiod-remote.istio-system.svc:15012' }, '-60d');
  const [n1, n2] = workerNames(w).length >= 2 ? workerNames(w) : w.slot.nodes.map((n) => n.name);
  const local = istiod(w, {
    part: p,
    name: 'istiod',
    revision: '',
    node: n1 ?? '',
    ...(w.slot.id === 'hosted-east' ? { podIp: '10.233.97.220' } : {}),
    created: '-60d',
  });
  istiodRemote(w, p, controlPlaneAddress, '-60d');
  const ingress = gateway(w, {
    part: p,
    kind: 'ingress',
    node: w.slot.id === 'hosted-west' ? 'dce88' : (n2 ?? ''),
    ...(w.slot.id === 'hosted-west' ? { podIp: '10.244.0.17' } : {}),
    created: '-60d',
  });
  if (app) bookinfoApp(w, appPart(w), w.slot.certs, [n1 ?? '', n2 ?? '']);
  const gw = ingress.workload.pods[0]!;
  // The local istiod only signs certificates and injects sidecars: no proxy connects to it for xDS.
  writeIstiodLog(w, local.workload.pods[0]!, { proxies: [] });
  writeGatewayLog(w, gw, 'istiod-remote.istio-system.svc:15012');
}

/** Seed 001, case 2: one cluster hosts the mesh's control plane and is also one of its workload clusters. */
function colocated(w: World, app: boolean): void {
  const p = istioPart(w);
  istioBase(w, false);
  meshConfig(w, p, { discoveryAddress: 'istiod-remote.istio-system.svc:15012' }, '-60d');
  meshConfig(w, p, { discoveryAddress: 'istiod-{{mesh}}-hosted.istio-system.svc:15012', revision: '{{mesh}}-hosted' }, '-60d');
  const [n1, n2] = workerNames(w);
  const hosted = istiod(w, {
    part: p,
    name: 'istiod-{{mesh}}-hosted',
    revision: '{{mesh}}-hosted',
    node: n1 ?? '',
    podIp: COLO_HOSTED_POD_IP,
    created: '-60d',
    lbService: 'istiod-{{mesh}}-hosted-lb',
    extraEnv: [
      { name: 'EXTERNAL_ISTIOD', value: 'true' },
      { name: 'SHARED_MESH_CONFIG', value: 'istio' },
    ],
  });
  const local = istiod(w, { part: p, name: 'istiod', revision: '', node: n2 ?? '', created: '-60d' });
  // Healthy co-located wiring: the hosted istiod's pod IP (seed 001, case 2, expected value).
  istiodRemote(w, p, COLO_HOSTED_POD_IP, '-60d');
  const ingress = gateway(w, { part: p, kind: 'ingress', node: n2 ?? '', created: '-60d' });
  if (app) bookinfoApp(w, appPart(w), w.slot.certs, [n1 ?? '', n2 ?? '']);
  const gw = ingress.workload.pods[0]!;
  writeIstiodLog(w, hosted.workload.pods[0]!, { proxies: [gw, ...sidecarPods(w)], revision: '{{mesh}}-hosted' });
  writeIstiodLog(w, local.workload.pods[0]!, { proxies: [] });
  writeGatewayLog(w, gw, 'istiod-remote.istio-system.svc:15012');
}
