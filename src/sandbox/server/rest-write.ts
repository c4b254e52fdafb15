// create (POST), update (PUT), patch (PATCH), delete and deletecollection, with `dryRun=All`,
// resourceVersion preconditions, the status subresource, and the controllers run after each write.

import { randomUUID } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import type { K8sObject } from '../../domain/k8s-object.ts';
import { type ApiRequest, type ApiResponse, apiVersionOf, type ClusterContext, jsonResponse } from './context.ts';
import { randomSuffix } from './controllers/support.ts';
import { deepEqual, isObject } from './json.ts';
import { applyPatch, patchTypeOf } from './patch/index.ts';
import type { ServedType } from './resource-types.ts';
import { asServed, readOrNotFound, selectorPredicate } from './rest-read.ts';
import { foldStringData } from './secrets.ts';
import { alreadyExists, badRequest, conflict, methodNotAllowed, notFound, success } from './status.ts';
import { rfc3339 } from './store.ts';
import { requireObject, validateObject } from './validation.ts';

/** Kinds whose metadata.generation counts spec changes (workloads, CRDs, custom resources). */
const GENERATION_KINDS = new Set(['Deployment', 'ReplicaSet', 'DaemonSet', 'StatefulSet', 'CustomResourceDefinition']);

function tracksGeneration(t: ServedType): boolean {
  return GENERATION_KINDS.has(t.kind) || !t.builtin;
}

function isDryRun(query: URLSearchParams): boolean {
  const values = query.getAll('dryRun');
  for (const v of values) if (v !== 'All') throw badRequest(`dryRun: Unsupported value: "${v}": supported values: "All"`);
  return values.length > 0;
}

