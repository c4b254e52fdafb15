// `limit` + `continue` paging over a sorted key list. A page costs O(log n + page) when no selector
// filters items out: the continue token holds the key to resume at, found by binary search.
// Like a real server: `continue` is set whenever keys remain after the page (even if no remaining
// item would match the selectors) and `remainingItemCount` only when nothing is filtered.

import { badRequest } from './status.ts';

export interface PageRequest {
  limit?: number;
  continueToken?: string;
}

export interface Page<T> {
  items: T[];
  continue?: string;
  remainingItemCount?: number;
}

interface ContinueToken {
  v: 'meta.k8s.io/v1';
  rv: number;
  start: string;
}

export function encodeContinue(revision: string, start: string): string {
  const token: ContinueToken = { v: 'meta.k8s.io/v1', rv: Number(revision), start };
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

/** The key to resume at; throws 400 for a token this server did not produce. */
export function decodeContinue(token: string): string {
  let parsed: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+={0,2}$/.test(token)) throw new Error('illegal base64 data');
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch (err) {
    throw badRequest(`invalid continue token: ${(err as Error).message}`);
  }
  const t = parsed as Partial<ContinueToken> | null;
  if (t?.v !== 'meta.k8s.io/v1') {
    throw badRequest('invalid continue token: continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
  if (typeof t.start !== 'string' || t.start === '' || typeof t.rv !== 'number') {
    throw badRequest('invalid continue token: continue key is not valid: encoded start key is empty');
  }
  return t.start;
}

/** Index of the first key >= start. */
export function lowerBound(keys: readonly string[], start: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((keys[mid] as string) < start) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * One page of `keys` (sorted), resolving each key with `get` and keeping those `filter` accepts.
 * `revision` goes into the continue token (the list's resourceVersion).
 */
export function paginate<T>(
  keys: readonly string[],
  get: (key: string) => T | undefined,
  filter: ((item: T) => boolean) | undefined,
  req: PageRequest,
  revision: string,
): Page<T> {
  const start = req.continueToken ? lowerBound(keys, decodeContinue(req.continueToken)) : 0;
  const limit = req.limit && req.limit > 0 ? req.limit : Number.POSITIVE_INFINITY;
  const items: T[] = [];
  let i = start;
  for (; i < keys.length && items.length < limit; i++) {
    const item = get(keys[i] as string);
    if (item !== undefined && (!filter || filter(item))) items.push(item);
  }
  if (i >= keys.length) return { items };
  // More keys remain: resume right after the last key looked at ('\0' sorts before any character).
  const page: Page<T> = { items, continue: encodeContinue(revision, `${keys[i - 1] as string}\u0000`) };
  if (!filter) page.remainingItemCount = keys.length - i;
  return page;
}
