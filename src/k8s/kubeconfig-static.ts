// A reader for kubeconfigs whose credentials are static (bearer token, token file, client
// certificate, username/password): the case of service-account kubeconfigs a bot is given.
// @kubernetes/client-node's KubeConfig costs ~125 MB of RSS to import (it loads the whole generated
// API), more than a 5,000-pod diagnosis's data; this reader lets a diagnosis skip that import.
//
// It follows client-node 1.4's KubeConfig exactly (entry validation, first match by name, trailing
// slash, relative certificate paths, token-file read at load, Basic over Bearer) and answers only
// when its answer is certain to be the same; anything else (exec plugins, auth providers, http://
// servers, proxies, malformed entries, unreadable files) returns undefined so the caller uses
// client-node itself, with its own behaviour and error messages.

import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { parse as parseYaml } from 'yaml';

export interface StaticCluster {
  /** Without one trailing slash, as client-node keeps it. */
  server: string;
  caData?: string;
  /** Absolute (resolved against the kubeconfig's directory). */
  caFile?: string;
  skipTLSVerify: boolean;
  tlsServerName?: string;
  proxyUrl?: string;
  /** A value this reader does not interpret the way client-node would (not a string). */
  unsupported: boolean;
}

export interface StaticUser {
  name: string;
  token?: string;
  certData?: string;
  certFile?: string;
  keyData?: string;
  keyFile?: string;
  username?: string;
  password?: string;
  impersonateUser?: string;
  /** exec or auth-provider present: credentials are not static. */
  dynamic: boolean;
  /** A value this reader does not interpret the way client-node would (not a string). */
  unsupported: boolean;
}

export interface StaticEntries {
  cluster: StaticCluster;
  /** Undefined when the context names no user (or an unknown one). */
  user?: StaticUser;
}

type Rec = Record<string, unknown>;

const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Thrown for anything this reader does not decide: the caller then asks client-node. */
class NotStatic extends Error {}

/**
 * client-node keeps YAML values as they are and tests them for truthiness: a falsy value counts as
 * absent. A truthy value this reader can only use as a string; otherwise it flags `unsupported`
 * (client-node loads such a file, so apiServerOf still answers) or, where client-node throws at
 * load (file paths, the server), throws.
 */
function optionalString(v: unknown, flag: { unsupported: boolean }, throws = false): string | undefined {
  if (!v) return undefined;
  if (typeof v === 'string') return v;
  if (throws) throw new NotStatic();
  flag.unsupported = true;
  return undefined;
}

/** js-yaml's default schema (what client-node parses with): YAML 1.2 core plus merge keys,
 *  timestamps, binary, omap, pairs and set. A timestamp then is a Date, which this reader refuses. */
const YAML_OPTIONS = { merge: true, customTags: ['binary', 'omap', 'pairs', 'set', 'timestamp'] } as const;

function readDocument(path: string): Rec {
  const doc: unknown = parseYaml(readFileSync(path, 'utf8'), { ...YAML_OPTIONS, customTags: [...YAML_OPTIONS.customTags] });
  if (!isRec(doc)) throw new NotStatic();
  return doc;
}

/** The entries of one list, validated as client-node's newClusters/newContexts/newUsers do. */
function entries(doc: Rec, key: string, inner: string | undefined, required: string[]): Rec[] {
  const list = doc[key];
  if (!Array.isArray(list)) return [];
  return list.map((elt: unknown) => {
    if (!isRec(elt) || !elt.name) throw new NotStatic();
    if (inner === undefined) return elt;
    const body = elt[inner];
    if (!isRec(body)) throw new NotStatic();
    for (const r of required) if (!body[r]) throw new NotStatic();
    return elt;
  });
}

function staticCluster(elt: Rec, root: string): StaticCluster {
  const c = elt.cluster as Rec;
  const out: StaticCluster = { server: '', skipTLSVerify: c['insecure-skip-tls-verify'] === true, unsupported: false };
  out.server = (optionalString(c.server, out, true) as string).replace(/\/$/, '');
  const caData = optionalString(c['certificate-authority-data'], out);
  const caFile = optionalString(c['certificate-authority'], out, true);
  const tlsServerName = optionalString(c['tls-server-name'], out);
  if (caData) out.caData = caData;
  if (caFile) out.caFile = absolute(root, caFile);
  if (tlsServerName) out.tlsServerName = tlsServerName;
  if (c['proxy-url']) out.proxyUrl = String(c['proxy-url']);
  return out;
}

/** A present value (not undefined/null): client-node uses it even when empty. */
function presentString(v: unknown, flag: { unsupported: boolean }): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  flag.unsupported = true;
  return undefined;
}

