// Fingerprints of every certificate in a PEM bundle. A root ConfigMap may carry several roots
// during a CA rotation; two clusters trust each other while their bundles share one root.

import { certificateFingerprint } from '../../k8s/secret-summary.ts';

const PEM_CERTS = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

export function pemFingerprints(pem: string): string[] {
  const out: string[] = [];
  for (const m of pem.matchAll(PEM_CERTS)) {
    const fp = certificateFingerprint(m[0]);
    if (fp && !out.includes(fp)) out.push(fp);
  }
  return out;
}

/** First four bytes of a fingerprint, e.g. `3F:A2:9C:11`: enough to tell roots apart in a sentence. */
export function shortFingerprint(fp: string): string {
  return fp.split(':').slice(0, 4).join(':');
}
