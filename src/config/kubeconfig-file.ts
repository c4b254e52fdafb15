// Reads just enough of a kubeconfig file to validate a registry entry (contexts exist) without
// touching credentials: the file's secrets are left for the Kubernetes client to use.

import { existsSync, readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';

export type KubeconfigInspection =
  | { ok: true; contexts: string[]; currentContext?: string }
  | { ok: false; problem: string };

export function inspectKubeconfig(path: string): KubeconfigInspection {
  if (!existsSync(path)) return { ok: false, problem: `file not found (${path})` };
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(path, 'utf8'));
  } catch (err) {
    // The YAML parser quotes source text in its messages; a kubeconfig may hold tokens, so only
    // the first line (position and reason) is kept.
    const reason = err instanceof Error ? (err.message.split('\n')[0] ?? '') : String(err);
    return { ok: false, problem: `not valid YAML (${path}: ${reason})` };
  }
  if (!isRecord(doc) || !Array.isArray(doc.clusters) || !Array.isArray(doc.contexts)) {
    return { ok: false, problem: `not a kubeconfig: needs clusters and contexts (${path})` };
  }
  const contexts = doc.contexts
    .map((c) => (isRecord(c) && typeof c.name === 'string' ? c.name : undefined))
    .filter((n): n is string => n !== undefined);
  const current = doc['current-context'];
  return { ok: true, contexts, currentContext: typeof current === 'string' && current ? current : undefined };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
