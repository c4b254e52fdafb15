// What each sandbox cluster was asked, for tests and benchmarks that assert API-call budgets.
// Verbs are named as Kubernetes names them (list when a GET has no name); discovery, version and
// OpenAPI reads are verb `discovery` with the path as resource. Health probes are not logged.

export interface RequestLogEntry {
  verb: string;
  group: string;
  /** Resource plural (`pods`), or the path for discovery (`/api/v1`). */
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  /** HTTP status sent; 0 when the client went away before any answer (injected timeouts). */
  status: number;
  ms: number;
}

/** `verb resource` as counts() keys it: `list pods`, `get pods/log`, `patch deployments.apps`. */
export function countKey(e: Pick<RequestLogEntry, 'verb' | 'group' | 'resource' | 'subresource'>): string {
  const resource = e.subresource ? `${e.resource}/${e.subresource}` : e.resource;
  return e.group ? `${e.verb} ${resource}.${e.group}` : `${e.verb} ${resource}`;
}

export class RequestLog {
  private list: RequestLogEntry[] = [];

  add(entry: RequestLogEntry): void {
    this.list.push(entry);
  }

  /** Entries in arrival order of their answers (a copy: safe to keep across reset()). */
  entries(): RequestLogEntry[] {
    return [...this.list];
  }

  /** Number of requests by `verb resource`, e.g. `{ 'list pods': 1, 'get pods/log': 3 }`. */
  counts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const e of this.list) {
      const k = countKey(e);
      out[k] = (out[k] ?? 0) + 1;
    }
    return out;
  }

  /** Requests that were not discovery (what a call budget counts). */
  apiCalls(): number {
    return this.list.filter((e) => e.verb !== 'discovery').length;
  }

  reset(): void {
    this.list = [];
  }
}