/** Request body as JSON (or YAML when sent as such); 400 when it does not parse. */
export function parseBody(req: ApiRequest): unknown {
  const text = req.body.toString('utf8');
  if (text.trim() === '') throw badRequest('the request body is empty');
  const media = (req.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
  try {
    return media.endsWith('yaml') ? parseYaml(text) : JSON.parse(text);
  } catch (err) {
    throw badRequest(`the request body could not be decoded: ${(err as Error).message}`);
  }
}

function subject(t: ServedType, name: string) {
  return { group: t.group, resource: t.plural, name };
}

function served(req: ApiRequest, obj: K8sObject): K8sObject {
  return asServed(obj, apiVersionOf(req.type.group, req.info.version));
}

/** Everything but metadata and status: what a generation counts. */
function specPart(obj: K8sObject): Record<string, unknown> {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = obj;
  return rest;
}

function withoutVersion(obj: K8sObject): K8sObject {
  const { resourceVersion: _rv, ...metadata } = obj.metadata;
  return { ...obj, metadata: metadata as K8sObject['metadata'] };
}

/**
 * Stores `next` as the new version of `old` (validated, generation bumped on spec change), unless
 * it changes nothing (then the stored object is returned untouched, like a real no-op write).
 */
function commit(ctx: ClusterContext, t: ServedType, old: K8sObject, candidate: K8sObject, dryRun: boolean): K8sObject {
  let next = t.kind === 'Secret' ? foldStringData(candidate) : candidate;
  next = {
    ...next,
    apiVersion: old.apiVersion,
    kind: old.kind,
    metadata: {
      ...next.metadata,
      uid: old.metadata.uid,
      creationTimestamp: old.metadata.creationTimestamp,
      resourceVersion: old.metadata.resourceVersion,
    },
  };
  validateObject(t, next, old);
  if (tracksGeneration(t)) {
    const generation = typeof old.metadata.generation === 'number' ? old.metadata.generation : 1;
    next.metadata.generation = deepEqual(specPart(old), specPart(next)) ? generation : generation + 1;
  }
  if (deepEqual(withoutVersion(old), withoutVersion(next))) return old;
  if (dryRun) return ctx.store.preview(t, next);
  const stored = ctx.store.write(t, next);
  ctx.controllers.afterWrite({ type: t, before: old, after: stored });
  return stored;
}

function checkPrecondition(t: ServedType, old: K8sObject, resourceVersion: unknown): void {
  if (resourceVersion !== undefined && resourceVersion !== null && resourceVersion !== '' && resourceVersion !== old.metadata.resourceVersion) {
    throw conflict(subject(t, old.metadata.name));
  }
}

export function handleCreate(ctx: ClusterContext, req: ApiRequest): ApiResponse {
  const t = req.type;
  if (req.info.name !== undefined) throw methodNotAllowed(`POST is not supported on a named ${t.kind}`);
  if (t.namespaced && req.info.namespace === undefined) throw methodNotAllowed(`POST requires a namespace for ${t.plural}`);
  return createFrom(ctx, req, requireObject(parseBody(req)));
}

/** Stores a new object (POST, or a server-side apply of an object that does not exist yet). */
function createFrom(ctx: ClusterContext, req: ApiRequest, body: K8sObject): ApiResponse {
  const t = req.type;
  const md = { ...body.metadata };
  if (t.namespaced) {
    if (md.namespace && md.namespace !== req.info.namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    md.namespace = req.info.namespace as string;
  }
  if (md.resourceVersion) throw badRequest('resourceVersion should not be set on objects to be created');
  if (!md.name && typeof md.generateName === 'string' && md.generateName) md.name = `${md.generateName}${randomSuffix()}`;
  md.uid = randomUUID();
  md.creationTimestamp = rfc3339(ctx.now());
  if (tracksGeneration(t)) md.generation = 1;
  if (body.kind !== undefined && body.kind !== t.kind) {
    throw badRequest(`the kind of the provided object (${String(body.kind)}) does not match the resource ${t.plural}`);
  }
  let obj: K8sObject = { ...body, apiVersion: apiVersionOf(t.group, req.info.version), kind: t.kind, metadata: md };
  if (t.kind === 'Secret') obj = foldStringData(obj);
  validateObject(t, obj);
  if (ctx.store.read(t, md.namespace, md.name)) throw alreadyExists(subject(t, md.name));
  if (isDryRun(req.query)) return jsonResponse(201, served(req, ctx.store.preview(t, obj)));
  const stored = ctx.store.write(t, obj);
  ctx.controllers.afterWrite({ type: t, after: stored });
  return jsonResponse(201, served(req, stored));
}

export function handleUpdate(ctx: ClusterContext, req: ApiRequest): ApiResponse {
  const t = req.type;
  const name = req.info.name as string;
  const body = requireObject(parseBody(req));
  if (body.metadata.name && body.metadata.name !== name) {
    throw badRequest(`the name of the object (${body.metadata.name}) does not match the name on the URL (${name})`);
  }
  const old = readOrNotFound(ctx, req);
  checkPrecondition(t, old, body.metadata.resourceVersion);
  const candidate: K8sObject =
    req.info.subresource === 'status'
      ? { ...old, status: body.status }
      : { ...body, metadata: { ...body.metadata, name, ...(t.namespaced ? { namespace: old.metadata.namespace } : {}) } };
  return jsonResponse(200, served(req, commit(ctx, t, old, candidate, isDryRun(req.query))));
}

export function handlePatch(ctx: ClusterContext, req: ApiRequest): ApiResponse {
  const t = req.type;
  const patchType = patchTypeOf(req.headers['content-type'], t);
  const patch = parseBody(req);
  if (patchType === 'apply' && !req.info.subresource && !ctx.store.read(t, req.info.namespace, req.info.name as string)) {
    // Server-side apply creates what does not exist yet.
    const body = requireObject(patch);
    if (body.metadata.name !== req.info.name) {
      throw badRequest(`the name of the object (${String(body.metadata.name)}) does not match the name on the URL (${req.info.name})`);
    }
    return createFrom(ctx, req, body);
  }
  const old = readOrNotFound(ctx, req);
  const patched = applyPatch(patchType, t, old, patch);
  if (!isObject(patched) || !isObject(patched.metadata)) throw badRequest('the patch removed the object metadata');
  checkPrecondition(t, old, patched.metadata.resourceVersion);
  const candidate: K8sObject = req.info.subresource === 'status' ? { ...old, status: patched.status } : patched;
  return jsonResponse(200, served(req, commit(ctx, t, old, candidate, isDryRun(req.query))));
}

function deleteOptions(req: ApiRequest): Record<string, unknown> {
  if (req.body.length === 0) return {};
  const body = parseBody(req);
  return isObject(body) ? body : {};
}

export function handleDelete(ctx: ClusterContext, req: ApiRequest): ApiResponse {
  const t = req.type;
  const old = readOrNotFound(ctx, req);
  const pre = deleteOptions(req).preconditions;
  if (isObject(pre)) {
    checkPrecondition(t, old, pre.resourceVersion);
    if (typeof pre.uid === 'string' && pre.uid !== old.metadata.uid) throw conflict(subject(t, old.metadata.name));
  }
  if (!isDryRun(req.query)) remove(ctx, t, old);
  return jsonResponse(200, deleteResult(req, old));
}

/** Registries that answer a delete with the deleted object (ReturnDeletedObject); the rest answer Status Success. */
const RETURNS_DELETED_OBJECT = new Set(['Pod', 'Service', 'ServiceAccount', 'Namespace', 'CustomResourceDefinition']);

function deleteResult(req: ApiRequest, obj: K8sObject): unknown {
  const t = req.type;
  if (RETURNS_DELETED_OBJECT.has(t.kind) || !t.builtin) return served(req, obj);
  return success({ name: obj.metadata.name, group: t.group, kind: t.plural, ...(obj.metadata.uid ? { uid: obj.metadata.uid } : {}) });
}

function remove(ctx: ClusterContext, t: ServedType, obj: K8sObject): void {
  const removed = ctx.store.remove(t, obj.metadata.namespace, obj.metadata.name);
  if (!removed) throw notFound(subject(t, obj.metadata.name));
  ctx.controllers.afterWrite({ type: t, before: removed });
}

export function handleDeleteCollection(ctx: ClusterContext, req: ApiRequest): ApiResponse {
  const t = req.type;
  const filter = selectorPredicate(req);
  const keys = [...ctx.store.sortedKeys(t, req.info.namespace)];
  const victims = keys.map((k) => ctx.store.byKey(t, k)).filter((o): o is K8sObject => !!o && (!filter || filter(o)));
  const dryRun = isDryRun(req.query);
  if (!dryRun) for (const o of victims) remove(ctx, t, o);
  const apiVersion = apiVersionOf(t.group, req.info.version);
  return jsonResponse(200, {
    kind: t.listKind,
    apiVersion,
    metadata: { resourceVersion: ctx.store.revision },
    items: victims.map((o) => asServed(o, apiVersion)),
  });
}
