// JSON merge patch (RFC 7386): objects merge recursively, `null` deletes, everything else
// (arrays included) replaces. Never mutates its inputs.

import { isObject } from '../json.ts';

export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const out: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = applyMergePatch(out[key], value);
  }
  return out;
}
