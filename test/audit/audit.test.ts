// The audit trail against a real redis-server: records land in the stream and as one pino JSON
// line each, `/mesh audit [cluster]` reads the newest first, the stream stays bounded, and no
// secret survives into either place.

import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AUDIT_STREAM, appendAudit, createAuditLog, latestAudit } from '../../src/audit/audit-log.ts';
import type { AuditRecord } from '../../src/audit/types.ts';
import { startRedis, type TestRedis } from '../helpers/redis.ts';

let server: TestRedis;
let redis: Redis;
let lines: string[];
const logger = () =>
  pino(
    { level: 'info' },
    new Writable({
      write(chunk, _e, done) {
        lines.push(...String(chunk).split('\n').filter(Boolean));
        done();
      },
    }),
  );

function record(cluster: string, extra: Partial<AuditRecord> = {}): Omit<AuditRecord, 'at'> {
  return {
    actor: 'U0ALICE',
    action: 'approval',
    cluster,
    object: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'review', name: 'review' },
    proposalId: 'p1',
    remediation: 'add-subset-label',
    result: 'approved',
    ...extra,
  };
}

beforeAll(async () => {
  server = await startRedis();
  redis = new Redis(server.url, { maxRetriesPerRequest: 1 });
});

afterAll(async () => {
  await redis?.quit();
  await server?.close();
});

beforeEach(async () => {
  await redis.flushall();
  lines = [];
});

describe('audit log', () => {
  it('appends to the stream and writes one structured log line per record', async () => {
    const audit = createAuditLog({ redis, logger: logger() });
    const entry = await audit.append({ ...record('prod-east'), patch: { spec: { template: { metadata: { labels: { version: 'v1' } } } } }, detail: '1/2 approvals' });
    expect(entry.id).toMatch(/^\d+-\d+$/);
    expect(await redis.xlen(AUDIT_STREAM)).toBe(1);
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!);
    expect(line.audit).toMatchObject({ actor: 'U0ALICE', action: 'approval', cluster: 'prod-east', result: 'approved', detail: '1/2 approvals' });
    expect(line.msg).toBe('audit approval approved prod-east');
    const [read] = await audit.latest({ limit: 5 });
    expect(read).toEqual(entry);
  });

  it('reads the newest first, bounded by the limit, optionally for one cluster', async () => {
    const opts = { redis, logger: logger() };
    await appendAudit(opts, record('rare', { proposalId: 'r1' }));
    for (let i = 0; i < 450; i++) await appendAudit(opts, record(i % 2 ? 'east' : 'west', { proposalId: `p${i}` }));
    await appendAudit(opts, record('rare', { proposalId: 'r2' }));
    const latest = await latestAudit(redis, { limit: 3 });
    expect(latest.map((e) => e.proposalId)).toEqual(['r2', 'p449', 'p448']);
    // The rare cluster's first record sits behind 450 others: the reader pages until it finds it.
    expect((await latestAudit(redis, { cluster: 'rare', limit: 10 })).map((e) => e.proposalId)).toEqual(['r2', 'r1']);
    expect((await latestAudit(redis, { cluster: 'east', limit: 2 })).map((e) => e.proposalId)).toEqual(['p449', 'p447']);
    expect(await latestAudit(redis, { cluster: 'nowhere', limit: 5 })).toEqual([]);
  });

  it('keeps the stream to about maxLen entries', async () => {
    const opts = { redis, logger: logger(), maxLen: 100 };
    for (let i = 0; i < 1000; i++) await appendAudit(opts, record('east'));
    const len = await redis.xlen(AUDIT_STREAM);
    expect(len).toBeGreaterThanOrEqual(100);
    expect(len).toBeLessThan(300);
  });

  it('redacts Secret payloads, PEM blocks, bearer tokens and kubeconfigs from the stream and the log', async () => {
    const token = 'eyJhbGciOiJSUzI1NiJ9.c2VjcmV0LXRva2Vu.sig';
    const pem = '-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIIvXk\n-----END EC PRIVATE KEY-----';
    const kubeconfig = `apiVersion: v1\nclusters:\n- cluster:\n    server: https://x\nusers:\n- user:\n    token: ${token}\n`;
    await appendAudit(
      { redis, logger: logger() },
      record('east', {
        patch: { metadata: { labels: { a: 'b' } }, data: { 'secret-west': 'c2VjcmV0' }, stringData: { k: kubeconfig } },
        detail: `server said: Authorization: Bearer ${token}; key ${pem}`,
        result: `failed: token: ${token}`,
      }),
    );
    const stream = JSON.stringify(await redis.xrange(AUDIT_STREAM, '-', '+'));
    const log = lines.join('\n');
    for (const text of [stream, log]) {
      expect(text).not.toContain(token);
      expect(text).not.toContain('PRIVATE KEY');
      expect(text).not.toContain('c2VjcmV0');
      expect(text).toContain('[redacted');
    }
    // What is not secret stays readable.
    const [entry] = await latestAudit(redis, { limit: 1 });
    expect(entry?.patch).toEqual({ metadata: { labels: { a: 'b' } }, data: '[redacted]', stringData: '[redacted]' });
    expect(entry?.detail).toBe('server said: Authorization: Bearer [redacted]; key [redacted PEM block]');
    expect(JSON.parse(lines[0]!).audit.patch).toEqual(entry?.patch);
  });
});
