// Field changes -> patches and words. Every remediation changes a few fields of one object, so the
// forward patch, the reverse patch, the diff shown to the approver and the "is it still what we
// set?" check are all derived from the same `FieldChange` list and cannot disagree.

import type { PatchType } from '../domain/finding.ts';
import type { FieldChange, FieldValue } from './types.ts';

const MAX_SHOWN = 300;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The value at `path` in `obj`, or undefined when any step is missing. */
export function valueAt(obj: unknown, path: readonly string[]): FieldValue {
  let cur: unknown = obj;
  for (const key of path) {
    if (!isRecord(cur)) return undefined;
    cur = cur[key];
  }
  return cur;
}

/**
 * The JSON merge patch (RFC 7386) setting each path to the chosen side's value; an absent value
 * becomes null, which removes the key. Arrays (Endpoints subsets) are replaced whole, as merge
 * patch does, which is what we want: the before side restores the previous array exactly.
 */
export function mergePatchOf(changes: readonly FieldChange[], side: 'before' | 'after'): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const change of changes) {
    let node = root;
    change.path.forEach((key, i) => {
      if (i === change.path.length - 1) {
        node[key] = change[side] === undefined ? null : structuredClone(change[side]);
        return;
      }
      if (!isRecord(node[key])) node[key] = {};
      node = node[key] as Record<string, unknown>;
    });
  }
  return root;
}

/**
 * The patch with the optimistic-concurrency precondition: `metadata.resourceVersion` in a merge
 * or strategic patch (the API server answers 409 when the object moved), a `test` op first in a
 * JSON patch.
 */
export function withPrecondition(patchType: PatchType, patch: unknown, resourceVersion: string): unknown {
  if (patchType === 'json') {
    const ops = Array.isArray(patch) ? patch : [];
    return [{ op: 'test', path: '/metadata/resourceVersion', value: resourceVersion }, ...ops];
  }
  const body = isRecord(patch) ? structuredClone(patch) : {};
  const metadata = isRecord(body.metadata) ? body.metadata : {};
  body.metadata = { ...metadata, resourceVersion };
  return body;
}

/** `spec.template.metadata.labels['version']`: dots for plain keys, brackets for the rest. */
export function formatPath(path: readonly string[]): string {
  return path
    .map((key, i) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `${i === 0 ? '' : '.'}${key}` : `['${key}']`))
    .join('');
}

/** A value as an approver reads it: `(absent)`, the string itself, or compact JSON, bounded. */
export function formatValue(v: FieldValue): string {
  if (v === undefined || v === null) return '(absent)';
  const text = JSON.stringify(v);
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}…` : text;
}

export function describeChange(change: FieldChange): string {
  return `${formatPath(change.path)}: ${formatValue(change.before)} → ${formatValue(change.after)}`;
}

/** Structural equality of JSON values (key order ignored), absent equal to null. */
export function sameValue(a: FieldValue, b: FieldValue): boolean {
  if (a === undefined || a === null || b === undefined || b === null) return (a ?? null) === (b ?? null);
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  }
  if (isRecord(a) && isRecord(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every((k) => sameValue(a[k], b[k]));
  }
  return a === b;
}

/** Changes whose field in `obj` no longer holds the value `side` says it should. */
export function driftedChanges(obj: unknown, changes: readonly FieldChange[], side: 'before' | 'after'): FieldChange[] {
  return changes.filter((c) => !sameValue(valueAt(obj, c.path), c[side]));
}

/** The reverse of a change list: what undo sets. */
export function reversed(changes: readonly FieldChange[]): FieldChange[] {
  return changes.map((c) => ({ path: [...c.path], before: c.after, after: c.before }));
}
