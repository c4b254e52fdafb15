// Legacy (non-aggregated) discovery documents: /api, /apis, /apis/GROUP, /api/v1, /apis/GROUP/VERSION
// and /version. kubectl asks for aggregated discovery first (Accept ...as=APIGroupDiscoveryList);
// a plain application/json answer makes it fall back to these, as with an older server.

import type { ServedType, TypeRegistry } from './resource-types.ts';

export const SERVER_VERSION = {
  major: '1',
  minor: '30',
  gitVersion: 'v1.30.4',
  gitCommit: 'a51b3b711150f57ffc1f526a640ec058514ed596',
  gitTreeState: 'clean',
  buildDate: '2024-08-14T19:04:55Z',
  goVersion: 'go1.22.5',
  compiler: 'gc',
  platform: 'linux/amd64',
};

/** Kinds `kubectl get all` includes. */
const CATEGORY_ALL = new Set(['Pod', 'Service', 'Deployment', 'ReplicaSet', 'DaemonSet', 'StatefulSet']);

export function apiVersions(serverAddress: string): Record<string, unknown> {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function groupDoc(group: string, versions: string[]): Record<string, unknown> {
  const gv = versions.map((version) => ({ groupVersion: `${group}/${version}`, version }));
  return { name: group, versions: gv, preferredVersion: gv[0] };
}

export function apiGroupList(types: TypeRegistry): Record<string, unknown> {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: types.groups().map((g) => groupDoc(g.group, g.versions)),
  };
}

export function apiGroup(types: TypeRegistry, group: string): Record<string, unknown> | undefined {
  const g = types.groups().find((x) => x.group === group);
  return g && { kind: 'APIGroup', apiVersion: 'v1', ...groupDoc(g.group, g.versions) };
}

function resourceEntries(t: ServedType): Record<string, unknown>[] {
  const main: Record<string, unknown> = {
    name: t.plural,
    singularName: t.singular,
    namespaced: t.namespaced,
    kind: t.kind,
    verbs: t.verbs,
  };
  if (t.shortNames?.length) main.shortNames = t.shortNames;
  if (CATEGORY_ALL.has(t.kind) && !t.fromCrd) main.categories = ['all'];
  const sub = (name: string, verbs: string[]) => ({ name: `${t.plural}/${name}`, singularName: '', namespaced: t.namespaced, kind: t.kind, verbs });
  const entries = [main];
  for (const s of t.subresources ?? []) entries.push(sub(s, ['get']));
  if (t.hasStatus) entries.push(sub('status', ['get', 'patch', 'update']));
  return entries;
}

/** APIResourceList of one group/version, or undefined when nothing is served there. */
export function apiResourceList(types: TypeRegistry, group: string, version: string): Record<string, unknown> | undefined {
  const served = types.inGroupVersion(group, version);
  if (served.length === 0) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${version}` : version,
    resources: served.flatMap(resourceEntries),
  };
}
