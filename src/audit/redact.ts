// Audit records and log lines must never carry credentials, even if a future remediation or an
// API error message puts one in reach: Secret payload keys are dropped, and PEM blocks, bearer
// tokens and kubeconfig documents inside any string are replaced, wherever they appear.

const SECRET_KEYS = new Set([
  'data',
  'stringData',
  'token',
  'password',
  'client-key-data',
  'client-certificate-data',
  'certificate-authority-data',
  'kubeconfig',
]);

const PEM_BLOCK = /-----BEGIN [A-Z0-9 ]+-----[\s\S]*?(-----END [A-Z0-9 ]+-----|$)/g;
const BEARER = /\b(Bearer)\s+[A-Za-z0-9._~+/=-]+/gi;
const TOKEN_FIELD = /\b(token|password|client-key-data|client-certificate-data)(["']?\s*[:=]\s*["']?)[^\s"',}]+/gi;

export const REDACTED = '[redacted]';

export function redactText(text: string): string {
  if (/\bclusters:\s/.test(text) && /\bapiVersion:\s/.test(text) && /\busers:\s/.test(text)) return '[redacted kubeconfig]';
  return text.replace(PEM_BLOCK, '[redacted PEM block]').replace(BEARER, `$1 ${REDACTED}`).replace(TOKEN_FIELD, `$1$2${REDACTED}`);
}

/** A deep copy with secret-bearing keys and string contents redacted. */
export function redactValue(value: unknown, depth = 0): unknown {
  if (depth > 32) return REDACTED;
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEYS.has(k) ? REDACTED : redactValue(v, depth + 1);
    return out;
  }
  return value;
}
