// What reaches the log stream: secrets are censored by field name and, wherever they sit, by shape.

import { describe, expect, it } from 'vitest';
import { createLogger, scrubSecrets } from '../../src/server/logger.ts';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIBWTCCAQCgAwIBAgIJFaketestcertbody0123456789\n-----END CERTIFICATE-----\n';
const KUBECONFIG = 'apiVersion: v1\nkind: Config\nusers:\n- name: east\n  user:\n    token: C8phithejhgG1-HSqnU2B9xkIYVKVE5T\n';

function logged(write: (logger: ReturnType<typeof createLogger>) => void): string {
  const lines: string[] = [];
  write(createLogger({ level: 'trace', destination: { write: (l: string) => lines.push(l) } }));
  return lines.join('');
}

describe('log redaction', () => {
  it('censors secret fields by name, nested or not', () => {
    const out = logged((l) => l.info({ botToken: 'plain-value-1', slack: { signingSecret: 'plain-value-2' }, kubeconfig: 'plain-value-3', cert: 'plain-value-4' }, 'start'));
    expect(out).not.toMatch(/plain-value-/);
    expect(JSON.parse(out)).toMatchObject({ botToken: '[redacted]', slack: { signingSecret: '[redacted]' }, kubeconfig: '[redacted]', msg: 'start' });
  });

  it('censors secret values by shape inside messages and unknown fields', () => {
    const out = logged((l) => {
      l.warn({ err: `request failed with Authorization: Bearer abc.def-123 using xoxb-1234-5678-abcdef` }, 'slack failed');
      l.error({ detail: `bad kubeconfig:\n${KUBECONFIG}` }, `could not parse ${PEM}`);
      l.info({ data: Buffer.from(PEM).toString('base64'), blob: Buffer.from(KUBECONFIG).toString('base64') }, 'secret data');
      l.debug(`xapp-1-A0-token and "client-key-data": "c2VjcmV0a2V5" and signing_secret=s3cr3tvalue`);
    });
    for (const leak of ['abc.def-123', 'xoxb-1234', 'C8phithejhgG1', 'MIIBWTCC', 'LS0tLS1CRUdJT', 'YXBpVmVyc2lvbj', 'xapp-1', 'c2VjcmV0a2V5', 's3cr3tvalue']) {
      expect(out).not.toContain(leak);
    }
    // What is not secret stays readable, and every line is still JSON.
    const lines = out.trim().split('\n').map((l) => JSON.parse(l) as { msg: string; err?: string });
    expect(lines.map((l) => l.msg)).toEqual(['slack failed', 'could not parse [redacted]\n', 'secret data', expect.stringContaining('[redacted]')]);
    expect(lines[0]?.err).toBe('request failed with Authorization: [redacted] using [redacted]');
  });

  it('leaves ordinary text alone', () => {
    const line = '{"msg":"diagnosis finished","cluster":"hosted-east","failing":["istiod-remote-endpoints"],"tokens":3}';
    expect(scrubSecrets(line)).toBe(line);
  });
});
