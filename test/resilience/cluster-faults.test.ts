// Sandbox API-server faults during `/mesh diagnose`, end to end through the bot, the queue and a
// worker: whatever the cluster does (500s, hanging requests, 403, refused connections, slowness),
// the report still arrives in the thread, the failures are `error` findings that say what failed,
// `cluster-access` gives its verdict on the connection, and the parent message shows the verdict.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FaultRule } from '../../src/sandbox/cluster-spec.ts';
import { CHANNEL, finishedParent, messageText, queueIdle, type Rig, slash, startRig, startWorker } from './harness.ts';

// Short per-call timeout, so a hanging API server costs the test seconds, not minutes.
const K8S_TIMEOUT_MS = 1500;

let rig: Rig;

beforeAll(async () => {
  rig = await startRig({ scenarios: ['hosted-xds-timeout'], k8s: { timeoutMs: K8S_TIMEOUT_MS } });
  startWorker(rig);
});

afterEach(async () => {
  for (const c of rig.sandbox.clusters.values()) await c.faults.clear();
  await queueIdle(rig);
});

afterAll(async () => {
  await rig?.stop();
});

interface Outcome {
  /** The parent's final text (the verdict). */
  verdict: string;
  /** Every reply in the thread, as a person reads it. */
  report: string;
  /** `*ERROR* · severity · `check`` followed by its summary line, per error finding. */
  errors: Map<string, string>;
  /** The cluster-access finding's status and summary line. */
  access: string;
}

/** `/mesh diagnose <cluster>` through the bot; resolves with what the thread shows at the end. */
async function diagnoseThroughBot(cluster: string): Promise<Outcome> {
  const seen = new Set(rig.slack.messages(CHANNEL).map((m) => m.ts));
  const ack = await slash(rig, `diagnose ${cluster}`);
  expect(ack.ackText).toContain(`Queued a diagnosis of *${cluster}*`);
  const parent = await finishedParent(rig, cluster, seen);
  const replies = rig.slack.thread(CHANNEL, parent.ts).slice(1);
  const report = replies.map(messageText).join('\n');
  const errors = new Map<string, string>();
  for (const m of report.matchAll(/^:\w+: \*ERROR\* · \w+ · `([a-z0-9-]+)`\n(.*)$/gm)) errors.set(m[1]!, m[2]!);
  const access = /^:\w+: \*(\w+)\* · \w+ · `cluster-access`\n(.*)$/m.exec(report);
  return { verdict: parent.text, report, errors, access: access ? `${access[1]}: ${access[2]}` : '' };
}

function inject(cluster: string, ...rules: FaultRule[]): void {
  for (const rule of rules) rig.sandbox.cluster(cluster).faults.addRule(rule);
}

describe('a diagnosis through the bot while the cluster misbehaves', () => {
  it('500s on pods: the checks that need pods are errors naming the 500, the others still report', async () => {
    inject('hosted-east', { match: { verb: 'list', resource: 'pods' }, action: { status: 500, message: 'etcdserver: leader changed' } });
    const out = await diagnoseThroughBot('hosted-east');
    expect(out.verdict).toMatch(/^hosted-east: 1 failing check \(critical: `istiod-remote-endpoints`\) · 1 warning · \d+ checks could not decide/);
    expect([...out.errors.keys()]).toEqual(expect.arrayContaining(['gateway-readiness', 'gateway-xds-unreachable', 'sidecar-injection']));
    for (const text of out.errors.values()) {
      expect(text).toMatch(/^could not read pods from cluster hosted-east: server error 500: list pods on https:\/\/127\.0\.0\.1:\d+ \(server said: etcdserver: leader changed\)/);
    }
    expect(out.access).toMatch(/^WARN: .*hosted-east.*\(pods\)/);
    // What did not need pods still reports its real result.
    expect(out.report).toMatch(/FAIL\* · critical · `istiod-remote-endpoints`/);
  });

  it('hanging requests: the reads that time out become errors that say so', async () => {
    inject('hosted-cp', { match: { verb: 'list', resource: 'services' }, action: { timeout: true } });
    const out = await diagnoseThroughBot('hosted-cp');
    expect(out.verdict).toMatch(/^hosted-cp: .*\d+ checks? could not decide/);
    expect(out.errors.size).toBeGreaterThan(0);
    for (const text of out.errors.values()) {
      expect(text).toMatch(/^could not read services from cluster hosted-cp: no answer from https:\/\/127\.0\.0\.1:\d+ within 1500 ms \(list services\)/);
    }
    expect(out.access).toBe('WARN: 1 read of hosted-cp timed out or could not connect (services): the API server is unstable or overloaded; findings that depend on them are errors');
  });

  it('403 on one kind: errors name the permission, cluster-access says which RBAC rule is missing', async () => {
    inject('hosted-east', { match: { verb: 'list', resource: 'configmaps' }, action: { status: 403, message: 'configmaps is forbidden: User "mesh-medic" cannot list resource "configmaps"' } });
    const out = await diagnoseThroughBot('hosted-east');
    expect(out.verdict).toMatch(/^hosted-east: 3 failing checks .* · 1 warning · \d+ checks? could not decide/);
    expect(out.errors.size).toBeGreaterThan(0);
    for (const text of out.errors.values()) {
      expect(text).toMatch(/^could not read configmaps from cluster hosted-east: forbidden on https:\/\/\S+: needs .*list.* on .*configmaps.* \(server said: configmaps is forbidden/);
    }
    expect(out.access).toMatch(/^WARN: mesh-medic lacks permission to read configmaps in hosted-east: /);
    expect(out.report).toMatch(/FAIL\* · critical · `istiod-remote-endpoints`/);
  });

  it('refused connections: cluster-access fails naming the server, the rest are errors, the report still posts', async () => {
    await rig.sandbox.cluster('hosted-cp').faults.refuseConnections(true);
    const out = await diagnoseThroughBot('hosted-cp');
    const server = rig.sandbox.cluster('hosted-cp').url;
    expect(out.verdict).toMatch(/^hosted-cp: 1 failing check \(critical: `cluster-access`\) · \d+ checks could not decide/);
    // Which kind's read noticed first varies; the server and the cause do not.
    expect(out.access.startsWith(`FAIL: Cannot read hosted-cp: cannot reach ${server}: connection refused (list `)).toBe(true);
    expect(out.errors.size).toBeGreaterThan(10);
    for (const text of out.errors.values()) expect(text).toMatch(/^not run: cluster unreachable \(cannot reach https:\/\/127\.0\.0\.1:\d+: connection refused/);
  });

  it('slow responses under the timeout: the same verdict as a healthy read, no errors', async () => {
    inject('hosted-east', { match: {}, action: { delayMs: 400 } });
    const out = await diagnoseThroughBot('hosted-east');
    expect(out.verdict).toBe('hosted-east: 3 failing checks (critical: `gateway-readiness`, `gateway-xds-unreachable`, `istiod-remote-endpoints`)');
    expect(out.errors.size).toBe(0);
    expect(out.report).toMatch(/FAIL\* · critical · `istiod-remote-endpoints`/);
    expect(out.report).toMatch(/cluster-access/);
  });
});
