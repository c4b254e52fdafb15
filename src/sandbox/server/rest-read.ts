// GET of one object and of lists (one namespace or all), as JSON or as a server-side Table.
// Objects are stored once and served under any version their type lists: only `apiVersion` differs.

import type { K8sObject } from '../../domain/k8s-object.ts';
import { type ApiRequest, type ApiResponse, apiVersionOf, type BodyChunk, type ClusterContext, jsonResponse } from './context.ts';
import { compileFieldSelector, parseFieldSelector } from './field-selector.ts';
import { joinAdjacent, objectBytes } from './json-bytes.ts';
import { matchesLabels, parseLabelSelector } from './label-selector.ts';
import { paginate } from './pagination.ts';
import { badRequest, notAcceptable, notFound } from './status.ts';
import { type IncludeObject, tableVersionAccepted, toTable } from './table.ts';

export { asServed } from './json-bytes.ts';

/** 406 when the client accepts neither JSON nor anything (protobuf-only clients). */
export function checkAcceptsJson(accept: string | undefined): void {
  if (!accept) return;
  const ok = accept.split(',').some((part) => {
    const media = part.split(';')[0]?.trim() ?? '';
    return media === 'application/json' || media === '*/*' || media === 'application/*' || media === 'application/yaml';
  });
  if (!ok) throw notAcceptable('only the following media types are accepted: application/json, application/yaml');
}

function includeObject(query: URLSearchParams): IncludeObject {
  const v = query.get('includeObject');
  if (v === null || v === '') return 'Metadata';
  if (v === 'None' || v === 'Metadata' || v === 'Object') return v;
  throw badRequest(`includeObject: Unsupported value: "${v}": supported values: "None", "Metadata", "Object"`);
}

function subjectOf(req: ApiRequest, name: string) {
  return { group: req.type.group, resource: req.type.plural, name };
}

export function readOrNotFound(ctx: ClusterContext, req: ApiRequest): K8sObject {
  const name = req.info.name as string;
  const obj = ctx.store.read(req.type, req.info.namespace, name);
  if (!obj) throw notFound(subjectOf(req, name));
  return obj;
}

function respondObjects(
  ctx: ClusterContext,
  req: ApiRequest,
  items: readonly K8sObject[],
  listMeta: Record<string, unknown>,
  single: boolean,
): ApiResponse | undefined {
  const tableVersion = tableVersionAccepted(req.headers.accept);
  if (!tableVersion) return undefined;
  const apiVersion = apiVersionOf(req.type.group, req.info.version);
  const table = toTable(req.type, items, {
    tableVersion,
    include: includeObject(req.query),
    apiVersion,
    now: ctx.now(),
    listMeta: single ? { resourceVersion: items[0]?.metadata.resourceVersion ?? '' } : listMeta,
  });
  return jsonResponse(200, table);
}

export function handleGet(ctx: ClusterContext, req: ApiRequest): ApiResponse {
  const obj = readOrNotFound(ctx, req);
  const table = respondObjects(ctx, req, [obj], {}, true);
  if (table) return table;
  checkAcceptsJson(req.headers.accept);
  return { status: 200, contentType: 'application/json', body: [objectBytes(obj, apiVersionOf(req.type.group, req.info.version))] };
}

/** Label + field selector of a list request as one predicate (undefined when there is none). */
export function selectorPredicate(req: ApiRequest): ((o: K8sObject) => boolean) | undefined {
  const labelSel = req.query.get('labelSelector') ?? '';
  const fieldSel = req.query.get('fieldSelector') ?? '';
  const labels = parseLabelSelector(labelSel);
  const fields = compileFieldSelector(req.type, parseFieldSelector(fieldSel));
  if (labels.length === 0 && fieldSel.trim() === '') return undefined;
  return (o) => matchesLabels(labels, o.metadata.labels) && fields(o);
}

function parseLimit(query: URLSearchParams): number | undefined {
  const raw = query.get('limit');
  if (raw === null || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw badRequest(`limit: Invalid value: "${raw}": must be a non-negative integer`);
  return n;
}

/**
 * Exactly JSON.stringify({ kind, apiVersion, metadata, items }), in pieces: the items are the
 * objects' cached bytes (json-bytes.ts), so a page costs no serialization and no copy.
 */
function listJson(kind: string, apiVersion: string, metadata: Record<string, unknown>, items: readonly K8sObject[]): BodyChunk[] {
  const head = JSON.stringify({ kind, apiVersion, metadata, items: [] });
  const elements = joinAdjacent(items.map((o) => objectBytes(o, apiVersion)));
  return [head.slice(0, -2), ...elements, ']}'];
}

export function handleList(ctx: ClusterContext, req: ApiRequest): ApiResponse {
  const { store } = ctx;
  const filter = selectorPredicate(req);
  const revision = store.revision;
  const keys = store.sortedKeys(req.type, req.info.namespace);
  const continueToken = req.query.get('continue') || undefined;
  const page = paginate(keys, (k) => store.byKey(req.type, k), filter, { limit: parseLimit(req.query), continueToken }, revision);
  const listMeta: Record<string, unknown> = { resourceVersion: revision };
  if (page.continue) listMeta.continue = page.continue;
  if (page.remainingItemCount !== undefined) listMeta.remainingItemCount = page.remainingItemCount;
  const table = respondObjects(ctx, req, page.items, listMeta, false);
  if (table) return table;
  checkAcceptsJson(req.headers.accept);
  const apiVersion = apiVersionOf(req.type.group, req.info.version);
  return { status: 200, contentType: 'application/json', body: listJson(req.type.listKind, apiVersion, listMeta, page.items) };
}
