// A full sandbox run at the most talkative log level: diagnoses of several clusters through the
// emulator (as the page sends them), other commands, a forged request; then every byte the process
// wrote (stdout and stderr) and every message the emulator holds (edits, ephemerals included) is
// searched for the run's secrets: the generated bot token and signing secret, every sandbox
// cluster's token, the CA (base64 and PEM) and any PEM block at all. None may appear.

import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/redis/private-server.ts';
import { postToBolt, slashCommandBody } from '../helpers/slack-signing.ts';
import { processAlive, type RunFacts, runFacts, type SandboxProcess, sandboxEnv, spawnMeshMedic } from './process.ts';

const ALICE = 'U0SRE1';
const ALERTS = 'C0MESHALERT';
// One per kind of trouble: cross-cluster endpoints, trust roots (CA material in the clusters),
// remote secrets (kubeconfigs inside Secrets), an unreachable API server, subsets.
const CLUSTERS = ['hosted-east', 'trust-east', 'secret-east', 'apiserver-prod', 'review-prod'];
const WAIT = { timeout: 45_000, interval: 250 };

let run: SandboxProcess;
let facts: RunFacts;
let port: number;
let emulatorState = '';
let exit: { code: number | null; signal: NodeJS.Signals | null };

interface Block {
  type: string;
  elements?: { action_id?: string }[];
}
interface State {
  messages: { channel: string; ts: string; text: string; thread_ts?: string; blocks?: Block[] }[];
  modals: { id: string }[];
}

