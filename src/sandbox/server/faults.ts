// Fault injection for one sandbox cluster: rules that make matching requests fail (403 shaped like
// RBAC, 500, ...), slow down (delayMs) or hang (timeout), and `refuseConnections`, which closes the
// listening socket so clients get ECONNREFUSED. Set from ClusterSpec.faults, in-process through
// FaultController, or over HTTP at /sandbox/faults.

import { z } from 'zod';
import { type ErrorCode, MeshMedicError } from '../../domain/errors.ts';
import type { ClusterFaults, FaultAction, FaultRule } from '../cluster-spec.ts';

const ruleSchema = z.object({
  match: z
    .object({
      verb: z.enum(['get', 'list', 'create', 'update', 'patch', 'delete']).optional(),
      resource: z.string().optional(),
      group: z.string().optional(),
      namespace: z.string().optional(),
      name: z.string().optional(),
    })
    .strict(),
  action: z.union([
    z
      .object({
        status: z.union([
          z.literal(401),
          z.literal(403),
          z.literal(404),
          z.literal(409),
          z.literal(429),
          z.literal(500),
          z.literal(503),
        ]),
        message: z.string().optional(),
      })
      .strict(),
    z.object({ delayMs: z.number().int().nonnegative() }).strict(),
    z.object({ timeout: z.literal(true) }).strict(),
  ]),
});

export const clusterFaultsSchema = z
  .object({ refuseConnections: z.boolean().optional(), rules: z.array(ruleSchema).optional() })
  .strict();

/** What a request is, as fault rules see it. */
export interface FaultTarget {
  verb: string;
  group: string;
  /** `pods`, or `pods/log` for a subresource. */
  resource: string;
  namespace?: string;
  name?: string;
  /** Discovery/OpenAPI reads: only rules with an empty match apply to them. */
  discovery: boolean;
}

export type FaultOutcome = { kind: 'pass' } | { kind: 'timeout' } | { kind: 'status'; status: number; message?: string };

export interface FaultDecision {
  delayMs: number;
  outcome: FaultOutcome;
}

function matches(rule: FaultRule, t: FaultTarget): boolean {
  const m = rule.match;
  if (t.discovery) return Object.values(m).every((v) => v === undefined);
  return (
    (m.verb === undefined || m.verb === t.verb) &&
    (m.resource === undefined || m.resource === t.resource) &&
    (m.group === undefined || m.group === t.group) &&
    (m.namespace === undefined || m.namespace === t.namespace) &&
    (m.name === undefined || m.name === t.name)
  );
}

function copyFaults(f: ClusterFaults): ClusterFaults {
  return structuredClone(f);
}

/** Validates faults (from a scenario or a caller) and returns a private copy. */
function checked<T>(schema: z.ZodType<T>, value: unknown, code: ErrorCode): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return structuredClone(parsed.data);
  const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  throw new MeshMedicError(code, `invalid fault injection settings: ${issues.join('; ')}`);
}

export class FaultController {
  private current: ClusterFaults;
  private refuseHook: ((refuse: boolean) => Promise<void>) | undefined;
  private held = 0;

  constructor(initial: ClusterFaults = {}) {
    this.current = checked(clusterFaultsSchema, initial, 'SCENARIO_INVALID') as ClusterFaults;
  }

  /** The listener registers how to close/reopen its socket. */
  attach(hook: (refuse: boolean) => Promise<void>): void {
    this.refuseHook = hook;
  }

  get(): ClusterFaults {
    return copyFaults(this.current);
  }

  /** Requests currently held open by a `timeout` rule (tests wait for their request to be held). */
  get heldRequests(): number {
    return this.held;
  }

  /** The listener reports a request held by a timeout rule; call the returned function when it ends. */
  hold(): () => void {
    this.held++;
    let released = false;
    return () => {
      if (!released) this.held--;
      released = true;
    };
  }

  get refusing(): boolean {
    return this.current.refuseConnections === true;
  }

  /** Replaces every fault; resolves once the listener is closed or open again to match. */
  async set(faults: ClusterFaults): Promise<void> {
    const parsed = checked(clusterFaultsSchema, faults, 'USAGE') as ClusterFaults;
    const wasRefusing = this.refusing;
    this.current = parsed;
    if (this.refusing !== wasRefusing) await this.refuseHook?.(this.refusing);
  }

  /** Adds one rule after the existing ones. */
  addRule(rule: FaultRule): void {
    const parsed = checked(ruleSchema, rule, 'USAGE') as FaultRule;
    this.current = { ...this.current, rules: [...(this.current.rules ?? []), parsed] };
  }

  async refuseConnections(refuse: boolean): Promise<void> {
    await this.set({ ...this.current, refuseConnections: refuse });
  }

  /** Removes every rule and reopens the listener. */
  async clear(): Promise<void> {
    await this.set({});
  }

  /**
   * What to do with a request: delays of every matching `delayMs` rule add up; the first matching
   * status or timeout rule decides the outcome.
   */
  decide(target: FaultTarget): FaultDecision {
    let delayMs = 0;
    for (const rule of this.current.rules ?? []) {
      if (!matches(rule, target)) continue;
      const a: FaultAction = rule.action;
      if ('delayMs' in a) delayMs += a.delayMs;
      else if ('timeout' in a) return { delayMs, outcome: { kind: 'timeout' } };
      else return { delayMs, outcome: { kind: 'status', status: a.status, ...(a.message ? { message: a.message } : {}) } };
    }
    return { delayMs, outcome: { kind: 'pass' } };
  }
}
