// Everything the request handlers of one sandbox cluster share, and the response shape they return
// (serialized once, written by the listener).

import type { IncomingHttpHeaders } from 'node:http';
import type { ContainerLog } from '../cluster-spec.ts';
import type { Controllers } from './controllers/index.ts';
import type { ResourceRequest } from './request-info.ts';
import type { ServedType } from './resource-types.ts';
import type { ObjectStore } from './store.ts';

export interface ClusterContext {
  name: string;
  store: ObjectStore;
  controllers: Controllers;
  logs: PodLogIndex;
  now(): Date;
}

export interface ApiRequest {
  info: ResourceRequest;
  type: ServedType;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface ApiResponse {
  status: number;
  contentType: string;
  /** Text, or pieces written one after the other (large lists: cached bytes, see json-bytes.ts). */
  body: string | readonly BodyChunk[];
}

/** A piece of a response body: text (UTF-8) or bytes. */
export type BodyChunk = string | Buffer;

export function jsonResponse(status: number, value: unknown): ApiResponse {
  return { status, contentType: 'application/json', body: JSON.stringify(value) };
}

export function textResponse(status: number, text: string): ApiResponse {
  return { status, contentType: 'text/plain; charset=utf-8', body: text };
}

/** Container logs by namespace/pod/container/previous. */
export class PodLogIndex {
  private readonly byKey = new Map<string, string>();

  constructor(logs: readonly ContainerLog[] = []) {
    for (const l of logs) this.byKey.set(PodLogIndex.key(l.namespace, l.pod, l.container, l.previous), l.text);
  }

  static key(namespace: string, pod: string, container: string, previous: boolean): string {
    return `${namespace}\u0000${pod}\u0000${container}\u0000${previous ? 'previous' : 'current'}`;
  }

  get(namespace: string, pod: string, container: string, previous: boolean): string | undefined {
    return this.byKey.get(PodLogIndex.key(namespace, pod, container, previous));
  }

  /** Adds or replaces a log at run time (tests). */
  set(log: ContainerLog): void {
    this.byKey.set(PodLogIndex.key(log.namespace, log.pod, log.container, log.previous), log.text);
  }
}

/** `group/version`, or `version` for the core group. */
export function apiVersionOf(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}
