// Lists served from cached bytes (json-bytes.ts) and written at the pace the client reads
// (body-writer.ts): what a client receives must be exactly the JSON of what is stored, page by
// page, after writes, for slow readers and for clients that hang up mid-body.

import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { K8sObject } from '../../src/domain/k8s-object.ts';
import { type Sandbox, startSandbox } from '../../src/sandbox/sandbox.ts';
import { PIECE_BYTES } from '../../src/sandbox/server/body-writer.ts';
import { joinAdjacent, objectBytes } from '../../src/sandbox/server/json-bytes.ts';
import { hubCluster, NOW, T0 } from './fixtures.ts';
import { httpsRequest } from './https.ts';

const CONFIG_MAPS = 1500;

/** ~2.5 kB each, with non-ASCII text so that bytes and characters differ. */
function configMap(i: number): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: `cm-${String(i).padStart(4, '0')}`, namespace: i % 2 ? 'odd' : 'even', labels: { parity: i % 2 ? 'odd' : 'even' }, creationTimestamp: T0 },
    data: { note: `café ☕ ${i} `.repeat(150) },
  };
}

let sandbox: Sandbox;
let ca: string;

beforeAll(async () => {
  const objects = Array.from({ length: CONFIG_MAPS }, (_, i) => configMap(i));
  sandbox = await startSandbox({ clusters: [hubCluster({ name: 'big', objects })], now: NOW });
  ca = readFileSync(sandbox.caPath, 'utf8');
});

afterAll(async () => {
  await sandbox?.stop();
});

function url(path: string): string {
  return `${sandbox.cluster('big').url}${path}`;
}

function get(path: string) {
  return httpsRequest(url(path), ca, { token: sandbox.cluster('big').token });
}

/** What a real server answers for a list: the JSON of the stored objects, in store order. */
function expectedList(items: K8sObject[], metadata: Record<string, unknown>): string {
  return JSON.stringify({ kind: 'ConfigMapList', apiVersion: 'v1', metadata, items });
}

describe('objectBytes', () => {
  it('is the JSON of the object as served, encoded once per object and version', () => {
    const cm = configMap(7);
    const bytes = objectBytes(cm, 'v1');
    expect(bytes.toString('utf8')).toBe(JSON.stringify(cm));
    expect(objectBytes(cm, 'v1')).toBe(bytes);
    const older = objectBytes(cm, 'v1beta1');
    expect(older.toString('utf8')).toBe(JSON.stringify({ ...cm, apiVersion: 'v1beta1' }));
    expect(objectBytes(cm, 'v1beta1')).toBe(older);
  });

  it('joins objects into exactly the JSON array elements, whatever order they were cached in', () => {
    const objs = Array.from({ length: 6 }, (_, i) => configMap(100 + i));
    for (const o of [objs[3], objs[0], objs[1], objs[2], objs[5], objs[4]]) objectBytes(o as K8sObject, 'v1');
    const parts = objs.map((o) => objectBytes(o, 'v1'));
    const joined = joinAdjacent(parts);
    expect(`[${Buffer.concat(joined).toString('utf8')}]`).toBe(JSON.stringify(objs));
    // Cached back to back, objects 0-2 come out as one slice: fewer pieces than objects.
    expect(joined.length).toBeLessThan(2 * parts.length - 1);
  });
});

describe('large lists over HTTPS', () => {
  it('serves a multi-piece list byte for byte as the JSON of the stored objects', async () => {
    const store = sandbox.cluster('big').store;
    const res = await get('/api/v1/configmaps');
    expect(res.status).toBe(200);
    expect(Buffer.byteLength(res.body)).toBeGreaterThan(4 * PIECE_BYTES);
    expect(res.body).toBe(expectedList(store.list('configmaps'), { resourceVersion: store.revision }));
  });

  it('pages and selects exactly as before: the pages add up to the full list', async () => {
    const store = sandbox.cluster('big').store;
    const odd = store.list('configmaps', 'odd');
    const pages: K8sObject[] = [];
    let token = '';
    do {
      const res = await get(`/api/v1/namespaces/odd/configmaps?limit=200${token ? `&continue=${token}` : ''}`);
      const list = JSON.parse(res.body);
      pages.push(...list.items);
      token = list.metadata.continue ?? '';
    } while (token);
    expect(pages).toEqual(odd);
    const selected = await get('/api/v1/configmaps?labelSelector=parity%3Deven');
    expect(selected.body).toBe(expectedList(store.list('configmaps', 'even'), { resourceVersion: store.revision }));
  });

  it('serves the new object after a write, never the bytes of the one it replaced', async () => {
    const store = sandbox.cluster('big').store;
    const patch = await httpsRequest(url('/api/v1/namespaces/even/configmaps/cm-0002'), ca, {
      method: 'PATCH',
      token: sandbox.cluster('big').token,
      contentType: 'application/merge-patch+json',
      body: JSON.stringify({ data: { note: 'rewritten ✓' } }),
    });
    expect(patch.status).toBe(200);
    const one = await get('/api/v1/namespaces/even/configmaps/cm-0002');
    expect(JSON.parse(one.body).data).toEqual({ note: 'rewritten ✓' });
    expect(one.body).toBe(JSON.stringify(store.get('configmaps', 'even', 'cm-0002')));
    const list = await get('/api/v1/namespaces/even/configmaps');
    expect(list.body).toBe(expectedList(store.list('configmaps', 'even'), { resourceVersion: store.revision }));
    expect(list.body).toContain('"rewritten ✓"');
  });

  it('gives a client that stops reading for a while the whole body once it reads again', async () => {
    const store = sandbox.cluster('big').store;
    const body = await new Promise<string>((resolve, reject) => {
      const req = request(url('/api/v1/configmaps'), { ca, headers: { authorization: `Bearer ${sandbox.cluster('big').token}` }, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        res.on('error', reject);
        res.pause();
        setTimeout(() => res.resume(), 200);
      });
      req.on('error', reject);
      req.end();
    });
    expect(body).toBe(expectedList(store.list('configmaps'), { resourceVersion: store.revision }));
  });

  it('keeps serving after a client hangs up in the middle of a body', async () => {
    await new Promise<void>((resolve) => {
      const req = request(url('/api/v1/configmaps'), { ca, headers: { authorization: `Bearer ${sandbox.cluster('big').token}` }, agent: false }, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', () => resolve());
      req.end();
    });
    const after = await get('/api/v1/namespaces/odd/configmaps?limit=1');
    expect(after.status).toBe(200);
    expect(JSON.parse(after.body).items).toHaveLength(1);
  });
});
