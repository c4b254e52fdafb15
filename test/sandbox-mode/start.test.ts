// `npm start` as a newcomer meets it: `node bin/mesh-medic.js all` with no Slack variables starts
// redis, the sandbox clusters, the bot, a worker and the Slack emulator; the page works in a real
// browser (Debian's chromium through playwright-core): `/mesh diagnose hosted-east` grows a live
// parent message and a threaded report naming istiod-remote-endpoints, alice approves the fix in a
// modal and the thread says it was verified. Ctrl-C stops all of it.
// Fails (never skips) when chromium or redis-server is missing.

import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/redis/private-server.ts';
import { loadScenarios } from '../../src/sandbox/scenarios.ts';
import { listening, processAlive, REPO, type RunFacts, runFacts, type SandboxProcess, sandboxEnv, spawnMeshMedic } from './process.ts';

const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const WAIT = { timeout: 30_000 };
// Refresh the README's screenshot with UPDATE_SCREENSHOTS=1; ordinary runs (CI) leave the
// committed file alone and write to a temp dir instead.
const SCREENSHOT = process.env.UPDATE_SCREENSHOTS
  ? join(REPO, 'docs/sandbox-report.png')
  : join(tmpdir(), 'mesh-medic-sandbox-report.png');
const SCENARIOS = loadScenarios('all');
const CLUSTER_COUNT = SCENARIOS.flatMap((s) => s.clusters).length;

let run: SandboxProcess;
let facts: RunFacts;
let port: number;
let context: BrowserContext | undefined;
let userDataDir: string | undefined;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install it with "apt-get install -y chromium" (Debian/Ubuntu)`);
  port = await freePort();
  run = spawnMeshMedic(['all'], sandboxEnv({ PORT: String(port) }));
  await run.waitForLine(/^open http:\/\/localhost:\d+/);
  facts = runFacts(run.stdout());
});

afterAll(async () => {
  await context?.close();
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  run?.killGroup();
  // Its own process group: only reached here when the run did not stop it itself.
  if (facts && processAlive(facts.redisPid)) process.kill(facts.redisPid, 'SIGKILL');
});

const get = async (path: string) => {
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text() };
};

describe('npm start without Slack credentials (sandbox mode)', () => {
  it('prints one line per thing it started and the URL to open', () => {
    const lines = run.stdout().trim().split('\n');
    expect(lines[0]).toBe('mesh-medic sandbox mode (SLACK_BOT_TOKEN is unset): everything runs here, with a local Slack emulator instead of Slack');
    expect(lines[1]).toMatch(/^redis: +private redis-server \(pid \d+\) on redis:\/\/127\.0\.0\.1:\d+, data in \S+$/);
    expect(lines[2]).toMatch(/^clusters: \d+ sandbox clusters from \d+ scenarios \(HTTPS on 127\.0\.0\.1\), registry \S+\/clusters\.yaml$/);
    expect(lines[2]).toContain(`clusters: ${CLUSTER_COUNT} sandbox clusters from ${SCENARIOS.length} scenarios`);
    expect(lines[3]).toBe(`bot:      listening on http://127.0.0.1:${port} (/slack/events, /healthz, /readyz, /metrics), ${CLUSTER_COUNT} clusters registered`);
    expect(lines[4]).toBe('worker:   diagnosis worker running in this process (concurrency 4)');
    expect(lines[5]).toMatch(/^emulator: Slack emulator page at \/ and its Web API at \/api\/; users alice, bob, carol \(approvers: alice\); credentials in \S+$/);
    expect(lines[6]).toBe(`open http://localhost:${port} and type /mesh diagnose hosted-east — Ctrl-C stops everything`);
    expect(lines).toHaveLength(7);
    expect(processAlive(facts.redisPid)).toBe(true);
  });

  it('serves health, readiness, metrics and the emulator page on PORT', async () => {
    expect(await get('/healthz')).toMatchObject({ status: 200, body: '{"status":"ok"}\n' });
    const ready = await get('/readyz');
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.body)).toEqual({ ready: true, checks: { redis: 'ok', registry: `ok (${CLUSTER_COUNT} clusters)` } });
    const metrics = await get('/metrics');
    expect(metrics.type).toContain('text/plain');
    for (const name of [
      'mesh_medic_diagnoses_total',
      'mesh_medic_check_duration_seconds',
      'mesh_medic_findings_total',
      'mesh_medic_k8s_api_calls_total',
      'mesh_medic_k8s_api_errors_total',
      'mesh_medic_queue_depth',
      'mesh_medic_approvals_total',
      'mesh_medic_remediations_total',
      'mesh_medic_slack_api_errors_total',
    ]) {
      expect(metrics.body).toContain(`# TYPE ${name} `);
    }
    expect(metrics.body).toContain('mesh_medic_redis_up 1');
    const page = await get('/');
    expect(page.status).toBe(200);
    expect(page.type).toContain('text/html');
    expect(page.body).toContain('id="composer-input"');
  });

  it('runs /mesh diagnose hosted-east from the emulator page in chromium: live parent message, report in the thread, fix approved and verified', async () => {
    userDataDir = mkdtempSync(join(tmpdir(), 'mesh-medic-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: { width: 1280, height: 800 } });
    const page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(WAIT.timeout);
    const pageErrors: string[] = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await page.goto(facts.url);
    await expect.poll(() => page.locator('#channel-title').textContent(), WAIT).toBe('# mesh-alerts');
    await recordParentTexts(page);

    await page.locator('#composer-input').fill('/mesh diagnose hosted-east');
    await page.locator('#composer-input').press('Enter');
    const ack = page.locator('#message-list .msg-ephemeral');
    await expect.poll(() => ack.first().textContent(), WAIT).toContain('hosted-east');

    const parent = page.locator('#message-list .msg[data-kind="message"]');
    await expect.poll(() => parent.textContent(), WAIT).toMatch(/hosted-east: 3 failing checks \(critical: gateway-readiness, gateway-xds-unreachable, istiod-remote-endpoints\)/);
    // Seen without a reload: the reading state first, then edits as checks finished.
    const seen = await page.evaluate(() => (window as unknown as { seenParents: string[] }).seenParents);
    expect(seen[0]).toMatch(/Diagnosing hosted-east: reading the cluster for 21 checks/);
    expect(seen.at(-1)).toMatch(/3 failing checks/);
    expect(await parent.locator('.msg-edited').textContent()).toBe('(edited)');

    await parent.locator('.msg-replies-link').click();
    const thread = page.locator('#thread');
    await expect.poll(() => thread.locator('.blk-header').first().textContent(), WAIT).toContain('hosted-east');
    const finding = thread.locator('.blk-section', { hasText: /FAIL · critical/ }).filter({ hasText: 'istiod-remote-endpoints' }).first();
    await expect.poll(() => finding.count(), WAIT).toBe(1);
    expect(await finding.locator('b').first().textContent()).toBe('FAIL');
    expect(await finding.locator('code').first().textContent()).toBe('istiod-remote-endpoints');
    // What is wrong, in the words of the incident: the endpoint holds a pod IP, not the LB's.
    expect(await finding.textContent()).toMatch(/point at [\d.]+, the Pod IP of istio-system\/istiod-ywistio-hosted-\S+ in hosted-cp, not at the LoadBalancer IP [\d.]+ of istiod-ywistio-hosted-lb/);
    await finding.evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: SCREENSHOT });
    expect(statSync(SCREENSHOT).size).toBeGreaterThan(20_000);

    await approveFix(page, thread);
    expect(pageErrors).toEqual([]);
  });

  it('counts the diagnosis in /metrics: outcome, findings by check, API calls by cluster, check durations', async () => {
    const { body } = await get('/metrics');
    expect(body).toContain('mesh_medic_diagnoses_total{trigger="slack",outcome="done"} 1');
    expect(body).toContain('mesh_medic_findings_total{check="istiod-remote-endpoints",status="fail"} 1');
    expect(body).toContain('mesh_medic_check_duration_seconds_count{check="cluster-access"} 1');
    // Naming the wrong address needs all of hosted-cp's pods: the check ran again once they were read.
    expect(body).toContain('mesh_medic_check_duration_seconds_count{check="istiod-remote-endpoints"} 2');
    expect(Number(/mesh_medic_k8s_api_calls_total\{cluster="hosted-east"\} (\d+)/.exec(body)?.[1])).toBeGreaterThan(0);
    expect(Number(/mesh_medic_k8s_api_calls_total\{cluster="hosted-cp"\} (\d+)/.exec(body)?.[1])).toBeGreaterThan(0);
  });

  it('stops everything on SIGINT: exit 0, redis-server gone, no port listening, temporary files removed', async () => {
    const ports = [port, facts.redisPort, ...facts.clusterPorts];
    expect(facts.clusterPorts).toHaveLength(CLUSTER_COUNT);
    expect(await listening(facts.redisPort)).toBe(true);
    process.kill(run.child.pid as number, 'SIGINT');
    expect(await run.exited).toEqual({ code: 0, signal: null });
    expect(run.stdout()).toMatch(/stopping: .*\nstopped\n$/);
    expect(processAlive(facts.redisPid)).toBe(false);
    const stillListening = [];
    for (const p of ports) if (await listening(p)) stillListening.push(p);
    expect(stillListening).toEqual([]);
    expect(existsSync(facts.runDir)).toBe(false);
    expect(existsSync(facts.redisDir)).toBe(false);
  });
});

