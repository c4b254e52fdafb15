// Seed 002: istiod discovers another cluster's endpoints only through a remote secret in its own
// istio-system: labelled istio/multiCluster=true, keyed by that cluster's name, holding a
// kubeconfig for that cluster's API server. Missing, unlabelled, keyed by the wrong name or
// pointing at the wrong server, and cross-cluster load balancing silently stays local.

import type { RegisteredCluster } from '../domain/cluster.ts';
import type { Evidence, RemediationProposal } from '../domain/finding.ts';
import type { SecretSummary, Snapshot } from '../k8s/snapshot.ts';
import { hostsIstiod, isWorkloadCluster, meshPeers } from './lib/mesh-topology.ts';
import {
  clusterAtServer,
  closestName,
  ISTIO_KUBECONFIG,
  isRemoteSecret,
  MULTICLUSTER_LABEL,
  sameServer,
} from './lib/remote-secrets.ts';
import { type Check, type CheckContext, type CheckResult, pass, skipped } from './types.ts';

export const check: Check = {
  id: 'remote-secrets',
  title: 'Remote secrets for every peer istiod must discover',
  description:
    'Each cluster an istiod must discover has a Secret labelled istio/multiCluster=true in istio-system, keyed by that cluster\'s name, whose kubeconfig server is that cluster\'s API server.',
  severity: 'high',
  playbook: 'remote-secrets',
  sources: ['002_557e5a8cb0948b31.txt'],
  reads: ['secrets'],
  run,
};

interface Entry {
  secret: SecretSummary;
  key: string;
}

function run(snapshot: Snapshot, ctx: CheckContext): CheckResult[] {
  const self = ctx.cluster;
  const secrets = snapshot.secrets();
  const labelled = secrets.filter(isRemoteSecret);
  if (!hostsIstiod(self)) return [skipped(`${self.name} is a remote cluster: its control plane (${self.controlPlane ?? 'unset'}) holds the remote secrets`)];
  const needed = meshPeers(ctx).filter(isWorkloadCluster);
  if (needed.length === 0 && labelled.length === 0) return [skipped(`Mesh ${self.mesh} has no other workload cluster for ${self.name}'s istiod to discover`)];

  const entries = labelled.flatMap((secret) => secret.keys.map((key) => ({ secret, key })));
  const known = new Map(meshPeers(ctx).map((c) => [c.name, c]));
  const covered = new Map<string, Entry>();
  const results: CheckResult[] = [];
  const unknown: Entry[] = [];
  for (const e of entries) {
    if (e.key === self.name) continue; // istiod ignores its own cluster's key
    if (!known.has(e.key)) {
      unknown.push(e);
      continue;
    }
    const problem = valueProblem(ctx, e);
    if (problem) results.push(problem);
    else if (covered.has(e.key)) results.push(duplicate(ctx, e, covered.get(e.key)!));
    else covered.set(e.key, e);
  }
  const missing = needed.filter((c) => !covered.has(c.name) && !entries.some((e) => e.key === c.name));
  const guessed = new Set<string>();
  for (const e of unknown) {
    const guess = guessPeer(ctx, e, missing);
    if (guess) guessed.add(guess);
    results.push(unknownKey(ctx, e, guess));
  }
  const configCluster = externalConfigCluster(ctx, secrets, missing);
  // A peer already named as the likely intent of a mis-keyed secret is not reported twice.
  for (const peer of missing.filter((c) => c.name !== configCluster && !guessed.has(c.name))) results.push(missingPeer(ctx, peer, secrets));
  if (results.length > 0) return results;
  return [pass(passSummary(ctx, covered, configCluster))];
}

function secretEvidence(ctx: CheckContext, s: SecretSummary, field: string, value: string): Evidence {
  return { cluster: ctx.cluster.name, kind: 'Secret', namespace: s.namespace, name: s.name, field, value };
}

