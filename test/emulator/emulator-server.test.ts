// The emulator's server side against a REAL Bolt app: what the page asks for arrives at the bot
// signed and shaped as Slack would send it, the bot's answers come back as a person would see
// them, and nothing a browser receives contains a secret.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSlackEmulator, startSlackEmulator } from '../../src/sandbox/slack-emulator/index.ts';
import type { StoredMessage } from '../../src/sandbox/slack-emulator/web-api/web-api.ts';
import { ALERTS, ALICE, BOB, BOT_TOKEN, pagePost, type Rig, SIGNING_SECRET, startRig } from './helpers.ts';

let rig: Rig;
let base: string;

beforeAll(async () => {
  rig = await startRig();
  base = rig.emulator.url;
});
afterAll(async () => {
  await rig?.close();
});
beforeEach(() => {
  rig.emulator.webApi.reset();
  rig.bot.seen.length = 0;
  rig.bot.commands.length = 0;
  rig.bot.actions.length = 0;
});

/** Runs `/mesh diagnose demo` as alice and waits for the report's Approve button in the thread. */
async function diagnose(): Promise<{ parent: StoredMessage; report: StoredMessage }> {
  const answer = await pagePost(base, '/emulator/command', { user: ALICE, channel: ALERTS, text: '/mesh diagnose demo' });
  expect(answer).toEqual({ status: 200, body: { ok: true } });
  const slack = rig.emulator.webApi;
  return slack.waitFor(() => {
    const messages = slack.messages(ALERTS);
    const report = messages.find((m) => m.thread_ts && JSON.stringify(m.blocks).includes('remediation_approve'));
    const parent = messages.find((m) => !m.thread_ts && m.edits.length > 0);
    return report && parent ? { parent, report } : undefined;
  }, 20_000);
}

function approveRef(report: StoredMessage): { blockIndex: number; element: number } {
  const blockIndex = report.blocks.findIndex((b) => (b as { type: string }).type === 'actions');
  return { blockIndex, element: 0 };
}

describe('slash commands', () => {
  it('reach the real Bolt app signed, with the fields Slack sends, and its ack becomes an ephemeral for the sender only', async () => {
    const { parent } = await diagnose();
    expect(rig.bot.commands).toHaveLength(1);
    const command = rig.bot.commands[0]!;
    expect(command).toMatchObject({
      command: '/mesh',
      text: 'diagnose demo',
      user_id: ALICE,
      user_name: 'alice',
      channel_id: ALERTS,
      channel_name: 'mesh-alerts',
      team_id: rig.emulator.webApi.teamId,
    });
    expect(String(command.response_url)).toMatch(new RegExp(`^${base}response/`));
    expect(String(command.trigger_id)).toMatch(/^\d+\.\d+\.[0-9a-f]+$/);

    const acks = rig.emulator.webApi.ephemerals(ALERTS);
    expect(acks).toHaveLength(1);
    expect(acks[0]).toMatchObject({ user: ALICE, via: 'command_response' });
    expect(acks[0]!.text).toContain('Queued a diagnosis of demo');
    expect(parent.text).toContain('1 failing check');
  });

  it('answer an unknown command the way Slack does, without bothering the bot', async () => {
    const answer = await pagePost(base, '/emulator/command', { user: BOB, channel: ALERTS, text: '/deploy now' });
    expect(answer.body).toEqual({ ok: false, error: 'unknown_command' });
    expect(rig.emulator.webApi.ephemerals(ALERTS)).toMatchObject([{ user: BOB, via: 'emulator', text: expect.stringContaining('/deploy is not a valid command') }]);
    expect(rig.bot.commands).toEqual([]);
  });

  it('refuse requests that are not the page: other origins, form posts, unknown users, extra fields', async () => {
    const command = { user: ALICE, channel: ALERTS, text: '/mesh diagnose demo' };
    const crossSite = await pagePost(base, '/emulator/command', command, { origin: 'http://evil.example' });
    const fetchSite = await pagePost(base, '/emulator/command', command, { 'sec-fetch-site': 'cross-site' });
    const form = await fetch(new URL('/emulator/command', base), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'user=U0SRE1&channel=C0MESHALERT&text=%2Fmesh+diagnose+demo' });
    const stranger = await pagePost(base, '/emulator/command', { ...command, user: 'U0NOBODY' });
    const extra = await pagePost(base, '/emulator/command', { ...command, signingSecret: 'x' });
    expect([crossSite.status, fetchSite.status, form.status, stranger.status, extra.status]).toEqual([403, 403, 415, 400, 400]);
    expect(extra.body.error).toMatch(/invalid request/);
    expect(rig.bot.commands).toEqual([]);
  });
});

