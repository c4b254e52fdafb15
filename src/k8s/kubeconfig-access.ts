// Turns a registered cluster's kubeconfig (+ context) into what an HTTP call needs: the server
// URL, TLS material and auth headers, through @kubernetes/client-node's KubeConfig so every auth
// method it supports (token, client certificate, exec plugin, auth provider) works.
// Static credentials (token, client certificate, basic) are read by kubeconfig-static.ts with the
// same result, so client-node (~125 MB of RSS to import) is only loaded when a kubeconfig needs it.

import type { RequestOptions } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import type { RegisteredCluster } from '../domain/cluster.ts';
import { MeshMedicError } from '../domain/errors.ts';
import type { ServerIdentity } from './api-errors.ts';
import { isStatic, readStaticEntries, type StaticUser, staticRequestOptions } from './kubeconfig-static.ts';

export interface TlsMaterial {
  ca?: string | Buffer | (string | Buffer)[];
  cert?: string | Buffer | (string | Buffer)[];
  key?: string | Buffer | (string | Buffer)[];
  servername?: string;
  rejectUnauthorized?: boolean;
}

export interface KubeconfigAccess {
  identity: ServerIdentity;
  tls: TlsMaterial;
  /** Headers for one call (Authorization, Impersonate-User); fresh for exec and auth-provider users. */
  authHeaders(): Promise<Record<string, string>>;
}

export async function loadKubeConfig(cluster: RegisteredCluster): Promise<KubeConfig> {
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  try {
    kc.loadFromFile(cluster.kubeconfig);
    if (cluster.context) kc.setCurrentContext(cluster.context);
  } catch (err) {
    throw kubeconfigError(cluster, err instanceof Error ? (err.message.split('\n')[0] ?? '') : String(err));
  }
  if (!kc.getCurrentCluster()) throw kubeconfigError(cluster, 'its context names no cluster');
  return kc;
}

/** The API server URL of a registered cluster, read from its kubeconfig (no network); undefined
 *  when the kubeconfig cannot be read or its context names no cluster, as client-node would say. */
export function apiServerOf(cluster: RegisteredCluster): string | undefined {
  return readStaticEntries(cluster.kubeconfig, cluster.context)?.cluster.server;
}

export async function kubeconfigAccess(cluster: RegisteredCluster): Promise<KubeconfigAccess> {
  const entries = readStaticEntries(cluster.kubeconfig, cluster.context);
  if (entries && isStatic(entries)) {
    const { tls, headers } = staticRequestOptions(entries);
    const identity: ServerIdentity = {
      cluster: cluster.name,
      server: entries.cluster.server.replace(/\/+$/, ''),
      kubeconfigPath: cluster.kubeconfig,
      credential: credentialKind(entries.user),
    };
    return { identity, tls, authHeaders: async () => headers };
  }
  return clientNodeAccess(cluster);
}

/** Access through client-node's KubeConfig, whatever the credentials (exported for tests that
 *  check the static reader against it). */
export async function clientNodeAccess(cluster: RegisteredCluster): Promise<KubeconfigAccess> {
  const kc = await loadKubeConfig(cluster);
  const server = kc.getCurrentCluster()!.server.replace(/\/+$/, '');
  const user = kc.getCurrentUser();
  const identity: ServerIdentity = {
    cluster: cluster.name,
    server,
    kubeconfigPath: cluster.kubeconfig,
    credential: credentialKind(user),
  };
  const first = await applyOptions(kc, identity);
  const tls: TlsMaterial = {};
  for (const key of ['ca', 'cert', 'key', 'servername', 'rejectUnauthorized'] as const) {
    if (first[key] !== undefined) Object.assign(tls, { [key]: first[key] });
  }
  // Static tokens and certificates never change; exec plugins and auth providers may refresh.
  const dynamic = Boolean(user?.exec || user?.authProvider);
  const staticHeaders = headersOf(first);
  return {
    identity,
    tls,
    authHeaders: dynamic ? async () => headersOf(await applyOptions(kc, identity)) : async () => staticHeaders,
  };
}

async function applyOptions(kc: KubeConfig, identity: ServerIdentity): Promise<RequestOptions> {
  const opts: RequestOptions = {};
  try {
    await kc.applyToHTTPSOptions(opts);
  } catch (err) {
    // Exec plugins may echo their input: keep only the first line of the reason.
    const reason = err instanceof Error ? (err.message.split('\n')[0] ?? '') : String(err);
    throw new MeshMedicError(
      'K8S_UNAUTHORIZED',
      `could not get credentials for ${identity.server} from kubeconfig ${identity.kubeconfigPath}: ${reason}`,
      { unrecoverable: true },
    );
  }
  if (opts.auth) {
    opts.headers = { ...(opts.headers as object), Authorization: `Basic ${Buffer.from(opts.auth).toString('base64')}` };
  }
  return opts;
}

function headersOf(opts: RequestOptions): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(opts.headers ?? {})) {
    if (typeof v === 'string' || typeof v === 'number') out[k] = String(v);
  }
  return out;
}

type CredentialFields = Pick<StaticUser, 'name' | 'token' | 'certData' | 'certFile' | 'username'> & {
  exec?: unknown;
  authProvider?: unknown;
};

function credentialKind(user: CredentialFields | null | undefined): string {
  if (!user) return 'user entry';
  if (user.token) return `token of user '${user.name}'`;
  if (user.certData || user.certFile) return `client certificate of user '${user.name}'`;
  if (user.exec) return `exec credential plugin of user '${user.name}'`;
  if (user.authProvider) return `auth provider of user '${user.name}'`;
  if (user.username) return `username and password of user '${user.name}'`;
  return `credentials of user '${user.name}'`;
}

function kubeconfigError(cluster: RegisteredCluster, reason: string): MeshMedicError {
  const ctx = cluster.context ? ` (context ${cluster.context})` : '';
  return new MeshMedicError('REGISTRY_INVALID', `cluster ${cluster.name}: kubeconfig ${cluster.kubeconfig}${ctx}: ${reason}`, {
    unrecoverable: true,
  });
}
