// Secrets as a real API server stores them (stringData folded into base64 data), and the
// `{{kubeconfig:CLUSTER}}` placeholder of scenario remote secrets filled in once ports, CA and
// tokens are known.

import type { K8sObject } from '../../domain/k8s-object.ts';
import { isObject } from './json.ts';

const PLACEHOLDER = /\{\{kubeconfig:([^}]+)\}\}/g;

/** Folds `stringData` into base64 `data` and drops it, as the API server does on create/update. */
export function foldStringData(secret: K8sObject): K8sObject {
  if (!isObject(secret.stringData)) return secret;
  const data: Record<string, unknown> = isObject(secret.data) ? { ...secret.data } : {};
  for (const [k, v] of Object.entries(secret.stringData)) data[k] = Buffer.from(String(v), 'utf8').toString('base64');
  const { stringData: _dropped, ...rest } = secret;
  return { ...rest, data };
}

function fill(text: string, kubeconfigOf: (cluster: string) => string): string {
  return text.replace(PLACEHOLDER, (_m, name: string) => kubeconfigOf(name.trim()));
}

/**
 * Replaces `{{kubeconfig:NAME}}` in stringData values and in decoded data values; returns the
 * secret unchanged (same object) when it holds no placeholder.
 */
export function fillKubeconfigPlaceholders(secret: K8sObject, kubeconfigOf: (cluster: string) => string): K8sObject {
  let changed = false;
  const mapValues = (values: unknown, base64: boolean): unknown => {
    if (!isObject(values)) return values;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(values)) {
      const text = typeof v !== 'string' ? undefined : base64 ? Buffer.from(v, 'base64').toString('utf8') : v;
      if (text === undefined || !text.includes('{{kubeconfig:')) {
        out[k] = v;
        continue;
      }
      changed = true;
      const filled = fill(text, kubeconfigOf);
      out[k] = base64 ? Buffer.from(filled, 'utf8').toString('base64') : filled;
    }
    return out;
  };
  const stringData = mapValues(secret.stringData, false);
  const data = mapValues(secret.data, true);
  if (!changed) return secret;
  return {
    ...secret,
    ...(secret.stringData !== undefined ? { stringData } : {}),
    ...(secret.data !== undefined ? { data } : {}),
  };
}
