// The live snapshot loader: lists each requested kind once (read plan, paginated), reads the few
// logs the log targets select, summarises secrets on arrival, and records what could not be read
// instead of throwing, so checks that do not need a failed kind still run.

import { isMeshMedicError } from '../domain/errors.ts';
import type { K8sObject } from '../domain/k8s-object.ts';
import { K8sApiError } from './api-errors.ts';
import { splitLines } from './build-snapshot.ts';
import { type CallCharge, CallMeter } from './call-budget.ts';
import type { K8sClient } from './client.ts';
import { LOG_TAIL_LINES, type LogTarget, selectLogTargets } from './log-targets.ts';
import { StringInterner } from './intern.ts';
import { projectObject } from './projection.ts';
import { type ListQuery, queriesFor } from './read-plan.ts';
import { RESOURCE_TYPES, type ResourceType, resourceName } from './resources.ts';
import { summarizeSecret } from './secret-summary.ts';
import { type KindScopes, type PodLog, type ReadFailure, type SecretSummary, Snapshot, type SnapshotKind } from './snapshot.ts';

export const PAGE_SIZE = 500;

export interface LoadSnapshotRequest {
  kinds: readonly SnapshotKind[];
  /** Read the logs selectLogTargets picks from the pods (pods are listed for that if needed). */
  logs: boolean;
  /** The diagnosis's call budget, shared with the other clusters it reads. */
  budget?: CallCharge;
  now?: Date;
  /** Kinds to list only in these namespaces (a diagnosis's first read of its peers). */
  scopes?: KindScopes;
}

/** What every list call of one snapshot shares. */
interface ListContext {
  client: K8sClient;
  meter: CallMeter;
  /** One per snapshot: equal strings across its objects become one (intern.ts). */
  interner: StringInterner;
}

interface KindResult {
  kind: SnapshotKind;
  objects?: K8sObject[];
  secrets?: SecretSummary[];
  failure?: ReadFailure;
}

export async function loadSnapshot(client: K8sClient, req: LoadSnapshotRequest): Promise<Snapshot> {
  const meter = new CallMeter(req.budget);
  const kinds = new Set<SnapshotKind>(req.kinds);
  if (req.logs) kinds.add('pods');
  const lc: ListContext = { client, meter, interner: new StringInterner() };
  // Kinds load concurrently; the client's limiter bounds how many calls are in flight.
  const results = await Promise.all([...kinds].map((kind) => loadKind(lc, kind, req.scopes?.[kind])));
  const objects: Partial<Record<SnapshotKind, K8sObject[]>> = {};
  const failures: ReadFailure[] = [];
  const scopes: KindScopes = {};
  let secrets: SecretSummary[] | undefined;
  for (const r of results) {
    if (r.failure) failures.push(r.failure);
    else if (r.kind === 'secrets') secrets = r.secrets;
    else objects[r.kind] = r.objects;
    const scope = req.scopes?.[r.kind];
    if (scope && !r.failure) scopes[r.kind] = scope;
  }
  const logs = req.logs && objects.pods ? await loadLogs(client, objects.pods, meter, failures) : [];
  return new Snapshot({
    cluster: client.cluster,
    takenAt: (req.now ?? new Date()).toISOString(),
    objects,
    secrets,
    logs,
    failures,
    apiCalls: meter.calls,
    ...(Object.keys(scopes).length > 0 ? { scopes } : {}),
  });
}

async function loadKind(lc: ListContext, kind: SnapshotKind, scope: readonly string[] | undefined): Promise<KindResult> {
  const type = typeOf(kind);
  try {
    const queries = queriesFor(kind, scope);
    const lists = await Promise.all(queries.map((q) => listAll(lc, kind, type, q)));
    // The server applied each query's filters and items were projected as they were parsed; only
    // overlapping queries (istio-system's root ConfigMap matches both of its kind's) repeat objects.
    const items = lists.length === 1 ? lists[0]! : dedupe(lists.flat());
    // Secrets are reduced to fingerprints and keys here; the raw objects go out of scope at once.
    return kind === 'secrets' ? { kind, secrets: items.map(summarizeSecret) } : { kind, objects: items };
  } catch (err) {
    return { kind, failure: failureOf(kind, err) };
  }
}

/** Every page of one list query. A type the server does not serve (404 in every version: CRD not
 *  installed) has no objects, which is what checks need to know, not a read failure. */
async function listAll(lc: ListContext, kind: SnapshotKind, type: ResourceType, query: ListQuery): Promise<K8sObject[]> {
  for (const version of type.versions) {
    try {
      return await paginate(lc, kind, type, version, query);
    } catch (err) {
      if (!(err instanceof K8sApiError && err.httpStatus === 404)) throw err;
    }
  }
  return [];
}

async function paginate(lc: ListContext, kind: SnapshotKind, type: ResourceType, version: string, query: ListQuery): Promise<K8sObject[]> {
  const out: K8sObject[] = [];
  // As each item is parsed (not after the page): unread fields are dropped (projection.ts) and
  // its strings shared with the snapshot's other objects (intern.ts).
  const project = (o: K8sObject) => lc.interner.inPlace(projectObject(kind, o));
  let token: string | undefined;
  do {
    const page = await lc.client.listPage(type, { ...query, version, limit: PAGE_SIZE, continue: token }, { budget: lc.meter, project });
    for (const item of page.items) out.push(item);
    token = page.continue;
  } while (token);
  return out;
}

async function loadLogs(client: K8sClient, pods: K8sObject[], meter: CallMeter, failures: ReadFailure[]): Promise<PodLog[]> {
  const targets = selectLogTargets(pods);
  const results = await Promise.all(targets.map((t) => loadLog(client, t, meter)));
  const logs: PodLog[] = [];
  for (const r of results) {
    if ('lines' in r) logs.push(r);
    else failures.push(r);
  }
  return logs;
}

async function loadLog(client: K8sClient, t: LogTarget, meter: CallMeter): Promise<PodLog | ReadFailure> {
  const key = { namespace: t.namespace, pod: t.pod, container: t.container, previous: t.previous };
  try {
    const text = await client.readLog(key, LOG_TAIL_LINES, { budget: meter });
    return { ...key, lines: splitLines(text) };
  } catch (err) {
    return { ...failureOf('pods/log', err), log: key };
  }
}

function failureOf(kind: ReadFailure['kind'], err: unknown): ReadFailure {
  const failure: ReadFailure = {
    kind,
    code: isMeshMedicError(err) ? err.code : 'INTERNAL',
    message: err instanceof Error ? err.message : String(err),
  };
  if (err instanceof K8sApiError && err.httpStatus !== undefined) failure.httpStatus = err.httpStatus;
  return failure;
}

function typeOf(kind: SnapshotKind): ResourceType {
  const type = RESOURCE_TYPES.find((t) => resourceName(t) === kind);
  if (!type) throw new Error(`snapshot kind ${kind} has no entry in RESOURCE_TYPES`);
  return type;
}

function dedupe(objects: K8sObject[]): K8sObject[] {
  const seen = new Set<string>();
  return objects.filter((o) => {
    const key = o.metadata.uid ?? `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
