// Routes an authenticated Kubernetes API request to its handler. Throws ApiError for every
// failure; the listener turns it into a Status response.

import type { IncomingHttpHeaders } from 'node:http';
import { type ApiRequest, type ApiResponse, type ClusterContext, jsonResponse, textResponse } from './context.ts';
import { apiGroup, apiGroupList, apiResourceList, apiVersions, SERVER_VERSION } from './discovery.ts';
import { openApiV3Doc, openApiV3Root } from './openapi.ts';
import { handlePodLog, handlePodProxy } from './pod-logs.ts';
import type { RequestInfo, ResourceRequest } from './request-info.ts';
import type { ServedType } from './resource-types.ts';
import { handleGet, handleList } from './rest-read.ts';
import { handleCreate, handleDelete, handleDeleteCollection, handlePatch, handleUpdate } from './rest-write.ts';
import { methodNotAllowed, notFound, pathNotFound } from './status.ts';

export interface IncomingApiRequest {
  method: string;
  info: RequestInfo;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** host:port the client connected to (for /api serverAddressByClientCIDRs). */
  serverAddress: string;
}

/** The served type a resource request names; 404 like a real server when it names none. */
export function resolveType(ctx: ClusterContext, info: ResourceRequest): ServedType {
  const t = ctx.store.types.find(info.group, info.resource);
  if (!t?.versions.includes(info.version)) throw pathNotFound();
  if (!t.namespaced && info.namespace !== undefined) throw pathNotFound();
  return t;
}

function handleDiscovery(ctx: ClusterContext, path: string, serverAddress: string): ApiResponse {
  const types = ctx.store.types;
  if (path === '/version') return jsonResponse(200, SERVER_VERSION);
  if (path === '/api') return jsonResponse(200, apiVersions(serverAddress));
  if (path === '/apis') return jsonResponse(200, apiGroupList(types));
  const parts = path.split('/').filter((p) => p !== '');
  let doc: Record<string, unknown> | undefined;
  if (parts[0] === 'api' && parts.length === 2) doc = apiResourceList(types, '', parts[1] as string);
  else if (parts[0] === 'apis' && parts.length === 2) doc = apiGroup(types, parts[1] as string);
  else if (parts[0] === 'apis' && parts.length === 3) doc = apiResourceList(types, parts[1] as string, parts[2] as string);
  if (!doc) throw pathNotFound();
  return jsonResponse(200, doc);
}

function handleOpenApi(ctx: ClusterContext, path: string): ApiResponse {
  const doc = path === '/openapi/v3' ? openApiV3Root(ctx.store.types) : openApiV3Doc(ctx.store.types, path);
  if (!doc) throw pathNotFound();
  return jsonResponse(200, doc);
}

function handleSubresource(ctx: ClusterContext, req: ApiRequest): ApiResponse {
  const { info, type } = req;
  const sub = info.subresource as string;
  if (type.kind === 'Pod' && type.group === '' && (sub === 'log' || sub === 'proxy')) {
    if (info.verb !== 'get' && sub === 'log') throw methodNotAllowed(`${info.verb} is not supported on pods/log`);
    return sub === 'log' ? handlePodLog(ctx, req) : handlePodProxy(ctx, req);
  }
  if (sub !== 'status' || !type.hasStatus) throw notFound({ group: type.group, resource: `${type.plural}/${sub}` });
  switch (info.verb) {
    case 'get':
      return handleGet(ctx, req);
    case 'update':
      return handleUpdate(ctx, req);
    case 'patch':
      return handlePatch(ctx, req);
    default:
      throw methodNotAllowed(`${info.verb} is not supported on ${type.plural}/status`);
  }
}

function handleResource(ctx: ClusterContext, incoming: IncomingApiRequest, info: ResourceRequest): ApiResponse {
  const type = resolveType(ctx, info);
  const req: ApiRequest = { info, type, query: incoming.query, headers: incoming.headers, body: incoming.body };
  if (info.subresource !== undefined) return handleSubresource(ctx, req);
  switch (info.verb) {
    case 'get':
      return handleGet(ctx, req);
    case 'list':
      return handleList(ctx, req);
    case 'create':
      return handleCreate(ctx, req);
    case 'update':
      return handleUpdate(ctx, req);
    case 'patch':
      return handlePatch(ctx, req);
    case 'delete':
      return handleDelete(ctx, req);
    case 'deletecollection':
      return handleDeleteCollection(ctx, req);
    case 'watch':
      throw methodNotAllowed('watch is not supported by the mesh-medic sandbox API server');
  }
}

export function handleApiRequest(ctx: ClusterContext, req: IncomingApiRequest): ApiResponse {
  const { info } = req;
  switch (info.type) {
    case 'resource':
      return handleResource(ctx, req, info);
    case 'discovery':
      return handleDiscovery(ctx, info.path, req.serverAddress);
    case 'openapi':
      return handleOpenApi(ctx, info.path);
    case 'health':
      return textResponse(200, 'ok');
    default:
      throw pathNotFound();
  }
}
