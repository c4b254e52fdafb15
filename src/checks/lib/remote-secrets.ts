// Remote secrets (istio-system Secrets labelled istio/multiCluster=true): one data key per peer
// cluster, named by the peer's cluster name, whose value is a kubeconfig istiod uses to watch it.
// Only summaries are read here: keys and each kubeconfig's server URL, never the credentials.

import type { SecretSummary } from '../../k8s/snapshot.ts';

export const MULTICLUSTER_LABEL = 'istio/multiCluster';
/** The external control plane's config-cluster kubeconfig: not a remote secret, but an access path. */
export const ISTIO_KUBECONFIG = 'istio-kubeconfig';

export function isRemoteSecret(s: SecretSummary): boolean {
  return s.labels[MULTICLUSTER_LABEL] === 'true';
}

/** Same API server? Compares scheme, host (case-insensitive) and port (443 by default for https). */
export function sameServer(a: string, b: string): boolean {
  const na = normalizeServer(a);
  const nb = normalizeServer(b);
  return na !== undefined && na === nb;
}

function normalizeServer(url: string): string | undefined {
  try {
    const u = new URL(url);
    const port = u.port || (u.protocol === 'https:' ? '443' : u.protocol === 'http:' ? '80' : '');
    return `${u.protocol}//${u.hostname.toLowerCase()}:${port}${u.pathname.replace(/\/+$/, '')}`;
  } catch {
    return undefined;
  }
}

/** Registered cluster whose API server is `server`, if any (live diagnoses only). */
export function clusterAtServer(apiServers: ReadonlyMap<string, string>, server: string): string | undefined {
  for (const [name, url] of apiServers) if (sameServer(url, server)) return name;
  return undefined;
}

/** Closest name by edit distance, when close enough to be a plausible typo. */
export function closestName(name: string, candidates: string[]): string | undefined {
  let best: { c: string; d: number } | undefined;
  for (const c of candidates) {
    const d = editDistance(name, c);
    if (!best || d < best.d) best = { c, d };
  }
  return best && best.d <= Math.max(2, Math.floor(name.length / 3)) ? best.c : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}