/** Unparsable kubeconfig, or (live only) a server that is not the peer's API server. */
function valueProblem(ctx: CheckContext, e: Entry): CheckResult | undefined {
  const self = ctx.cluster.name;
  const ref = `${e.secret.namespace}/${e.secret.name}`;
  const server = e.secret.kubeconfigServers[e.key];
  if (server === null) {
    return {
      status: 'fail',
      summary: `Remote secret ${ref} in ${self}: the kubeconfig under key ${e.key} cannot be parsed (no server URL): istiod cannot watch ${e.key}`,
      evidence: [secretEvidence(ctx, e.secret, `data['${e.key}']`, 'kubeconfig without a readable clusters[].cluster.server')],
    };
  }
  const expected = ctx.apiServers.get(e.key);
  if (server === undefined) {
    // Offline scenario values are placeholders; a live diagnosis sees the real value.
    if (ctx.apiServers.size === 0) return undefined;
    return {
      status: 'fail',
      summary: `Remote secret ${ref} in ${self}: the value under key ${e.key} is not a kubeconfig: istiod cannot watch ${e.key}`,
      evidence: [secretEvidence(ctx, e.secret, `data['${e.key}']`, 'not a kubeconfig')],
    };
  }
  if (!expected || sameServer(server, expected)) return undefined;
  const actual = clusterAtServer(ctx.apiServers, server);
  return {
    status: 'fail',
    summary:
      `Remote secret ${ref} in ${self}: key ${e.key} holds a kubeconfig for ${server}${actual ? ` (the API server of ${actual})` : ''}, ` +
      `not ${e.key}'s API server ${expected}: istiod discovers the wrong cluster's endpoints under ${e.key}'s name`,
    evidence: [secretEvidence(ctx, e.secret, `data['${e.key}'].clusters[].cluster.server`, server)],
  };
}

function duplicate(ctx: CheckContext, e: Entry, first: Entry): CheckResult {
  return {
    status: 'warn',
    severity: 'medium',
    summary:
      `Cluster ${e.key} is keyed in two remote secrets in ${ctx.cluster.name} (${first.secret.name} and ${e.secret.name}): ` +
      'istiod uses whichever it saw first and ignores the other ("cluster has already been registered")',
    evidence: [secretEvidence(ctx, first.secret, `data['${e.key}']`, 'present'), secretEvidence(ctx, e.secret, `data['${e.key}']`, 'present')],
  };
}

/** The missing peer a mis-keyed entry was most likely meant for: by server, else by name. */
function guessPeer(ctx: CheckContext, e: Entry, missing: RegisteredCluster[]): string | undefined {
  const server = e.secret.kubeconfigServers[e.key];
  const byServer = server ? clusterAtServer(ctx.apiServers, server) : undefined;
  const names = missing.map((c) => c.name);
  if (byServer) return names.includes(byServer) ? byServer : undefined;
  return closestName(e.key, names) ?? (names.length === 1 ? names[0] : undefined);
}

/** A key that names no registered peer: typically the cluster's name mistyped (seed 002). */
function unknownKey(ctx: CheckContext, e: Entry, guess: string | undefined): CheckResult {
  const ref = `${e.secret.namespace}/${e.secret.name}`;
  const server = e.secret.kubeconfigServers[e.key];
  const byServer = server ? clusterAtServer(ctx.apiServers, server) : undefined;
  const other = ctx.registry.clusters.find((c) => c.name === e.key);
  const what = other ? `cluster ${e.key} of another mesh (${other.mesh})` : `${e.key}, which is not a registered cluster`;
  const hint = guess
    ? ` — ${byServer === guess ? 'its kubeconfig reaches' : 'probably meant for'} ${guess}, so istiod cannot discover ${guess}: the key must be the cluster's registered name`
    : '';
  // Without a missing peer to explain it, the key may name a cluster clusters.yaml lacks: a risk, not proof.
  return {
    status: guess ? 'fail' : 'warn',
    ...(guess ? {} : { severity: 'medium' as const }),
    summary: `Remote secret ${ref} in ${ctx.cluster.name} is keyed by ${what}${hint || ' (register it in clusters.yaml if it is part of this mesh)'}`,
    evidence: [secretEvidence(ctx, e.secret, 'data keys', e.secret.keys.join(', ')), ...(server ? [secretEvidence(ctx, e.secret, `data['${e.key}'].clusters[].cluster.server`, server)] : [])],
  };
}

