// Seed 004: `kubectl get gateway --all-namespaces` says "No resources found" although Istio
// Gateways exist, because another CRD also named `gateways` (GKE's networking.x-k8s.io) wins the
// name. kubectl resolves a bare resource name to the group the API server lists first in discovery:
// CRD groups all have the same priority, so they are ordered by the name of their first APIService,
// `<version>.<group>`, over every served version (v1alpha1.networking.x-k8s.io sorts before
// v1alpha3.networking.istio.io; v1.gateway.networking.k8s.io before v1.networking.istio.io).
// A shadow is a fault only while it hides Istio Gateways that exist; the Kubernetes Gateway API is
// legitimate, so for it we advise full names (severity low) rather than removal.

import type { Evidence } from '../domain/finding.ts';
import type { K8sObject } from '../domain/k8s-object.ts';
import type { Snapshot } from '../k8s/snapshot.ts';
import { evidenceOf } from './lib/objects.ts';
import { listSome } from './lib/workloads.ts';
import { type Check, type CheckResult, pass, skipped } from './types.ts';

const ISTIO_GROUP = 'networking.istio.io';
const ISTIO_CRD = 'gateways.networking.istio.io' as const;
/** The Kubernetes Gateway API: legitimate (Istio supports it), so only its shadowing is a fault. */
const GATEWAY_API_GROUP = 'gateway.networking.k8s.io';

export const check: Check = {
  id: 'gateway-crd-conflict',
  title: 'Istio Gateway CRD is installed and not shadowed',
  description:
    'gateways.networking.istio.io exists where Istio networking CRDs are installed, and no other CRD named `gateways` (networking.x-k8s.io, gateway.networking.k8s.io) takes `kubectl get gateway` away from existing Istio Gateways.',
  severity: 'medium',
  playbook: 'gateway-crd-conflict',
  sources: ['004_1361aa5f45758706.txt'],
  // Istio Gateways are read to tell whether the shadow hides anything; unreadable (no CRD) is fine.
  reads: ['customresourcedefinitions.apiextensions.k8s.io', 'gateways.networking.istio.io'],
  run,
};

interface CrdNames {
  group: string;
  plural: string;
  singular: string;
  shortNames: string[];
  served: string[];
}

export function namesOf(crd: K8sObject): CrdNames {
  const names = crd.spec?.names ?? {};
  const versions: { name?: string; served?: boolean }[] = Array.isArray(crd.spec?.versions) ? crd.spec.versions : [];
  const served = versions.filter((v) => v.served !== false && typeof v.name === 'string').map((v) => v.name as string);
  if (served.length === 0 && typeof crd.spec?.version === 'string') served.push(crd.spec.version);
  return {
    group: String(crd.spec?.group ?? ''),
    plural: String(names.plural ?? ''),
    singular: String(names.singular ?? String(names.kind ?? '').toLowerCase()),
    shortNames: Array.isArray(names.shortNames) ? names.shortNames.map(String) : [],
    served,
  };
}

/**
 * The discovery sort key of a CRD's group: the smallest APIService name `<version>.<group>` over
 * the versions any CRD of that group serves (the aggregator sorts APIServices by byte order).
 */
export function discoveryKey(group: string, crds: K8sObject[]): string {
  const served = crds.map(namesOf).filter((n) => n.group === group).flatMap((n) => n.served);
  return served.map((v) => `${v}.${group}`).sort()[0] ?? `~.${group}`;
}

function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function claimsGateway(n: CrdNames): boolean {
  return n.plural === 'gateways' || n.singular === 'gateway' || n.shortNames.includes('gateway');
}