function staticUser(elt: Rec, root: string): StaticUser {
  const u = isRec(elt.user) ? elt.user : {};
  const user: StaticUser = { name: String(elt.name), dynamic: Boolean(u.exec || u['auth-provider']), unsupported: false };
  // client-node reads `token`, else `token-file`, at load (relative to the working directory).
  const token = u.token ? optionalString(u.token, user) : undefined;
  const tokenFile = u.token ? undefined : optionalString(u['token-file'], user, true);
  const tokenValue = token ?? (tokenFile ? readFileSync(tokenFile).toString() : undefined);
  if (tokenValue) user.token = tokenValue;
  const certData = optionalString(u['client-certificate-data'], user);
  const keyData = optionalString(u['client-key-data'], user);
  const certFile = optionalString(u['client-certificate'], user, true);
  const keyFile = optionalString(u['client-key'], user, true);
  const username = optionalString(u.username, user);
  const password = presentString(u.password, user);
  const impersonateUser = presentString(u.as, user);
  if (certData) user.certData = certData;
  if (keyData) user.keyData = keyData;
  if (certFile) user.certFile = absolute(root, certFile);
  if (keyFile) user.keyFile = absolute(root, keyFile);
  if (username) user.username = username;
  if (password !== undefined) user.password = password;
  if (impersonateUser !== undefined) user.impersonateUser = impersonateUser;
  return user;
}

function absolute(root: string, file: string): string {
  return isAbsolute(file) ? file : join(root, file);
}

/**
 * The current (or given) context's cluster and user, or undefined when client-node must decide:
 * unreadable or malformed file, unknown context or cluster, non-string values where strings are
 * expected.
 */
export function readStaticEntries(path: string, context?: string): StaticEntries | undefined {
  try {
    const doc = readDocument(path);
    const root = dirname(path);
    const clusterElts = entries(doc, 'clusters', 'cluster', ['server']);
    const contexts = entries(doc, 'contexts', 'context', ['cluster']);
    const userElts = entries(doc, 'users', undefined, []);
    // client-node converts every entry at load (reading every token file): so does this.
    const clusters = clusterElts.map((e) => ({ name: e.name, cluster: staticCluster(e, root) }));
    const users = userElts.map((e) => ({ name: e.name, user: staticUser(e, root) }));
    const ctx = contexts.find((c) => c.name === (context || doc['current-context']));
    if (!ctx) return undefined;
    const ctxBody = ctx.context as Rec;
    const cluster = clusters.find((c) => c.name === ctxBody.cluster)?.cluster;
    if (!cluster) return undefined;
    const userName = ctxBody.user || undefined;
    const user = userName === undefined ? undefined : users.find((u) => u.name === userName)?.user;
    return user ? { cluster, user } : { cluster };
  } catch {
    return undefined;
  }
}

/** Whether a client can be built from these entries alone, exactly as client-node would build it. */
export function isStatic(e: StaticEntries): e is StaticEntries & { user: StaticUser } {
  return (
    e.user !== undefined &&
    !e.user.dynamic &&
    !e.user.unsupported &&
    !e.cluster.unsupported &&
    e.cluster.proxyUrl === undefined &&
    e.cluster.server.startsWith('https:')
  );
}

/** TLS options and headers as client-node's applyToHTTPSOptions gives them for a static user. */
export function staticRequestOptions(e: StaticEntries & { user: StaticUser }): {
  tls: { ca?: Buffer; cert?: Buffer; key?: Buffer; servername?: string; rejectUnauthorized?: boolean };
  headers: Record<string, string>;
} {
  const { cluster, user } = e;
  const tls: ReturnType<typeof staticRequestOptions>['tls'] = {};
  if (cluster.skipTLSVerify) tls.rejectUnauthorized = false;
  if (cluster.tlsServerName) tls.servername = cluster.tlsServerName;
  const ca = fileOrData(cluster.caFile, cluster.caData);
  if (ca) tls.ca = ca;
  const cert = fileOrData(user.certFile, user.certData);
  if (cert) tls.cert = cert;
  const key = fileOrData(user.keyFile, user.keyData);
  if (key) tls.key = key;
  const headers: Record<string, string> = {};
  if (user.impersonateUser !== undefined) headers['Impersonate-User'] = user.impersonateUser;
  if (user.token) headers.Authorization = `Bearer ${user.token}`;
  if (user.username) headers.Authorization = `Basic ${Buffer.from(`${user.username}:${user.password}`).toString('base64')}`;
  return { tls, headers };
}

function fileOrData(file: string | undefined, data: string | undefined): Buffer | undefined {
  if (file) return readFileSync(file);
  if (data) return Buffer.from(data, 'base64');
  return undefined;
}