describe('buttons and modals', () => {
  it('send block_actions with the value the bot posted; the modal it opens belongs to the clicker; errors keep it open; submit posts the reply', async () => {
    const { report } = await diagnose();
    const click = { user: BOB, channel: ALERTS, messageTs: report.ts, ephemeral: false, ...approveRef(report), actionId: 'remediation_approve' };
    expect((await pagePost(base, '/emulator/action', click)).body).toEqual({ ok: true });

    const action = rig.bot.actions[0]!;
    expect(action).toMatchObject({
      type: 'block_actions',
      user: { id: BOB, name: 'bob' },
      channel: { id: ALERTS, name: 'mesh-alerts' },
      container: { type: 'message', message_ts: report.ts, channel_id: ALERTS, is_ephemeral: false, thread_ts: report.thread_ts },
      message: { ts: report.ts, thread_ts: report.thread_ts },
      actions: [{ type: 'button', action_id: 'remediation_approve', value: 'prop-istiod-remote-endpoints', style: 'primary', text: { type: 'plain_text', text: 'Approve' } }],
    });
    expect(String(action.response_url)).toMatch(new RegExp(`^${base}response/`));

    const state = async () => (await (await fetch(new URL('/emulator/state', base))).json()) as { modals: { id: string; user?: string; view: { title: { text: string } } }[] };
    // The bot calls views.open after it acked the click.
    await rig.emulator.webApi.waitFor((s) => s.views().length > 0);
    const modal = (await state()).modals[0];
    expect(modal).toMatchObject({ user: BOB, view: { title: { text: 'Approve fix' } } });

    const bad = await pagePost(base, '/emulator/view-submission', { user: BOB, viewId: modal!.id, values: [{ blockIndex: 1, value: 'bad' }] });
    expect(bad.body).toEqual({ ok: false, errors: { reason: 'Give a real reason' } });
    expect((await state()).modals.map((m) => m.id)).toEqual([modal!.id]);

    const good = await pagePost(base, '/emulator/view-submission', { user: BOB, viewId: modal!.id, values: [{ blockIndex: 1, value: 'restores xDS' }] });
    expect(good.body).toEqual({ ok: true });
    expect((await state()).modals).toEqual([]);
    const reply = await rig.emulator.webApi.waitFor((s) => s.thread(ALERTS, report.thread_ts!).find((m) => m.text.includes('approved')));
    expect(reply.text).toBe(`:white_check_mark: <@${BOB}> approved \`prop-istiod-remote-endpoints\`: restores xDS`);
    expect(rig.bot.seen.filter((s) => s.startsWith('view:'))).toEqual([`view:bad:${BOB}`, `view:restores xDS:${BOB}`]);
  });

  it('refuse a click on a button that is not where the page thought it was', async () => {
    const { report } = await diagnose();
    const stale = { user: ALICE, channel: ALERTS, messageTs: report.ts, ephemeral: false, ...approveRef(report), actionId: 'remediation_reject' };
    expect((await pagePost(base, '/emulator/action', stale)).body).toEqual({ ok: false, error: 'message_changed' });
    const forged = { ...stale, actionId: 'remediation_approve', value: 'prop-anything-else' };
    expect((await pagePost(base, '/emulator/action', forged)).status).toBe(400);
    expect(rig.bot.actions).toEqual([]);
  });
});

describe('live updates', () => {
  it('stream a snapshot, then every new message and edit, to each open page', async () => {
    const controller = new AbortController();
    const res = await fetch(new URL('/emulator/events', base), { signal: controller.signal });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    const events: { type: string; message?: { text: string } }[] = [];
    let buffer = '';
    const next = async (): Promise<{ type: string; message?: { text: string } }> => {
      while (!buffer.includes('\n\n')) buffer += (await reader.read()).value ?? '';
      const [frame, ...rest] = buffer.split('\n\n');
      buffer = rest.join('\n\n');
      const data = frame!.split('\n').find((l) => l.startsWith('data: '));
      return data ? JSON.parse(data.slice('data: '.length)) : next();
    };
    events.push(await next());
    expect(events[0]).toMatchObject({ type: 'snapshot', users: [{ id: ALICE, name: 'alice' }, { id: BOB }, { id: 'U0DEV1' }], channels: [{ id: ALERTS, name: 'mesh-alerts' }, {}, {}] });

    const client = new WebClient(BOT_TOKEN, { slackApiUrl: rig.emulator.webApi.url, retryConfig: { retries: 0 } });
    const posted = await client.chat.postMessage({ channel: '#mesh-prod', text: 'first' });
    await client.chat.update({ channel: posted.channel!, ts: posted.ts!, text: 'second' });
    events.push(await next(), await next());
    controller.abort();
    expect(events.slice(1)).toMatchObject([
      { type: 'message', message: { channel: 'C0MESHPROD', text: 'first' } },
      { type: 'message_changed', message: { channel: 'C0MESHPROD', text: 'second', edits: [{ text: 'first' }] } },
    ]);
  });
});

