// One CA and one server certificate per sandbox (shared by every cluster listener): EC P-256 keys,
// so starting a sandbox costs milliseconds. The server certificate names localhost, 127.0.0.1
// and ::1 (plus the listen host, if it is another one).

import { isIP } from 'node:net';
import { generate } from 'selfsigned';

export interface SandboxTls {
  /** PEM of the CA certificate (what kubeconfigs carry as certificate-authority-data). */
  caCert: string;
  /** PEM of the server certificate and its private key. */
  cert: string;
  key: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export async function generateSandboxTls(host = '127.0.0.1'): Promise<SandboxTls> {
  // Valid from an hour ago, in case a client's clock is a little behind ours.
  const notBeforeDate = new Date(Date.now() - 60 * 60 * 1000);
  const notAfterDate = new Date(notBeforeDate.getTime() + 365 * DAY_MS);
  const ca = await generate([{ name: 'commonName', value: 'mesh-medic-sandbox-ca' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const altNames: { type: 2 | 7; value?: string; ip?: string }[] = [
    { type: 2, value: 'localhost' },
    { type: 7, ip: '127.0.0.1' },
    { type: 7, ip: '::1' },
  ];
  if (host !== 'localhost' && host !== '127.0.0.1' && host !== '::1' && host !== '0.0.0.0' && host !== '::') {
    altNames.push(isIP(host) ? { type: 7, ip: host } : { type: 2, value: host });
  }
  const server = await generate([{ name: 'commonName', value: 'mesh-medic-sandbox' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames },
    ],
  });
  return { caCert: ca.cert, cert: server.cert, key: server.private };
}
