// Reduces a Secret to what checks may compare: keys, certificate fingerprints and, for kubeconfig
// values (remote secrets), the API server URL. The decoded values never leave this function.

import { X509Certificate } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import type { K8sObject } from '../domain/k8s-object.ts';
import type { SecretSummary } from './snapshot.ts';

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/;

export function summarizeSecret(secret: K8sObject): SecretSummary {
  const data = decodeData(secret);
  const certFingerprints: Record<string, string> = {};
  const kubeconfigServers: Record<string, string | null> = {};
  for (const [key, value] of Object.entries(data)) {
    if (key.endsWith('.pem')) {
      const fp = certificateFingerprint(value);
      if (fp) certFingerprints[key] = fp;
    } else if (looksLikeKubeconfig(value)) {
      kubeconfigServers[key] = kubeconfigServer(value);
    }
  }
  return {
    namespace: secret.metadata.namespace ?? '',
    name: secret.metadata.name,
    type: typeof secret.type === 'string' ? secret.type : undefined,
    labels: { ...(secret.metadata.labels ?? {}) },
    resourceVersion: secret.metadata.resourceVersion,
    keys: Object.keys(data).sort(),
    certFingerprints,
    kubeconfigServers,
  };
}

function decodeData(secret: K8sObject): Record<string, string> {
  const out: Record<string, string> = {};
  const data = isStringMap(secret.data) ? secret.data : {};
  for (const [k, v] of Object.entries(data)) out[k] = Buffer.from(v, 'base64').toString('utf8');
  // stringData only exists on objects that never went through an API server (scenario files).
  const stringData = isStringMap(secret.stringData) ? secret.stringData : {};
  for (const [k, v] of Object.entries(stringData)) out[k] = v;
  return out;
}

/**
 * Fingerprints by certificate text. Every namespace's istio-ca-root-cert ConfigMap and every peer's
 * cacerts hold the same few roots, and parsing X.509 is costly (seconds per mesh-wide run when
 * repeated per object and per diagnosis). Certificates are public: caching them keeps no secret.
 */
const fingerprints = new Map<string, string | undefined>();
const MAX_CACHED_FINGERPRINTS = 1_000;

/** SHA-256 fingerprint (uppercase hex pairs, as openssl prints it) of the first certificate in a PEM. */
export function certificateFingerprint(pem: string): string | undefined {
  const match = PEM_CERT.exec(pem);
  if (!match) return undefined;
  const cert = match[0];
  if (fingerprints.has(cert)) return fingerprints.get(cert);
  if (fingerprints.size >= MAX_CACHED_FINGERPRINTS) fingerprints.clear();
  const fp = parseFingerprint(cert);
  fingerprints.set(cert, fp);
  return fp;
}

function parseFingerprint(cert: string): string | undefined {
  try {
    return new X509Certificate(cert).fingerprint256;
  } catch {
    return undefined;
  }
}

function looksLikeKubeconfig(value: string): boolean {
  return /^\s*(apiVersion|clusters|kind)\s*:/m.test(value) && value.includes('clusters');
}

/** The server URL of the kubeconfig's current context (or its only cluster); null when unparsable. */
export function kubeconfigServer(text: string): string | null {
  try {
    const doc = parseYaml(text) as {
      clusters?: { name?: string; cluster?: { server?: string } }[];
      contexts?: { name?: string; context?: { cluster?: string } }[];
      'current-context'?: string;
    };
    const clusters = doc?.clusters ?? [];
    const ctx = doc?.contexts?.find((c) => c.name === doc['current-context']);
    const cluster = clusters.find((c) => c.name === ctx?.context?.cluster) ?? clusters[0];
    return typeof cluster?.cluster?.server === 'string' ? cluster.cluster.server : null;
  } catch {
    return null;
  }
}

function isStringMap(v: unknown): v is Record<string, string> {
  return typeof v === 'object' && v !== null && Object.values(v).every((x) => typeof x === 'string');
}
