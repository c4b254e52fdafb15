// Seed 002: cross-cluster mTLS needs one root of trust. Istio's docs diff `cacerts` root-cert.pem
// between clusters; we compare fingerprints of what each cluster's proxies actually trust (the
// plugged-in root where istiod signs, else the distributed istio-ca-root-cert), and catch the
// same split inside one cluster (istiod not restarted after cacerts changed, stale namespaces).

import type { Evidence } from '../domain/finding.ts';
import type { Snapshot } from '../k8s/snapshot.ts';
import { listPeer, meshPeers, peerSecrets } from './lib/mesh-topology.ts';
import { evidenceOf } from './lib/objects.ts';
import { CACERTS, describeRoots, ROOT_CM, shareRoot, type TrustView, trustView } from './lib/trust-roots.ts';
import { type Check, type CheckContext, type CheckResult, pass, skipped } from './types.ts';

export const check: Check = {
  id: 'trust-root-mismatch',
  title: 'Clusters of the mesh share one root CA',
  description: 'The root certificate (cacerts root-cert.pem, istio-ca-root-cert) is the same across the clusters of a mesh and consistent inside each cluster, by fingerprint.',
  severity: 'critical',
  playbook: 'trust-root-mismatch',
  sources: ['002_557e5a8cb0948b31.txt'],
  reads: ['secrets', 'configmaps'],
  peerReads: ['secrets', 'configmaps'],
  run,
};

function run(snapshot: Snapshot, ctx: CheckContext): CheckResult[] {
  const own = trustView(ctx.cluster, snapshot.secrets(), snapshot.list('configmaps'));
  const results: CheckResult[] = [...insideCluster(ctx, own)];
  const peers: TrustView[] = [];
  for (const peer of meshPeers(ctx)) {
    const why = `the root CA of ${peer.name}`;
    const secrets = peerSecrets(ctx, peer.name, why);
    if (!secrets.ok) {
      results.push(secrets.result);
      continue;
    }
    const cms = listPeer(ctx, peer.name, 'configmaps', why);
    if (!cms.ok) {
      results.push(cms.result);
      continue;
    }
    peers.push(trustView(peer, secrets.value, cms.value));
  }
  results.push(...acrossClusters(ctx, own, peers));
  if (results.some((r) => r.status === 'fail')) return results;
  // Errors (unreadable peers) stand beside the verdict on the clusters that could be compared.
  return [...results, own.effective.length > 0 ? pass(passSummary(ctx, own, peers)) : skipped(`No root certificate visible in ${ctx.cluster.name} (no ${CACERTS} Secret, no ${ROOT_CM} ConfigMap)`)];
}

function insideCluster(ctx: CheckContext, v: TrustView): CheckResult[] {
  const out: CheckResult[] = [];
  const cluster = ctx.cluster.name;
  if (v.cacerts && v.systemRoot && !v.systemRoot.fingerprints.includes(v.cacerts.fingerprint)) {
    out.push({
      status: 'fail',
      summary:
        `In ${cluster}, istio-system/${CACERTS} holds root ${describeRoots([v.cacerts.fingerprint])} but istiod distributes ${describeRoots(v.systemRoot.fingerprints)} ` +
        `(istio-system/${ROOT_CM}): istiod has not picked up the plugged-in CA (restart it after changing ${CACERTS})`,
      evidence: [cacertsEvidence(cluster, v), evidenceOf(cluster, v.systemRoot.configMap, "data['root-cert.pem']", `sha256 ${v.systemRoot.fingerprints.join(' + ')}`)],
    });
  }
  const reference = v.systemRoot?.fingerprints ?? (v.cacerts ? [v.cacerts.fingerprint] : []);
  const stale = reference.length === 0 ? [] : v.namespaceRoots.filter((r) => !shareRoot(r.fingerprints, reference));
  if (stale.length > 0) {
    const names = stale.map((r) => r.configMap.metadata.namespace);
    out.push({
      status: 'fail',
      summary:
        `In ${cluster}, ${ROOT_CM} in namespace${names.length > 1 ? 's' : ''} ${names.slice(0, 5).join(', ')}${names.length > 5 ? ` and ${names.length - 5} more` : ''} ` +
        `holds root ${describeRoots(stale[0]!.fingerprints)}, not the mesh root ${describeRoots(reference)}: proxies there reject their peers' certificates`,
      evidence: stale.slice(0, 10).map((r) => evidenceOf(cluster, r.configMap, "data['root-cert.pem']", `sha256 ${r.fingerprints.join(' + ')}`)),
    });
  }
  return out;
}

function acrossClusters(ctx: CheckContext, own: TrustView, peers: TrustView[]): CheckResult[] {
  if (own.effective.length === 0) return [];
  const differing = peers.filter((p) => p.effective.length > 0 && !shareRoot(p.effective, own.effective));
  if (differing.length === 0) return [];
  const all = [own, ...differing];
  const summary =
    `Root CA differs between clusters of mesh ${ctx.cluster.mesh}: ` +
    `${all.map((v) => `${v.cluster} trusts ${describeRoots(v.effective)} (${v.source})`).join('; ')}: ` +
    'mTLS between them fails, so cross-cluster requests get only local endpoints or TLS errors';
  return [{ status: 'fail', summary, evidence: all.map((v) => viewEvidence(v)) }];
}

function cacertsEvidence(cluster: string, v: TrustView): Evidence {
  return { cluster, kind: 'Secret', namespace: 'istio-system', name: CACERTS, field: "data['root-cert.pem']", value: `sha256 ${v.cacerts?.fingerprint}` };
}

function viewEvidence(v: TrustView): Evidence {
  if (v.source === 'cacerts') return cacertsEvidence(v.cluster, v);
  return evidenceOf(v.cluster, v.systemRoot!.configMap, "data['root-cert.pem']", `sha256 ${v.effective.join(' + ')}`);
}

function passSummary(ctx: CheckContext, own: TrustView, peers: TrustView[]): string {
  const compared = [own, ...peers.filter((p) => p.effective.length > 0)];
  const unseen = peers.filter((p) => p.effective.length === 0).map((p) => p.cluster);
  const roots = describeRoots(own.effective);
  const where = compared.map((v) => `${v.cluster}: ${v.source}`).join(', ');
  const namespaces = own.namespaceRoots.length > 1 ? `; ${ROOT_CM} consistent in ${own.namespaceRoots.length} namespaces` : '';
  const note = unseen.length > 0 ? `; no root visible in ${unseen.join(', ')}` : '';
  return compared.length > 1
    ? `${compared.length} clusters of mesh ${ctx.cluster.mesh} share root CA ${roots} (${where})${namespaces}${note}`
    : `${ctx.cluster.name} trusts root CA ${roots} (${own.source})${namespaces}${note}`;
}