const base = () => `http://127.0.0.1:${port}`;
const state = async (): Promise<State> => (await fetch(`${base()}/emulator/state`)).json() as Promise<State>;
const pagePost = (path: string, body: unknown) => fetch(`${base()}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const command = (text: string) => pagePost('/emulator/command', { user: ALICE, channel: ALERTS, text });

beforeAll(async () => {
  port = await freePort();
  run = spawnMeshMedic(['all'], sandboxEnv({ PORT: String(port), MESH_MEDIC_LOG_LEVEL: 'trace' }));
  await run.waitForLine(/^open http:\/\/localhost:\d+/);
  facts = runFacts(run.stdout());
});

afterAll(() => {
  run?.killGroup();
  if (facts && processAlive(facts.redisPid)) process.kill(facts.redisPid, 'SIGKILL');
});

describe('a full sandbox run leaks no secret', () => {
  it('uses the credentials it wrote to its own directory (so the search below looks for the real ones)', async () => {
    const auth = async (token: string) =>
      (await (await fetch(`${base()}/api/auth.test`, { method: 'POST', headers: { authorization: `Bearer ${token}` } })).json()) as { ok: boolean; error?: string };
    expect(await auth(facts.botToken)).toMatchObject({ ok: true });
    expect(await auth('xoxb-not-the-sandbox-token')).toEqual(expect.objectContaining({ ok: false, error: 'invalid_auth' }));
    const body = slashCommandBody({ text: 'help', user_id: ALICE, channel_id: ALERTS, response_url: `${base()}/response/none` });
    expect((await postToBolt(`${base()}/slack/events`, facts.signingSecret, body)).status).toBe(200);
    expect((await postToBolt(`${base()}/slack/events`, 'a-forged-signing-secret', body)).status).toBe(401);
    // One per sandbox cluster (the registry the run wrote), so none is missing from the search.
    const clusters = readFileSync(facts.registryPath, 'utf8').match(/^ {2}- name: /gm)?.length;
    expect(clusters).toBeGreaterThan(20);
    expect(facts.clusterTokens).toHaveLength(clusters as number);
    expect(facts.caData).toHaveLength(clusters as number);
  });

  it('diagnoses several clusters through the emulator and answers other commands', async () => {
    for (const cluster of CLUSTERS) expect((await command(`/mesh diagnose ${cluster}`)).status).toBe(200);
    for (const text of ['/mesh clusters', '/mesh status', '/mesh playbook remote-secrets', '/mesh diagnose no-such-cluster']) expect((await command(text)).status).toBe(200);
    // Every parent message reaches its verdict (no "Diagnosing …" left) and each has a report.
    await expect
      .poll(async () => {
        const parents = (await state()).messages.filter((m) => m.channel === ALERTS && !m.thread_ts && /^\S+: (no failing checks|\d+ failing check)/.test(m.text));
        return parents.map((m) => m.text.split(':')[0]).sort();
      }, WAIT)
      .toEqual([...CLUSTERS].sort());
    emulatorState = JSON.stringify(await state());
    // The run did talk: these are the lines the search below must find nothing secret in.
    expect(emulatorState).toContain('istiod-remote-endpoints');
    expect(emulatorState).toContain('trust-root-mismatch');
    expect(emulatorState).toContain('remote-secrets');
  });

  it('applies an approved fix (the remediation patches a cluster with its credentials)', async () => {
    const withButton = (await state()).messages.find((m) => m.blocks?.some((b) => b.elements?.some((e) => e.action_id === 'remediation_approve')) && m.text.includes('hosted-east'));
    expect(withButton).toBeDefined();
    const blockIndex = (withButton?.blocks ?? []).findIndex((b) => b.elements?.some((e) => e.action_id === 'remediation_approve'));
    const element = (withButton?.blocks?.[blockIndex]?.elements ?? []).findIndex((e) => e.action_id === 'remediation_approve');
    const click = { user: ALICE, channel: ALERTS, messageTs: withButton?.ts, ephemeral: false, blockIndex, element, actionId: 'remediation_approve' };
    expect((await pagePost('/emulator/action', click)).status).toBe(200);
    await expect.poll(async () => (await state()).modals.length, WAIT).toBe(1);
    const viewId = (await state()).modals[0]?.id;
    expect((await pagePost('/emulator/view-submission', { user: ALICE, viewId, values: [] })).status).toBe(200);
    await expect.poll(async () => (await state()).messages.some((m) => m.text.startsWith('Applied (verified): point-istiod-remote on hosted-east')), WAIT).toBe(true);
    emulatorState = JSON.stringify(await state());
  });

  it('stops, and neither its output nor the emulator holds any secret value', async () => {
    process.kill(run.child.pid as number, 'SIGINT');
    exit = await run.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    const logs = run.stderr();
    const everything = `${run.stdout()}\n${logs}\n${emulatorState}`;
    // The logs are real and plentiful (trace level): a search of nothing would prove nothing.
    for (const cluster of CLUSTERS) expect(logs).toContain(`"cluster":"${cluster}"`);
    expect(logs.split('\n').length).toBeGreaterThan(20);

    const caPem = readCa(facts);
    const secrets: [string, string][] = [
      ['bot token', facts.botToken],
      ['signing secret', facts.signingSecret],
      ...facts.clusterTokens.map((t, i): [string, string] => [`cluster token #${i}`, t]),
      ...facts.caData.map((c, i): [string, string] => [`CA data #${i}`, c]),
      ['CA body', caPem.split('\n').find((l) => l.length > 40 && !l.startsWith('-----')) as string],
    ];
    const found = secrets.filter(([, value]) => value && everything.includes(value)).map(([name]) => name);
    expect(found).toEqual([]);
    expect(everything).not.toMatch(/-----BEGIN/);
    expect(everything).not.toMatch(/xox[abprs]-/);
    expect(everything).not.toMatch(/LS0tLS1CRUdJT/);
  });
});

/** The CA's PEM, from a kubeconfig's base64 data (the run directory is gone by now). */
function readCa(f: RunFacts): string {
  const pem = Buffer.from(f.caData[0] as string, 'base64').toString('utf8');
  expect(pem).toMatch(/^-----BEGIN CERTIFICATE-----/);
  return pem;
}
