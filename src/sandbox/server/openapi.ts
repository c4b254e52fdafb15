// Just enough OpenAPI v3 for `kubectl apply` / `create -f` / `replace` to run with the default
// --validate=strict: every group/version document declares, for each kind, a PATCH operation that
// takes the `fieldValidation` query parameter, so kubectl leaves validation to the server (which
// accepts the parameter and does its own minimal validation) instead of validating client-side.
// No schemas are published: `kubectl explain` does not work, and apply falls back to its
// compiled-in types to compute patches, as it does for kinds missing from a real server's spec.
// /openapi/v2 is not served (404): kubectl copes with that when v3 is present.

import { createHash } from 'node:crypto';
import { SERVER_VERSION } from './discovery.ts';
import type { ServedType, TypeRegistry } from './resource-types.ts';

function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

function groupVersions(types: TypeRegistry): { group: string; version: string }[] {
  const out = [{ group: '', version: 'v1' }];
  for (const g of types.groups()) for (const version of g.versions) out.push({ group: g.group, version });
  return out;
}

const QUERY_PARAMS = ['dryRun', 'fieldManager', 'fieldValidation', 'force', 'pretty'].map((name) => ({
  name,
  in: 'query',
  schema: { type: name === 'force' ? 'boolean' : 'string', uniqueItems: true },
}));

function itemPath(t: ServedType, version: string): string {
  const base = t.group ? `/apis/${t.group}/${version}` : `/api/${version}`;
  return t.namespaced ? `${base}/namespaces/{namespace}/${t.plural}/{name}` : `${base}/${t.plural}/{name}`;
}

function operation(t: ServedType, version: string, action: string): Record<string, unknown> {
  return {
    description: `${action} the specified ${t.kind}`,
    operationId: `${action}${t.kind}`,
    parameters: QUERY_PARAMS,
    responses: { '200': { description: 'OK' } },
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': { group: t.group, version, kind: t.kind },
  };
}

/** The OpenAPI v3 document of one group/version, or undefined if nothing is served there. */
export function groupVersionDoc(types: TypeRegistry, group: string, version: string): Record<string, unknown> | undefined {
  const served = types.inGroupVersion(group, version);
  if (served.length === 0) return undefined;
  const paths: Record<string, unknown> = {};
  for (const t of served) {
    paths[itemPath(t, version)] = {
      get: operation(t, version, 'get'),
      put: operation(t, version, 'put'),
      patch: operation(t, version, 'patch'),
      delete: operation(t, version, 'delete'),
    };
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: SERVER_VERSION.gitVersion },
    paths,
    components: { schemas: {} },
  };
}

function hashOf(doc: unknown): string {
  return createHash('sha512').update(JSON.stringify(doc)).digest('hex').toUpperCase();
}

/** /openapi/v3: where each group/version document is. */
export function openApiV3Root(types: TypeRegistry): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const { group, version } of groupVersions(types)) {
    const doc = groupVersionDoc(types, group, version);
    if (!doc) continue;
    const p = gvPath(group, version);
    paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${hashOf(doc)}` };
  }
  return { paths };
}

/** Resolves /openapi/v3/api/v1 or /openapi/v3/apis/GROUP/VERSION. */
export function openApiV3Doc(types: TypeRegistry, path: string): Record<string, unknown> | undefined {
  const m = /^\/openapi\/v3\/(?:api\/([^/]+)|apis\/([^/]+)\/([^/]+))$/.exec(path);
  if (!m) return undefined;
  return m[1] ? groupVersionDoc(types, '', m[1]) : groupVersionDoc(types, m[2] as string, m[3] as string);
}
