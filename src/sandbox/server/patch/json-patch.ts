// JSON patch (RFC 6902): add, remove, replace, move, copy, test over RFC 6901 pointers.
// A malformed patch document is a 400; an operation that cannot apply (missing path, failed
// `test`) is a 422, as the real API server answers.

import { deepClone, deepEqual, isObject } from '../json.ts';
import { badRequest, unprocessable } from '../status.ts';

interface Operation {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  from?: string;
  value?: unknown;
}

const OPS = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

function parseOperations(patch: unknown): Operation[] {
  if (!Array.isArray(patch)) throw badRequest('json patch must be a JSON array of operations');
  return patch.map((raw, i) => {
    if (!isObject(raw) || typeof raw.op !== 'string' || !OPS.has(raw.op)) {
      throw badRequest(`json patch operation ${i}: unexpected kind of operation "${isObject(raw) ? String(raw.op) : ''}"`);
    }
    if (typeof raw.path !== 'string') throw badRequest(`json patch operation ${i} (${raw.op}): missing "path"`);
    if ((raw.op === 'move' || raw.op === 'copy') && typeof raw.from !== 'string') {
      throw badRequest(`json patch operation ${i} (${raw.op}): missing "from"`);
    }
    if ((raw.op === 'add' || raw.op === 'replace' || raw.op === 'test') && !Object.hasOwn(raw, 'value')) {
      throw badRequest(`json patch operation ${i} (${raw.op}): missing "value"`);
    }
    return raw as unknown as Operation;
  });
}

/** RFC 6901 pointer -> reference tokens. */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw badRequest(`json patch: invalid pointer "${pointer}"`);
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function missing(path: string): never {
  throw unprocessable(`the server rejected our request due to an error in our request: doc is missing path: "${path}": missing value`);
}

type Container = Record<string, unknown> | unknown[];

function arrayIndex(arr: unknown[], token: string, path: string, forInsert: boolean): number {
  if (forInsert && token === '-') return arr.length;
  if (!/^(0|[1-9]\d*)$/.test(token)) missing(path);
  const i = Number(token);
  if (i > arr.length || (!forInsert && i === arr.length)) missing(path);
  return i;
}

/** The container holding the last token of `tokens`, and that token. */
function parentOf(doc: unknown, tokens: string[], path: string): [Container, string] {
  let cur: unknown = doc;
  for (const t of tokens.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[arrayIndex(cur, t, path, false)];
    else if (isObject(cur) && Object.hasOwn(cur, t)) cur = cur[t];
    else missing(path);
  }
  if (!Array.isArray(cur) && !isObject(cur)) missing(path);
  return [cur, tokens[tokens.length - 1] as string];
}

function getValue(doc: unknown, path: string): unknown {
  const tokens = parsePointer(path);
  if (tokens.length === 0) return doc;
  const [parent, key] = parentOf(doc, tokens, path);
  if (Array.isArray(parent)) return parent[arrayIndex(parent, key, path, false)];
  if (!Object.hasOwn(parent, key)) missing(path);
  return parent[key];
}

/** Returns the new document (the root may be replaced). */
function add(doc: unknown, path: string, value: unknown): unknown {
  const tokens = parsePointer(path);
  if (tokens.length === 0) return value;
  const [parent, key] = parentOf(doc, tokens, path);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, path, true), 0, value);
  else parent[key] = value;
  return doc;
}

function remove(doc: unknown, path: string): unknown {
  const tokens = parsePointer(path);
  if (tokens.length === 0) return null;
  const [parent, key] = parentOf(doc, tokens, path);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, path, false), 1);
  else if (Object.hasOwn(parent, key)) delete parent[key];
  else missing(path);
  return doc;
}

function applyOne(doc: unknown, op: Operation): unknown {
  switch (op.op) {
    case 'add':
      return add(doc, op.path, deepClone(op.value));
    case 'remove':
      return remove(doc, op.path);
    case 'replace':
      getValue(doc, op.path);
      return add(remove(doc, op.path), op.path, deepClone(op.value));
    case 'copy':
      return add(doc, op.path, deepClone(getValue(doc, op.from as string)));
    case 'move': {
      const from = op.from as string;
      if (op.path.startsWith(`${from}/`)) throw unprocessable(`json patch: cannot move "${from}" into its own child "${op.path}"`);
      const value = getValue(doc, from);
      return add(remove(doc, from), op.path, value);
    }
    case 'test':
      if (!deepEqual(getValue(doc, op.path), op.value)) {
        throw unprocessable(`the server rejected our request due to an error in our request: testing value ${op.path} failed: test failed`);
      }
      return doc;
  }
}

/** Applies an RFC 6902 patch to a copy of `target`. */
export function applyJsonPatch(target: unknown, patch: unknown): unknown {
  const ops = parseOperations(patch);
  let doc = deepClone(target);
  for (const op of ops) doc = applyOne(doc, op);
  return doc;
}
