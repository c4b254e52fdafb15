// Istio proxy settings that decide start order: `holdApplicationUntilProxyStarts` in a pod's
// `proxy.istio.io/config` annotation, in the mesh-wide `defaultConfig`, in the injector values, and
// what the injector actually did to a pod (a `pilot-agent wait` postStart hook on istio-proxy, or
// istio-proxy as a native sidecar, which Kubernetes starts before the app).

import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import type { K8sObject } from '../../domain/k8s-object.ts';

export const PROXY_CONFIG_ANNOTATION = 'proxy.istio.io/config';
const HOLD = 'holdApplicationUntilProxyStarts';

type Doc = Record<string, unknown>;

function isDoc(v: unknown): v is Doc {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parses a ProxyConfig document (YAML or JSON); undefined when unparsable or not a map. */
export function parseProxyConfig(text: string): Doc | undefined {
  try {
    const doc: unknown = parseYaml(text);
    if (doc === null || doc === undefined) return {};
    return isDoc(doc) ? doc : undefined;
  } catch {
    return undefined;
  }
}

function isTrue(v: unknown): boolean {
  return v === true || (typeof v === 'string' && v.toLowerCase() === 'true');
}

/** The annotation's hold setting: true/false when set, undefined when absent or unparsable. */
export function annotationHold(annotations: Record<string, string> | undefined): boolean | undefined {
  const text = annotations?.[PROXY_CONFIG_ANNOTATION];
  if (text === undefined) return undefined;
  const doc = parseProxyConfig(text);
  return doc && HOLD in doc ? isTrue(doc[HOLD]) : undefined;
}

/**
 * The annotation text with `holdApplicationUntilProxyStarts: true` merged into what is there,
 * keeping every other setting and the author's encoding (JSON stays JSON). Undefined when the
 * existing text cannot be parsed: then a person must merge it.
 */
export function withHold(existing: string | undefined): string | undefined {
  if (existing === undefined || existing.trim() === '') return `${HOLD}: true\n`;
  const doc = parseProxyConfig(existing);
  if (!doc) return undefined;
  const merged = { ...doc, [HOLD]: true };
  return existing.trim().startsWith('{') ? JSON.stringify(merged) : stringifyYaml(merged);
}

/** Where the mesh holds apps mesh-wide, e.g. "ConfigMap istio-system/istio mesh.defaultConfig"; else undefined. */
export function meshWideHold(configmaps: K8sObject[]): string | undefined {
  for (const cm of configmaps) {
    if (cm.metadata.namespace !== 'istio-system') continue;
    const data = isDoc(cm.data) ? cm.data : {};
    const name = cm.metadata.name;
    if ((name === 'istio' || name.startsWith('istio-')) && typeof data.mesh === 'string') {
      const mesh = parseProxyConfig(data.mesh);
      const defaults = mesh && isDoc(mesh.defaultConfig) ? mesh.defaultConfig : undefined;
      if (defaults && isTrue(defaults[HOLD])) return `ConfigMap istio-system/${name} mesh.defaultConfig.${HOLD}`;
    }
    if (name.startsWith('istio-sidecar-injector') && typeof data.values === 'string') {
      const values = parseProxyConfig(data.values);
      const global = values && isDoc(values.global) ? values.global : undefined;
      const proxy = global && isDoc(global.proxy) ? global.proxy : undefined;
      if (proxy && isTrue(proxy[HOLD])) return `ConfigMap istio-system/${name} values.global.proxy.${HOLD}`;
    }
  }
  return undefined;
}

interface ContainerSpec {
  name?: string;
  restartPolicy?: string;
  lifecycle?: { postStart?: { exec?: { command?: unknown } } };
}

function containersOf(pod: K8sObject, field: 'containers' | 'initContainers'): ContainerSpec[] {
  const list = pod.spec?.[field];
  return Array.isArray(list) ? list : [];
}

/**
 * How the injector ordered this pod's start, read from the pod itself: a native sidecar
 * (istio-proxy in initContainers with restartPolicy Always) or a `pilot-agent wait` postStart hook.
 */
export function injectedHold(pod: K8sObject): string | undefined {
  if (containersOf(pod, 'initContainers').some((c) => c.name === 'istio-proxy' && c.restartPolicy === 'Always')) {
    return 'istio-proxy runs as a native sidecar (started before the app)';
  }
  const proxy = containersOf(pod, 'containers').find((c) => c.name === 'istio-proxy');
  const command = proxy?.lifecycle?.postStart?.exec?.command;
  if (Array.isArray(command) && command.includes('wait')) return 'istio-proxy has a `pilot-agent wait` postStart hook';
  return undefined;
}
