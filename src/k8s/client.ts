// One client per registered cluster. Lists are read as raw JSON (no typed deserialisation: it is
// slow at tens of thousands of pods) over a keep-alive undici Agent carrying the kubeconfig's TLS
// material. Every call is counted, bounded by a timeout and a per-cluster concurrency limit,
// charged to the diagnosis's call budget, and mapped to a MeshMedicError with a stable code.

import { Agent, type Dispatcher } from 'undici';
import type { RegisteredCluster } from '../domain/cluster.ts';
import { MeshMedicError } from '../domain/errors.ts';
import type { K8sObject } from '../domain/k8s-object.ts';
import type { PatchType } from '../domain/finding.ts';
import type { K8sAccessConfig } from '../config/env.ts';
import {
  type CallDescription,
  httpError,
  networkError,
  type ServerIdentity,
  timeoutError,
} from './api-errors.ts';
import type { CallCharge, CallCounter } from './call-budget.ts';
import { createLimiter, type Limiter } from './concurrency.ts';
import { type KubeconfigAccess, kubeconfigAccess } from './kubeconfig-access.ts';
import { InvalidListJson, ListStreamParser, type ParsedList } from './list-stream.ts';
import { collectionPath, findResourceTypeByKind, type ResourceType } from './resources.ts';
import type { PodLogKey } from './snapshot.ts';

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

export interface ListRequest {
  version?: string;
  namespace?: string;
  fieldSelector?: string;
  labelSelector?: string;
  limit?: number;
  continue?: string;
}

export interface ListPage {
  items: K8sObject[];
  /** Continue token for the next page; undefined on the last page. */
  continue?: string;
}

export interface CallOptions {
  /** The diagnosis's budget (or a meter in front of it): charged before every call is made. */
  budget?: CallCharge;
}

export interface ListOptions extends CallOptions {
  /** Applied to each item as it is parsed, before the page is complete (snapshot projection). */
  project?: (item: K8sObject) => K8sObject;
}

export interface K8sClient {
  readonly cluster: string;
  /** API server URL from the kubeconfig. */
  readonly server: string;
  /** API calls this client has made (attempted) since it was created. */
  readonly calls: number;
  listPage(type: ResourceType, req: ListRequest, opts?: ListOptions): Promise<ListPage>;
  readLog(key: PodLogKey, tailLines: number, opts?: CallOptions): Promise<string>;
  getObject(ref: ObjectRef, opts?: CallOptions): Promise<K8sObject>;
  patchObject(
    ref: ObjectRef,
    patchType: PatchType,
    patch: unknown,
    opts?: CallOptions & { dryRun?: boolean },
  ): Promise<K8sObject>;
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
};

/** Who we are in the API server's audit log and managedFields. */
const FIELD_MANAGER = 'mesh-medic';

export async function createK8sClient(
  cluster: RegisteredCluster,
  config: K8sAccessConfig,
  counter?: CallCounter,
): Promise<K8sClient> {
  const access = await kubeconfigAccess(cluster);
  return new HttpK8sClient(access, config, counter);
}

interface HttpRequest {
  method: 'GET' | 'PATCH';
  path: string;
  query?: Record<string, string | undefined>;
  body?: string;
  contentType?: string;
  call: CallDescription;
  budget?: CallCharge;
}

class HttpK8sClient implements K8sClient {
  private readonly agent: Agent;
  private readonly limiter: Limiter;
  private readonly origin: string;
  private readonly basePath: string;
  private readonly id: ServerIdentity;
  private count = 0;

  constructor(
    private readonly access: KubeconfigAccess,
    private readonly config: K8sAccessConfig,
    private readonly counter?: CallCounter,
  ) {
    this.id = access.identity;
    const url = new URL(this.id.server);
    this.origin = url.origin;
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.agent = new Agent({ connect: { ...access.tls }, connections: config.concurrency, keepAliveTimeout: 30_000 });
    this.limiter = createLimiter(config.concurrency);
  }

  get cluster(): string {
    return this.id.cluster;
  }

  get server(): string {
    return this.id.server;
  }

  get calls(): number {
    return this.count;
  }

  async listPage(type: ResourceType, req: ListRequest, opts: ListOptions = {}): Promise<ListPage> {
    const { list, items: streamed } = await this.list({
      method: 'GET',
      path: collectionPath(type, req.namespace, req.version),
      query: {
        limit: req.limit === undefined ? undefined : String(req.limit),
        continue: req.continue,
        fieldSelector: req.fieldSelector,
        labelSelector: req.labelSelector,
      },
      call: { verb: 'list', resource: type.plural, group: type.group, namespaced: type.namespaced, namespace: req.namespace },
      budget: opts.budget,
    }, opts.project);
    const raw = list as { items?: unknown; metadata?: { continue?: string } };
    const items = streamed ?? (Array.isArray(raw.items) ? (raw.items as K8sObject[]).map(opts.project ?? ((o) => o)) : []);
    // List items carry no apiVersion/kind on a real API server: restore them for the checks.
    const apiVersion = type.group ? `${type.group}/${req.version ?? type.versions[0]}` : (req.version ?? 'v1');
    for (const item of items) {
      item.apiVersion ??= apiVersion;
      item.kind ??= type.kind;
    }
    return { items, continue: raw.metadata?.continue || undefined };
  }

