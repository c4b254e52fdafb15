// Deterministic "randomness" for generated objects: UIDs, name suffixes, IPs and container IDs
// derive from a hash of what they name, so re-running the generator rewrites identical files.

import { createHash } from 'node:crypto';

export function digest(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}

export function hex(key: string, length: number): string {
  let out = '';
  for (let i = 0; out.length < length; i++) out += digest(`${key}#${i}`).toString('hex');
  return out.slice(0, length);
}

/** A version-4 shaped UUID. */
export function uid(key: string): string {
  const h = hex(`uid:${key}`, 32).split('');
  h[12] = '4';
  h[16] = '89ab'[Number.parseInt(h[16] ?? '0', 16) % 4] ?? '8';
  const s = h.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20, 32)}`;
}

// Kubernetes' SafeEncodeString alphabet (no vowels, no look-alike characters).
const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

export function k8sSuffix(key: string, length: number): string {
  const bytes = digest(`suffix:${key}`);
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHANUMS[(bytes[i] ?? 0) % ALPHANUMS.length];
  return out;
}

export function hashInt(key: string, modulo: number): number {
  return digest(`int:${key}`).readUInt32BE(0) % modulo;
}

// ---------------------------------------------------------------------------------------------
// IPv4

export function ipToInt(ip: string): number {
  return ip.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
}

export function intToIp(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

export interface Cidr {
  base: number;
  size: number;
}

export function cidr(text: string): Cidr {
  const [ip, bits] = text.split('/');
  return { base: ipToInt(ip ?? '0.0.0.0'), size: 2 ** (32 - Number(bits)) };
}

/** Hands out addresses of a CIDR by hash, skipping the ones already taken. */
export class IpPool {
  private readonly taken = new Set<string>();
  constructor(
    readonly range: Cidr,
    reserved: string[] = [],
  ) {
    for (const ip of reserved) this.taken.add(ip);
  }

  take(key: string, fixed?: string): string {
    if (fixed) {
      this.taken.add(fixed);
      return fixed;
    }
    const usable = this.range.size - 2;
    for (let i = 0; i < usable; i++) {
      const ip = intToIp(this.range.base + 2 + ((hashInt(key, usable) + i) % usable));
      if (!this.taken.has(ip) && !ip.endsWith('.0') && !ip.endsWith('.255')) {
        this.taken.add(ip);
        return ip;
      }
    }
    throw new Error(`IP pool ${intToIp(this.range.base)} exhausted`);
  }
}

// ---------------------------------------------------------------------------------------------
// time: every generated timestamp is relative to the scenario family's recordedAt

const UNITS: Record<string, number> = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 };

/** '-6d2h13m', '-45s', '-6d+3s' (a sign applies to the terms after it) -> milliseconds. */
export function duration(text: string): number {
  let sign = 1;
  let ms = 0;
  for (const m of text.matchAll(/([+-]?)(\d+(?:\.\d+)?)([dhms])/g)) {
    if (m[1]) sign = m[1] === '-' ? -1 : 1;
    ms += sign * Number(m[2]) * (UNITS[m[3] ?? 's'] ?? 0);
  }
  return ms;
}

export class Clock {
  constructor(readonly recordedAt: Date) {}

  date(offset: string): Date {
    return new Date(this.recordedAt.getTime() + duration(offset));
  }

  /** RFC3339 with seconds, as Kubernetes writes metadata and status times. */
  at(offset: string): string {
    return this.date(offset).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  /** RFC3339 with microseconds, as Istio components write log lines. */
  micro(offset: string, key: string): string {
    // Sub-millisecond offsets are kept; a little jitter makes same-offset lines look real.
    const us = Math.round((this.recordedAt.getTime() + duration(offset)) * 1000) + hashInt(`micro:${key}`, 8);
    const ms = Math.floor(us / 1000);
    return new Date(ms).toISOString().replace(/Z$/, `${String(us % 1000).padStart(3, '0')}Z`);
  }

  /** Milliseconds precision, as Envoy's access log START_TIME (with a little jitter). */
  milli(offset: string, key = ''): string {
    return new Date(this.date(offset).getTime() + (key ? hashInt(`milli:${key}`, 1000) : 0)).toISOString();
  }
}
