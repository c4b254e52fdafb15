// Strategic merge patch for the built-in kinds the sandbox serves: maps merge recursively, `null`
// deletes, lists with a Kubernetes merge key merge element by element (new elements appended),
// other lists are replaced. Directives: `$patch: replace|delete|merge` (in maps and list
// elements), `$retainKeys`, `$deleteFromPrimitiveList/<field>`, `$setElementOrder/<field>`.
// The merge keys come from the Go struct tags of the real types, looked up by field path.

import { deepEqual, isObject, type JsonObject } from '../json.ts';
import { badRequest } from '../status.ts';

const CONTAINER_LISTS = new Set(['containers', 'initContainers', 'ephemeralContainers']);

/** `patchMergeKey` by field name; `ports` depends on where it is (see mergeKeyFor). */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  env: 'name',
  conditions: 'type',
  imagePullSecrets: 'name',
  ownerReferences: 'uid',
  hostAliases: 'ip',
  podIPs: 'ip',
  hostIPs: 'ip',
  addresses: 'type',
  topologySpreadConstraints: 'topologyKey',
  resourceClaims: 'name',
  schedulingGates: 'name',
  webhooks: 'name',
};

/** Lists of scalars whose patch strategy is `merge` (union) instead of replace. */
const PRIMITIVE_MERGE_LISTS = new Set(['finalizers']);

/**
 * The merge key of the list at `path` (field names from the object root, no indices), or
 * undefined when the list is atomic (replaced by a patch).
 */
export function mergeKeyFor(kind: string, path: readonly string[]): string | undefined {
  const field = path[path.length - 1];
  if (field === undefined) return undefined;
  if (field === 'ports') {
    const parent = path[path.length - 2];
    if (parent !== undefined && CONTAINER_LISTS.has(parent)) return 'containerPort';
    if (kind === 'Service' && path.length === 2 && path[0] === 'spec') return 'port';
    return undefined;
  }
  if (field === 'addresses') return kind === 'Node' && path[0] === 'status' ? 'type' : undefined;
  return MERGE_KEYS[field];
}

const ORDER_PREFIX = '$setElementOrder/';
const DELETE_PRIMITIVE_PREFIX = '$deleteFromPrimitiveList/';

/** Result of merging a map: `undefined` when `$patch: delete` removed it. */
function mergeMap(kind: string, path: string[], original: unknown, patch: JsonObject): JsonObject | undefined {
  const directive = patch.$patch;
  if (directive === 'delete') return undefined;
  if (directive === 'replace') return stripDirectives(patch) as JsonObject;
  if (directive !== undefined && directive !== 'merge') throw badRequest(`unknown patch type: ${String(directive)}`);
  const out: JsonObject = isObject(original) ? { ...original } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith('$')) continue;
    if (value === null) {
      delete out[key];
      continue;
    }
    const merged = mergeValue(kind, [...path, key], out[key], value);
    if (merged === undefined) delete out[key];
    else out[key] = merged;
  }
  applyMapDirectives(kind, path, out, patch);
  return out;
}

function applyMapDirectives(kind: string, path: string[], out: JsonObject, patch: JsonObject): void {
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith(DELETE_PRIMITIVE_PREFIX) && Array.isArray(value)) {
      const field = key.slice(DELETE_PRIMITIVE_PREFIX.length);
      const list = out[field];
      if (Array.isArray(list)) out[field] = list.filter((v) => !value.some((d) => deepEqual(d, v)));
    } else if (key.startsWith(ORDER_PREFIX) && Array.isArray(value)) {
      const field = key.slice(ORDER_PREFIX.length);
      const list = out[field];
      if (Array.isArray(list)) out[field] = reorder(list, value, mergeKeyFor(kind, [...path, field]));
    }
  }
  const retain = patch.$retainKeys;
  if (Array.isArray(retain)) {
    for (const key of Object.keys(out)) if (!retain.includes(key)) delete out[key];
  }
}

/** Puts the elements named in `order` first, in that order; the rest keep their relative order. */
function reorder(list: unknown[], order: unknown[], key: string | undefined): unknown[] {
  const id = (v: unknown) => (key && isObject(v) ? v[key] : v);
  const orderIds = order.map(id);
  const rank = (v: unknown) => {
    const i = orderIds.findIndex((o) => deepEqual(o, id(v)));
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  return list
    .map((v, i) => ({ v, i }))
    .sort((a, b) => rank(a.v) - rank(b.v) || a.i - b.i)
    .map((e) => e.v);
}

function mergeValue(kind: string, path: string[], original: unknown, patch: unknown): unknown {
  if (isObject(patch)) return mergeMap(kind, path, original, patch);
  if (Array.isArray(patch)) return mergeList(kind, path, original, patch);
  return patch;
}

function mergeList(kind: string, path: string[], original: unknown, patch: unknown[]): unknown[] {
  if (patch.some((e) => isObject(e) && e.$patch === 'replace')) {
    return patch.filter((e) => !(isObject(e) && e.$patch === 'replace')).map(stripDirectives);
  }
  const field = path[path.length - 1] ?? '';
  if (PRIMITIVE_MERGE_LISTS.has(field)) {
    const out = Array.isArray(original) ? [...original] : [];
    for (const v of patch) if (!out.some((o) => deepEqual(o, v))) out.push(v);
    return out;
  }
  const key = mergeKeyFor(kind, path);
  if (!key) return patch.map(stripDirectives);
  const out: unknown[] = Array.isArray(original) ? [...original] : [];
  for (const element of patch) {
    if (!isObject(element)) throw badRequest(`strategic merge patch: list ${path.join('.')} must hold objects keyed by ${key}`);
    const at = out.findIndex((o) => isObject(o) && deepEqual(o[key], element[key]));
    if (element.$patch === 'delete') {
      if (at >= 0) out.splice(at, 1);
      continue;
    }
    if (at >= 0) out[at] = mergeMap(kind, path, out[at], element);
    else out.push(mergeMap(kind, path, undefined, element));
  }
  return out;
}

function stripDirectives(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripDirectives);
  if (!isObject(v)) return v;
  const out: JsonObject = {};
  for (const [k, val] of Object.entries(v)) if (!k.startsWith('$')) out[k] = stripDirectives(val);
  return out;
}

/** Applies a strategic merge patch to an object of `kind`; never mutates its inputs. */
export function applyStrategicMergePatch(kind: string, target: JsonObject, patch: unknown): JsonObject {
  if (!isObject(patch)) throw badRequest('strategic merge patch must be a JSON object');
  return mergeMap(kind, [], target, patch) ?? {};
}