/** Keeps every distinct text the channel's parent message showed, from before the command on. */
async function recordParentTexts(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { seenParents: string[] };
    w.seenParents = [];
    const list = document.querySelector('#message-list') as Element;
    const note = () => {
      const text = list.querySelector('.msg[data-kind="message"] .msg-text, .msg[data-kind="message"]')?.textContent ?? '';
      if (text && w.seenParents.at(-1) !== text) w.seenParents.push(text);
    };
    new MutationObserver(note).observe(list, { subtree: true, childList: true, characterData: true });
  });
}

/** Approve the proposed fix as alice (the sandbox's approver) through the modal; the thread says it was verified. */
async function approveFix(page: Page, thread: ReturnType<Page['locator']>): Promise<void> {
  await thread.getByRole('button', { name: 'Approve' }).first().click();
  const dialog = page.getByRole('dialog');
  await expect.poll(() => dialog.locator('.modal-title').textContent(), WAIT).toBe('Approve this fix?');
  expect(await dialog.textContent()).toContain('point-istiod-remote');
  for (const input of await dialog.locator('textarea, input[type="text"]').all()) await input.fill('sandbox test: restore xDS');
  await dialog.locator('.modal-submit').click();
  await expect.poll(() => dialog.count(), WAIT).toBe(0);
  await expect.poll(() => thread.textContent(), WAIT).toContain('Applied · verified: point-istiod-remote on Endpoints istio-system/istiod-remote on hosted-east');
  expect(await thread.textContent()).toContain('Verification: istiod-remote-endpoints passes');
}
