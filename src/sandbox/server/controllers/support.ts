// Small pieces the controllers share: generated-name suffixes, the pod-template-hash, the pod IP
// pool, and writes that record what they changed (so one controller's writes feed the next).

import { randomBytes } from 'node:crypto';
import type { K8sObject } from '../../../domain/k8s-object.ts';
import type { ServedType } from '../resource-types.ts';
import type { ObjectStore } from '../store.ts';

/** The alphabet of generated names (no vowels, no look-alikes), as Kubernetes uses. */
const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

export function randomSuffix(length = 5): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += ALPHANUMS[b % ALPHANUMS.length];
  return out;
}

/** FNV-1a 32-bit of a string. */
function fnv32a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** `pod-template-hash`: a stable short name for a pod template (rand.SafeEncodeString of its hash). */
export function templateHash(template: unknown): string {
  const digits = String(fnv32a(JSON.stringify(template ?? {})));
  let out = '';
  for (const d of digits) out += ALPHANUMS[d.charCodeAt(0) % ALPHANUMS.length];
  return out;
}

/** Pod IPs for pods the controllers create: 10.244.x.y, never one a pod in the store already has. */
export class IpPool {
  private used: Set<string> | undefined;
  private next = 0;

  constructor(private readonly pods: () => Iterable<K8sObject>) {}

  allocate(): string {
    if (!this.used) {
      this.used = new Set();
      for (const p of this.pods()) if (typeof p.status?.podIP === 'string') this.used.add(p.status.podIP);
    }
    for (;;) {
      const n = 200 * 256 + this.next++;
      const ip = `10.244.${(n >> 8) & 255}.${(n & 255) || 1}`;
      if (!this.used.has(ip)) {
        this.used.add(ip);
        return ip;
      }
    }
  }
}

export interface Change {
  type: ServedType;
  before?: K8sObject;
  after?: K8sObject;
}

/** Store writes made by a controller, recorded as changes for the controllers that run after it. */
export class ControllerWriter {
  readonly changes: Change[] = [];
  constructor(readonly store: ObjectStore) {}

  type(key: string): ServedType {
    return this.store.resolve(key);
  }

  put(t: ServedType, obj: K8sObject): K8sObject {
    const before = this.store.read(t, obj.metadata.namespace, obj.metadata.name);
    const after = this.store.write(t, obj);
    this.changes.push({ type: t, ...(before ? { before } : {}), after });
    return after;
  }

  remove(t: ServedType, obj: K8sObject): void {
    const before = this.store.remove(t, obj.metadata.namespace, obj.metadata.name);
    if (before) this.changes.push({ type: t, before });
  }
}