/**
 * Istio's external control plane reaches its first remote (the config cluster) through the
 * `istio-kubeconfig` Secret, not a remote secret. Accept it for exactly one missing remote.
 */
function externalConfigCluster(ctx: CheckContext, secrets: SecretSummary[], missing: RegisteredCluster[]): string | undefined {
  if (ctx.cluster.role !== 'control-plane') return undefined;
  const kc = secrets.find((s) => s.name === ISTIO_KUBECONFIG && s.namespace === 'istio-system');
  if (!kc) return undefined;
  const servers = Object.values(kc.kubeconfigServers).filter((s): s is string => typeof s === 'string');
  const byServer = servers.map((s) => clusterAtServer(ctx.apiServers, s)).find((n) => n !== undefined);
  if (byServer) return missing.some((c) => c.name === byServer) ? byServer : undefined;
  const remotes = missing.filter((c) => c.role === 'remote');
  return remotes.length === 1 ? remotes[0]!.name : undefined;
}

function missingPeer(ctx: CheckContext, peer: RegisteredCluster, secrets: SecretSummary[]): CheckResult {
  const self = ctx.cluster.name;
  const unlabelled = secrets.find((s) => !isRemoteSecret(s) && s.keys.includes(peer.name) && s.kubeconfigServers[peer.name] !== null);
  if (unlabelled) return notLabelled(ctx, peer, unlabelled);
  return {
    status: 'fail',
    summary:
      `istiod in ${self} cannot discover ${peer.name} (${peer.role}): no Secret in istio-system labelled ${MULTICLUSTER_LABEL}=true has a key ${peer.name} ` +
      `— create one with istioctl create-remote-secret --name=${peer.name}`,
    evidence: [
      {
        cluster: self,
        kind: 'Secret',
        namespace: 'istio-system',
        name: `istio-remote-secret-${peer.name}`,
        field: `metadata.labels['${MULTICLUSTER_LABEL}']=true, data['${peer.name}']`,
        value: 'not found',
      },
    ],
  };
}

function notLabelled(ctx: CheckContext, peer: RegisteredCluster, s: SecretSummary): CheckResult {
  const value = s.labels[MULTICLUSTER_LABEL];
  const ref = `${s.namespace}/${s.name}`;
  const state = value === undefined ? `has no ${MULTICLUSTER_LABEL} label` : `has ${MULTICLUSTER_LABEL}=${value}`;
  const remediation: RemediationProposal | null =
    value === undefined && s.resourceVersion
      ? {
          id: 'label-remote-secret',
          target: { cluster: ctx.cluster.name, apiVersion: 'v1', kind: 'Secret', namespace: s.namespace, name: s.name, resourceVersion: s.resourceVersion },
          patchType: 'merge',
          patch: { metadata: { labels: { [MULTICLUSTER_LABEL]: 'true' } } },
          reason: `istiod only watches Secrets labelled ${MULTICLUSTER_LABEL}=true; ${ref} holds the kubeconfig for ${peer.name} but is ignored without the label.`,
        }
      : null;
  return {
    status: 'fail',
    summary: `Secret ${ref} in ${ctx.cluster.name} holds a kubeconfig for ${peer.name} but ${state}: istiod ignores it and cannot discover ${peer.name}`,
    evidence: [{ cluster: ctx.cluster.name, kind: 'Secret', namespace: s.namespace, name: s.name, field: `metadata.labels['${MULTICLUSTER_LABEL}']`, value: value ?? '(absent)' }],
    remediation,
  };
}

function passSummary(ctx: CheckContext, covered: Map<string, Entry>, configCluster: string | undefined): string {
  const parts = [...covered.entries()].map(([peer, e]) => {
    const server = e.secret.kubeconfigServers[peer];
    return `${peer} (${e.secret.name}${server ? `, ${server}` : ''})`;
  });
  if (configCluster) parts.push(`${configCluster} (${ISTIO_KUBECONFIG}, config cluster)`);
  if (parts.length === 0) return `No other workload cluster to discover; remote secrets in ${ctx.cluster.name} are well-formed`;
  return `istiod in ${ctx.cluster.name} has remote secrets for ${parts.join(', ')}`;
}
