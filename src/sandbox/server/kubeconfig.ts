// Kubeconfig and clusters.yaml documents for a running sandbox.

import { stringify } from 'yaml';
import type { ClusterSpec } from '../cluster-spec.ts';

export interface KubeconfigInput {
  cluster: string;
  server: string;
  caPem: string;
  token: string;
}

/** A kubeconfig with one cluster, one user (bearer token) and one context, all named after the cluster. */
export function kubeconfigYaml(k: KubeconfigInput): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: k.cluster,
        cluster: { server: k.server, 'certificate-authority-data': Buffer.from(k.caPem).toString('base64') },
      },
    ],
    users: [{ name: k.cluster, user: { token: k.token } }],
    contexts: [{ name: k.cluster, context: { cluster: k.cluster, user: k.cluster } }],
    'current-context': k.cluster,
    preferences: {},
  });
}

/** clusters.yaml: meshes, then each cluster with optional keys only when set. */
export function registryYaml(meshes: { id: string }[], clusters: ClusterSpec[], kubeconfigPath: (name: string) => string): string {
  return stringify({
    meshes: meshes.map((m) => ({ id: m.id })),
    clusters: clusters.map((c) => ({
      name: c.name,
      kubeconfig: kubeconfigPath(c.name),
      mesh: c.mesh,
      ...(c.network !== undefined ? { network: c.network } : {}),
      role: c.role,
      ...(c.controlPlane !== undefined ? { controlPlane: c.controlPlane } : {}),
      ...(c.production !== undefined ? { production: c.production } : {}),
      ...(c.channel !== undefined ? { channel: c.channel } : {}),
    })),
  });
}
