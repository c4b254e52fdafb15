// GET pods/NAME/log: container choice and errors worded as the real API server words them,
// `previous`, `tailLines`, `sinceSeconds`/`sinceTime` (by each line's leading RFC 3339 timestamp).
// `timestamps` is accepted; scenario log lines already carry their timestamps.

import type { K8sObject } from '../../domain/k8s-object.ts';
import { type ApiRequest, type ApiResponse, type ClusterContext, textResponse } from './context.ts';
import { isObject } from './json.ts';
import { readOrNotFound } from './rest-read.ts';
import { ApiError, badRequest, failure } from './status.ts';

const LEADING_TIMESTAMP = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2}))/;

function names(list: unknown): string[] {
  return Array.isArray(list) ? list.filter(isObject).map((c) => String(c.name)) : [];
}

function pickContainer(pod: K8sObject, requested: string | null): string {
  const containers = names(pod.spec?.containers);
  const inits = names(pod.spec?.initContainers);
  const name = pod.metadata.name;
  if (requested) {
    if (!containers.includes(requested) && !inits.includes(requested) && !names(pod.spec?.ephemeralContainers).includes(requested)) {
      throw badRequest(`container ${requested} is not valid for pod ${name}`);
    }
    return requested;
  }
  if (containers.length === 1) return containers[0] as string;
  const initPart = inits.length > 0 ? ` or one of the init containers: [${inits.join(' ')}]` : '';
  throw badRequest(`a container name must be specified for pod ${name}, choose one of: [${containers.join(' ')}]${initPart}`);
}

function nonNegativeInt(query: URLSearchParams, key: string, min: number): number | undefined {
  const raw = query.get(key);
  if (raw === null || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw badRequest(`${key}: Invalid value: ${raw}: must be ${min > 0 ? 'greater than 0' : 'non-negative'}`);
  return n;
}

/** Lines whose timestamp is at or after `cutoff`; lines without one inherit their neighbours'. */
function since(lines: string[], cutoff: number): string[] {
  const stamps = lines.map((l) => {
    const m = LEADING_TIMESTAMP.exec(l);
    return m ? Date.parse(m[1] as string) : undefined;
  });
  if (stamps.every((s) => s === undefined)) return lines;
  const firstStamp = stamps.find((s) => s !== undefined) as number;
  let last = firstStamp;
  return lines.filter((_l, i) => {
    last = stamps[i] ?? last;
    return last >= cutoff;
  });
}

function waitingReason(pod: K8sObject, container: string): string | undefined {
  const statuses = [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])] as Record<string, unknown>[];
  const s = statuses.find((c) => c.name === container);
  const reason = isObject(s?.state) && isObject(s.state.waiting) ? s.state.waiting.reason : undefined;
  return typeof reason === 'string' ? reason : undefined;
}

export function handlePodLog(ctx: ClusterContext, req: ApiRequest): ApiResponse {
  const pod = readOrNotFound(ctx, req);
  const { query } = req;
  const container = pickContainer(pod, query.get('container'));
  const previous = query.get('previous') === 'true' || query.get('previous') === '1';
  const tail = nonNegativeInt(query, 'tailLines', 0);
  const sinceSeconds = nonNegativeInt(query, 'sinceSeconds', 1);
  const sinceTime = query.get('sinceTime');
  const ns = pod.metadata.namespace ?? 'default';
  const text = ctx.logs.get(ns, pod.metadata.name, container, previous);
  if (text === undefined && previous) {
    throw badRequest(`previous terminated container "${container}" in pod "${pod.metadata.name}" not found`);
  }
  if (text === undefined) {
    const waiting = waitingReason(pod, container);
    if (waiting === 'ContainerCreating' || waiting === 'PodInitializing') {
      throw badRequest(`container "${container}" in pod "${pod.metadata.name}" is waiting to start: ${waiting}`);
    }
  }
  let lines = (text ?? '').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  if (sinceSeconds !== undefined) lines = since(lines, ctx.now().getTime() - sinceSeconds * 1000);
  else if (sinceTime) {
    const t = Date.parse(sinceTime);
    if (Number.isNaN(t)) throw badRequest(`sinceTime: Invalid value: "${sinceTime}": must be RFC 3339`);
    lines = since(lines, t);
  }
  if (tail !== undefined) lines = tail === 0 ? [] : lines.slice(-tail);
  return textResponse(200, lines.length > 0 ? `${lines.join('\n')}\n` : '');
}

/** pods/NAME:PORT/proxy/...: the sandbox has no pod network, so it answers like an unreachable pod. */
export function handlePodProxy(ctx: ClusterContext, req: ApiRequest): never {
  const [name, port] = (req.info.name ?? '').replace(/^https?:/, '').split(':');
  const pod = readOrNotFound(ctx, { ...req, info: { ...req.info, name: name as string } });
  const ip = typeof pod.status?.podIP === 'string' ? pod.status.podIP : '';
  const message = `error trying to reach service: dial tcp ${ip}:${port || '80'}: connect: connection refused`;
  throw new ApiError(failure(503, 'ServiceUnavailable', message));
}