  async readLog(key: PodLogKey, tailLines: number, opts: CallOptions = {}): Promise<string> {
    return this.send({
      method: 'GET',
      path: `/api/v1/namespaces/${enc(key.namespace)}/pods/${enc(key.pod)}/log`,
      query: { container: key.container, tailLines: String(tailLines), previous: key.previous ? 'true' : undefined },
      call: { verb: 'get', resource: 'pods/log', group: '', namespaced: true, namespace: key.namespace, name: key.pod },
      budget: opts.budget,
    });
  }

  async getObject(ref: ObjectRef, opts: CallOptions = {}): Promise<K8sObject> {
    const { path, call } = objectPath(ref, 'get');
    return this.json({ method: 'GET', path, call, budget: opts.budget });
  }

  async patchObject(
    ref: ObjectRef,
    patchType: PatchType,
    patch: unknown,
    opts: CallOptions & { dryRun?: boolean } = {},
  ): Promise<K8sObject> {
    const { path, call } = objectPath(ref, 'patch');
    return this.json({
      method: 'PATCH',
      path,
      query: { dryRun: opts.dryRun ? 'All' : undefined, fieldManager: FIELD_MANAGER },
      body: JSON.stringify(patch),
      contentType: CONTENT_TYPES[patchType],
      call,
      budget: opts.budget,
    });
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  private async json<T>(req: HttpRequest): Promise<T> {
    const text = await this.send(req);
    try {
      return JSON.parse(text) as T;
    } catch (err) {
      throw this.invalidJson(err);
    }
  }

  /** A list answer, parsed item by item as it arrives (see list-stream.ts): no page-sized string. */
  private list(req: HttpRequest, project?: (item: K8sObject) => K8sObject): Promise<ParsedList<K8sObject>> {
    return this.send(req, async (body) => {
      const parser = new ListStreamParser<K8sObject>(project);
      try {
        for await (const chunk of body) parser.push(chunk as Uint8Array);
        return parser.end();
      } catch (err) {
        if (err instanceof InvalidListJson) throw this.invalidJson(err);
        throw err;
      }
    });
  }

  private invalidJson(err: unknown): MeshMedicError {
    return new MeshMedicError('K8S_SERVER_ERROR', `${this.id.server} answered with invalid JSON`, { cause: err });
  }

  /** One counted, budgeted, bounded call; resolves to the body of a 2xx answer, read by `consume`
   *  (default: as text). The timeout covers reading the body. */
  private async send(req: HttpRequest): Promise<string>;
  private async send<T>(req: HttpRequest, consume: (body: Dispatcher.ResponseData['body']) => Promise<T>): Promise<T>;
  private async send<T>(req: HttpRequest, consume?: (body: Dispatcher.ResponseData['body']) => Promise<T>): Promise<T | string> {
    req.budget?.take(this.id.cluster);
    this.count++;
    this.counter?.record(this.id.cluster);
    const read: (body: Dispatcher.ResponseData['body']) => Promise<T | string> = consume ?? ((body) => body.text());
    return this.limiter.run(() => this.sendNow(req, read));
  }

  private async sendNow<T>(req: HttpRequest, consume: (body: Dispatcher.ResponseData['body']) => Promise<T>): Promise<T> {
    const headers: Record<string, string> = { ...(await this.access.authHeaders()), accept: 'application/json' };
    if (req.contentType) headers['content-type'] = req.contentType;
    const abort = new AbortController();
    let timedOut = false;
    // The timeout starts once the call has its concurrency slot, and covers reading the body.
    const timer = setTimeout(() => {
      timedOut = true;
      abort.abort();
    }, this.config.timeoutMs);
    try {
      const res = await this.agent.request({
        origin: this.origin,
        path: this.basePath + req.path + queryString(req.query),
        method: req.method,
        headers,
        body: req.body,
        signal: abort.signal,
      });
      if (res.statusCode >= 200 && res.statusCode < 300) return await consume(res.body);
      throw httpError(res.statusCode, await res.body.text(), req.call, this.id);
    } catch (err) {
      if (err instanceof MeshMedicError) throw err;
      if (timedOut) throw timeoutError(req.call, this.id, this.config.timeoutMs);
      throw networkError(err, req.call, this.id);
    } finally {
      clearTimeout(timer);
    }
  }
}

function objectPath(ref: ObjectRef, verb: 'get' | 'patch'): { path: string; call: CallDescription } {
  const type = findResourceTypeByKind(ref.apiVersion, ref.kind);
  if (!type) {
    throw new MeshMedicError('INTERNAL', `${ref.kind} (${ref.apiVersion}) is not a kind mesh-medic knows how to address`);
  }
  const version = ref.apiVersion.includes('/') ? ref.apiVersion.slice(ref.apiVersion.indexOf('/') + 1) : ref.apiVersion;
  return {
    path: `${collectionPath(type, ref.namespace, version)}/${enc(ref.name)}`,
    call: { verb, resource: type.plural, group: type.group, namespaced: type.namespaced, namespace: ref.namespace, name: ref.name },
  };
}

function queryString(query: Record<string, string | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, v);
  const s = params.toString();
  return s ? `?${s}` : '';
}

function enc(segment: string): string {
  return encodeURIComponent(segment);
}