describe('secrets', () => {
  it('never reach the browser: the page, its scripts, the state and the event stream hold neither the signing secret nor the token', async () => {
    await diagnose();
    const html = await (await fetch(base)).text();
    expect(html).toContain('<script type="module" src="/emulator/app.js">');
    const assets = [...html.matchAll(/(?:src|href)="(\/emulator\/[^"]+)"/g)].map((m) => m[1]!);
    expect(assets).toEqual(['/emulator/style.css', '/emulator/app.js']);
    const scripts = ['app.js', 'blocks.js', 'messages.js', 'modal.js', 'mrkdwn.js', 'emoji.js', 'state.js'].map((f) => `/emulator/${f}`);
    const bodies = [html];
    for (const path of [...assets, ...scripts, '/emulator/state']) {
      const res = await fetch(new URL(path, base));
      expect(res.status, path).toBe(200);
      bodies.push(await res.text());
    }
    const everything = bodies.join('\n');
    expect(everything).toContain('Diagnosis of demo');
    expect(everything).not.toContain(SIGNING_SECRET);
    expect(everything).not.toContain(BOT_TOKEN);
    expect(JSON.stringify(rig.emulator.webApi.calls)).not.toContain(BOT_TOKEN);
  });

  it('serve only the page files: no path leads elsewhere on disk', async () => {
    for (const path of ['/emulator/../emulator.ts', '/emulator/%2e%2e/emulator.ts', '/emulator/mrkdwn.d.ts', '/emulator/nope.js', '/emulator/..%2fsigning.ts']) {
      const res = await fetch(new URL(path, base));
      const body = await res.text();
      expect(res.status, path).toBe(404);
      expect(body, path).not.toContain('import');
    }
  });
});

describe('when the bot is down or misconfigured', () => {
  it('shows Slack-style failure notices: a signature the bot refuses, and a bot that never answers', async () => {
    const wrong = await startRig({ signingSecret: 'not-the-bots-secret' });
    const silent: Server = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const hanging = await startSlackEmulator({ botUrl: `http://127.0.0.1:${(silent.address() as AddressInfo).port}/slack/events`, signingSecret: SIGNING_SECRET, botToken: BOT_TOKEN, ackTimeoutMs: 300 });
    try {
      const refused = await pagePost(wrong.emulator.url, '/emulator/command', { user: ALICE, channel: ALERTS, text: '/mesh help' });
      expect(refused.body).toEqual({ ok: false, error: 'dispatch_failed' });
      expect(wrong.emulator.webApi.ephemerals(ALERTS)[0]?.text).toMatch(/^\/mesh failed with the error "dispatch_failed" \(emulator: the app answered HTTP 401: the request signature was refused/);
      expect(wrong.bot.commands).toEqual([]);

      const timedOut = await pagePost(hanging.url, '/emulator/command', { user: ALICE, channel: ALERTS, text: '/mesh help' });
      expect(timedOut.body).toEqual({ ok: false, error: 'operation_timeout' });
      expect(hanging.webApi.ephemerals(ALERTS)[0]?.text).toContain('/mesh failed with the error "operation_timeout"');
    } finally {
      await wrong.close();
      await hanging.close();
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});

describe('mounted on another server', () => {
  it('answers its own paths and leaves every other path to the host server', async () => {
    let emulator: ReturnType<typeof createSlackEmulator> | undefined;
    const host = createServer((req, res) => {
      if (emulator?.handle(req, res)) return;
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`host:${req.url}`);
    });
    await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;
    emulator = createSlackEmulator({ botUrl: `${url}/slack/events`, signingSecret: SIGNING_SECRET, botToken: BOT_TOKEN });
    try {
      expect(await (await fetch(`${url}/slack/events`, { method: 'POST' })).text()).toBe('host:/slack/events');
      expect(await (await fetch(`${url}/healthz`)).text()).toBe('host:/healthz');
      expect(await (await fetch(`${url}/`)).text()).toContain('mesh-medic Slack emulator');
      const auth = await (await fetch(`${url}/api/auth.test`, { method: 'POST', headers: { authorization: `Bearer ${BOT_TOKEN}` } })).json();
      expect(auth).toMatchObject({ ok: true, user_id: emulator.webApi.botUserId });
      // Response URLs point back at the host server: the bot can answer through them.
      expect(emulator.webApi.responseUrl({ channel: ALERTS, user: ALICE }).startsWith(`${url}/response/`)).toBe(true);
      expect(emulator.webApi.url).toBe(`${url}/api/`);
    } finally {
      emulator.close();
      host.closeAllConnections();
      await new Promise((resolve) => host.close(resolve));
    }
  });
});