function run(snapshot: Snapshot): CheckResult[] {
  const crds = snapshot.list('customresourcedefinitions.apiextensions.k8s.io');
  const istioCrds = crds.filter((c) => namesOf(c).group === ISTIO_GROUP);
  const istio = crds.find((c) => c.metadata.name === ISTIO_CRD);
  if (istioCrds.length === 0) return [skipped(`No ${ISTIO_GROUP} CRDs in this cluster (Istio config is kept elsewhere)`)];
  if (!istio) return [missingResult(snapshot.cluster, istioCrds)];

  const key = (c: K8sObject) => discoveryKey(namesOf(c).group, crds);
  const claimants = crds.filter((c) => claimsGateway(namesOf(c))).sort((a, b) => byteOrder(key(a), key(b)));
  const winner = claimants[0] ?? istio;
  const evidenceOfCrd = (crd: K8sObject) => crdEvidence(snapshot.cluster, crd, key(crd));
  const others = claimants.filter((c) => c !== istio);
  if (winner === istio) {
    const note = others.length > 0 ? `; other gateways CRDs (${listSome(others.map((c) => c.metadata.name))}) sort after it, but use full names anyway` : '';
    return [pass(`\`kubectl get gateway\` lists Istio Gateways (${ISTIO_CRD})${note}`, [evidenceOfCrd(istio)])];
  }
  const w = namesOf(winner);
  const evidence = [evidenceOfCrd(winner), evidenceOfCrd(istio)];
  const advice = `use \`kubectl get ${ISTIO_CRD}\`${shortNameAdvice(claimants, istio)}`;
  const istioGateways = snapshot.tryList(ISTIO_CRD);
  const gatewayApi = w.group === GATEWAY_API_GROUP;
  const what = gatewayApi ? 'Kubernetes Gateway API Gateways' : `${w.group} Gateways`;
  if (istioGateways && istioGateways.length === 0) {
    return [pass(`\`kubectl get gateway\` lists ${what} (${winner.metadata.name}), not Istio's, but this cluster has no Istio Gateway to hide; ${advice} for Istio Gateways`, evidence)];
  }
  const hidden = istioGateways ? ` although ${listSome(istioGateways.map((g) => `${g.metadata.namespace}/${g.metadata.name}`))} exist` : '';
  const cleanup = gatewayApi ? 'the Gateway API itself is legitimate (Istio supports it), so keep it and' : `delete ${winner.metadata.name} if nothing uses it, and`;
  return [
    {
      status: 'fail',
      severity: gatewayApi ? 'low' : 'medium',
      summary: `CRD ${winner.metadata.name} (served ${w.served.join(', ')}) shadows ${ISTIO_CRD}: \`kubectl get gateway\` lists ${what} and shows none of Istio's${hidden}; ${cleanup} always ${advice}`,
      evidence: [...evidence, ...(istioGateways ?? []).slice(0, 2).map((g) => evidenceOf(snapshot.cluster, g, 'apiVersion', g.apiVersion))],
    },
  ];
}

function crdEvidence(cluster: string, crd: K8sObject, key: string): Evidence {
  return evidenceOf(cluster, crd, 'spec.versions[served]', `${namesOf(crd).served.join(',')} (discovery order key ${key})`);
}

/** `gw` works only while no other CRD claims that short name too. */
function shortNameAdvice(claimants: K8sObject[], istio: K8sObject): string {
  const istioShort = namesOf(istio).shortNames;
  const free = istioShort.filter((s) => !claimants.some((c) => c !== istio && namesOf(c).shortNames.includes(s)));
  return free.length > 0 ? ` (or \`kubectl get ${free[0]}\`)` : '';
}

function missingResult(cluster: string, istioCrds: K8sObject[]): CheckResult {
  return {
    status: 'fail',
    severity: 'high',
    summary: `CRD ${ISTIO_CRD} is missing although ${listSome(istioCrds.map((c) => c.metadata.name))} are installed: Istio Gateway objects cannot be created, so gateways get no listeners and VirtualServices bound to them do nothing; reinstall Istio's base CRDs`,
    evidence: istioCrds.slice(0, 3).map((c) => evidenceOf(cluster, c, 'spec.group', ISTIO_GROUP)),
  };
}
