// A minimal HTTPS client for the sandbox's own endpoints, trusting only the sandbox CA.

import { request } from 'node:https';

export interface HttpResult {
  status: number;
  contentType: string;
  body: string;
}

export interface HttpOptions {
  method?: string;
  token?: string;
  body?: string;
  contentType?: string;
  accept?: string;
  signal?: AbortSignal;
}

export function httpsRequest(url: string, ca: string, opts: HttpOptions = {}): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (opts.contentType) headers['content-type'] = opts.contentType;
    if (opts.accept) headers.accept = opts.accept;
    const req = request(url, { method: opts.method ?? 'GET', ca, headers, agent: false, ...(opts.signal ? { signal: opts.signal } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}
