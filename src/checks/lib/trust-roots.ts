// The root of trust a cluster's proxies use, from what a snapshot holds: the plugged-in CA
// (`istio-system/cacerts`, key root-cert.pem) where an istiod signs with it, and the root bundle
// istiod distributes to every namespace (ConfigMap `istio-ca-root-cert`, key root-cert.pem).

import type { RegisteredCluster } from '../../domain/cluster.ts';
import type { K8sObject } from '../../domain/k8s-object.ts';
import type { SecretSummary } from '../../k8s/snapshot.ts';
import { hostsIstiod } from './mesh-topology.ts';
import { pemFingerprints, shortFingerprint } from './pem.ts';

export const ROOT_CM = 'istio-ca-root-cert';
export const CACERTS = 'cacerts';
const SYSTEM_NS = 'istio-system';

export interface RootConfigMap {
  configMap: K8sObject;
  fingerprints: string[];
}

export interface TrustView {
  cluster: string;
  /** Root fingerprint of istio-system/cacerts, when that Secret exists and holds a root. */
  cacerts?: { secret: SecretSummary; fingerprint: string };
  /** istio-system/istio-ca-root-cert. */
  systemRoot?: RootConfigMap;
  /** istio-ca-root-cert of every namespace (istio-system included). */
  namespaceRoots: RootConfigMap[];
  /** What proxies of this cluster trust, for comparing clusters; empty when nothing tells. */
  effective: string[];
  /** Where `effective` came from: "cacerts" or "istio-ca-root-cert". */
  source?: string;
}

export function rootBundleOf(cm: K8sObject): string[] {
  const pem = (cm.data as Record<string, unknown> | undefined)?.['root-cert.pem'];
  return typeof pem === 'string' ? pemFingerprints(pem) : [];
}

/**
 * The cacerts root counts where an istiod of this cluster signs with it (primary, control plane,
 * co-located remote); the distributed ConfigMap counts where proxies run (primary, remote). A
 * control-plane cluster's own ConfigMaps come from its local istiod, not the mesh's: ignored.
 */
export function trustView(cluster: RegisteredCluster, secrets: SecretSummary[], configMaps: K8sObject[]): TrustView {
  const secret = secrets.find((s) => s.namespace === SYSTEM_NS && s.name === CACERTS);
  const fp = secret?.certFingerprints['root-cert.pem'];
  const cacerts = secret && fp && hostsIstiod(cluster) ? { secret, fingerprint: fp } : undefined;
  const runsProxies = cluster.role !== 'control-plane';
  const namespaceRoots = runsProxies
    ? configMaps.filter((c) => c.metadata.name === ROOT_CM).map((c) => ({ configMap: c, fingerprints: rootBundleOf(c) })).filter((r) => r.fingerprints.length > 0)
    : [];
  const systemRoot = namespaceRoots.find((r) => r.configMap.metadata.namespace === SYSTEM_NS);
  if (cacerts) return { cluster: cluster.name, cacerts, systemRoot, namespaceRoots, effective: [cacerts.fingerprint], source: 'cacerts' };
  if (systemRoot) return { cluster: cluster.name, systemRoot, namespaceRoots, effective: systemRoot.fingerprints, source: ROOT_CM };
  return { cluster: cluster.name, namespaceRoots, effective: [] };
}

export function shareRoot(a: string[], b: string[]): boolean {
  return a.some((fp) => b.includes(fp));
}

/** "AB:CD:EF:01" or "AB:CD:EF:01+12:34:56:78" for a bundle. */
export function describeRoots(fps: string[]): string {
  return fps.map(shortFingerprint).join('+');
}
