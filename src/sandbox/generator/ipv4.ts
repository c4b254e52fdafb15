// IPv4 arithmetic on unsigned 32-bit numbers, for handing out node, pod and service addresses.

import { MeshMedicError } from '../../domain/errors.ts';

export interface Cidr {
  /** First address, as an unsigned 32-bit number. */
  base: number;
  prefix: number;
  /** Number of addresses in the block. */
  size: number;
}

function parseIp(text: string): number | null {
  const parts = text.split('.');
  const octets = parts.map((p) => (/^\d{1,3}$/.test(p) ? Number(p) : Number.NaN));
  if (octets.length !== 4 || octets.some((o) => Number.isNaN(o) || o > 255)) return null;
  return octets.reduce((acc, o) => acc * 256 + o, 0);
}

/** Parses `a.b.c.d/n`; the base is masked to the prefix, as routers read it. */
export function parseCidr(text: string, context = 'CIDR'): Cidr {
  const [ip = '', prefixText = '', ...rest] = text.split('/');
  const address = parseIp(ip);
  const prefix = Number(prefixText);
  if (address === null || rest.length > 0 || !/^\d{1,2}$/.test(prefixText) || prefix > 32) {
    throw new MeshMedicError('USAGE', `${context}: "${text}" is not an IPv4 CIDR like 10.60.0.0/14`, {
      unrecoverable: true,
    });
  }
  const size = 2 ** (32 - prefix);
  return { base: Math.floor(address / size) * size, prefix, size };
}

export function formatIp(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

export function formatCidr(base: number, prefix: number): string {
  return `${formatIp(base)}/${prefix}`;
}
