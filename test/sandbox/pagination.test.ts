// limit/continue paging: boundaries, filtering, tokens, and the store's sorted order.

import { describe, expect, it } from 'vitest';
import type { K8sObject } from '../../src/domain/k8s-object.ts';
import { decodeContinue, paginate } from '../../src/sandbox/server/pagination.ts';
import { ApiError } from '../../src/sandbox/server/status.ts';
import { ObjectStore } from '../../src/sandbox/server/store.ts';

const keys = Array.from({ length: 10 }, (_, i) => `k${i}`);
const get = (k: string) => k;

function collect(limit: number, filter?: (k: string) => boolean): { pages: string[][]; remaining: (number | undefined)[] } {
  const pages: string[][] = [];
  const remaining: (number | undefined)[] = [];
  let token: string | undefined;
  do {
    const page = paginate(keys, get, filter, { limit, continueToken: token }, '7');
    pages.push(page.items);
    remaining.push(page.remainingItemCount);
    token = page.continue;
  } while (token);
  return { pages, remaining };
}

describe('paginate', () => {
  it('returns everything in one page without a limit', () => {
    expect(paginate(keys, get, undefined, {}, '1')).toEqual({ items: keys });
  });

  it('splits at the limit with remainingItemCount, and ends without a token at the exact end', () => {
    expect(collect(5)).toEqual({ pages: [keys.slice(0, 5), keys.slice(5)], remaining: [5, undefined] });
    expect(collect(3)).toEqual({ pages: [keys.slice(0, 3), keys.slice(3, 6), keys.slice(6, 9), ['k9']], remaining: [7, 4, 1, undefined] });
    expect(collect(10).pages).toEqual([keys]);
    expect(collect(11).pages).toEqual([keys]);
  });

  it('counts the limit in matching items and omits remainingItemCount when filtering', () => {
    const even = (k: string) => Number(k.slice(1)) % 2 === 0;
    const { pages, remaining } = collect(2, even);
    expect(pages.flat()).toEqual(['k0', 'k2', 'k4', 'k6', 'k8']);
    expect(pages.slice(0, 2)).toEqual([
      ['k0', 'k2'],
      ['k4', 'k6'],
    ]);
    expect(remaining.every((r) => r === undefined)).toBe(true);
  });

  it('resumes after the last key even when keys were added or removed between pages', () => {
    const first = paginate(keys, get, undefined, { limit: 4 }, '1');
    const changed = ['k0', 'k2', 'k3a', 'k5', 'k6'];
    const second = paginate(changed, get, undefined, { limit: 4, continueToken: first.continue }, '2');
    expect(second.items).toEqual(['k3a', 'k5', 'k6']);
  });

  it('rejects tokens it did not produce with 400', () => {
    for (const token of ['%%%', Buffer.from('{"v":"other","rv":1,"start":"x"}').toString('base64url'), Buffer.from('[]').toString('base64url')]) {
      try {
        decodeContinue(token);
        throw new Error('expected a 400');
      } catch (err) {
        expect(err).toBeInstanceOf(ApiError);
        expect((err as ApiError).status).toMatchObject({ code: 400, reason: 'BadRequest' });
      }
    }
  });
});

describe('store order', () => {
  it('sorts by namespace, then name, across all namespaces and within one', () => {
    const store = new ObjectStore();
    const cm = (namespace: string, name: string): K8sObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace } });
    for (const [ns, name] of [
      ['a-b', 'x'],
      ['a', 'z'],
      ['a', 'y-1'],
      ['b', 'a'],
      ['a', 'y'],
    ] as const) {
      store.put(cm(ns, name));
    }
    expect(store.list('configmaps').map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual(['a/y', 'a/y-1', 'a/z', 'a-b/x', 'b/a']);
    expect(store.list('configmaps', 'a').map((o) => o.metadata.name)).toEqual(['y', 'y-1', 'z']);
    store.delete('configmaps', 'a', 'y-1');
    store.put(cm('a', 'a'));
    expect(store.list('configmaps', 'a').map((o) => o.metadata.name)).toEqual(['a', 'y', 'z']);
  });

  it('hands out increasing resourceVersions across kinds and keeps loaded ones', () => {
    const store = new ObjectStore();
    const loaded = store.load({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'e', namespace: 'n', resourceVersion: '4242' } });
    expect(loaded.metadata.resourceVersion).toBe('4242');
    const next = store.put({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'n' } });
    expect(next.metadata.resourceVersion).toBe('4243');
    expect(store.revision).toBe('4243');
    const again = store.put({ ...loaded, metadata: { ...loaded.metadata } });
    expect(again.metadata.resourceVersion).toBe('4244');
    expect(again.metadata.uid).toBe(loaded.metadata.uid);
  });
});
