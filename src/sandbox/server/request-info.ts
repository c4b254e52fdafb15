// Turns a request path into what it asks for, following the real API server's RequestInfoFactory:
// /api/v1/namespaces/NS/pods/NAME/log -> {group '', version v1, resource pods, namespace NS, name NAME,
// subresource log}; everything that is not a resource path is discovery, health, openapi or admin.

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

export interface ResourceRequest {
  type: 'resource';
  verb: Verb;
  group: string;
  version: string;
  resource: string;
  namespace?: string;
  name?: string;
  subresource?: string;
}

export interface OtherRequest {
  type: 'discovery' | 'health' | 'openapi' | 'admin' | 'unknown';
  path: string;
}

export type RequestInfo = ResourceRequest | OtherRequest;

/** Subresources of a namespace that are not nested resources (`namespaces/NS/status`). */
const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

function verbOf(method: string, name: string | undefined, query: URLSearchParams): Verb | undefined {
  switch (method) {
    case 'GET':
    case 'HEAD':
      if (name !== undefined) return 'get';
      return query.get('watch') === 'true' || query.get('watch') === '1' ? 'watch' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return name === undefined ? 'deletecollection' : 'delete';
    default:
      return undefined;
  }
}

function classifyOther(path: string): OtherRequest {
  if (path === '/healthz' || path === '/livez' || path === '/readyz' || /^\/(healthz|livez|readyz)\//.test(path)) {
    return { type: 'health', path };
  }
  if (path === '/version' || path === '/api' || path === '/apis' || /^\/apis\/[^/]+$/.test(path)) {
    return { type: 'discovery', path };
  }
  if (path.startsWith('/openapi/')) return { type: 'openapi', path };
  if (path.startsWith('/sandbox/')) return { type: 'admin', path };
  return { type: 'unknown', path };
}

export function parseRequest(method: string, pathname: string, query: URLSearchParams): RequestInfo {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  let parts: string[];
  try {
    parts = path.split('/').filter((p) => p !== '').map(decodeURIComponent);
  } catch {
    return { type: 'unknown', path };
  }
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 2) {
    group = '';
    version = parts[1] as string;
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 3) {
    group = parts[1] as string;
    version = parts[2] as string;
    rest = parts.slice(3);
  } else {
    return classifyOther(path);
  }
  if (rest.length === 0) return { type: 'discovery', path };
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length > 2 && !NAMESPACE_SUBRESOURCES.has(rest[2] as string)) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [resource, name, subresource, ...extra] = rest as [string, string?, string?, ...string[]];
  // Only `proxy` takes a path after the subresource (pods/NAME:PORT/proxy/healthz/ready).
  if (extra.length > 0 && subresource !== 'proxy') return { type: 'unknown', path };
  const verb = verbOf(method, name, query);
  if (!verb) return { type: 'unknown', path };
  const info: ResourceRequest = { type: 'resource', verb, group, version, resource };
  if (namespace !== undefined) info.namespace = namespace;
  if (name !== undefined) info.name = name;
  if (subresource !== undefined) info.subresource = subresource;
  return info;
}
