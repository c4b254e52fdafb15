// The signing helper against the REAL Bolt receiver: what it signs Bolt accepts, and what Bolt
// must refuse (unsigned, wrongly signed, replayed) it refuses before any listener runs.

import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { App, HTTPReceiver, type Logger, LogLevel } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningFakeSlackApi, startFakeSlackApi } from '../fakes/slack-api.ts';
import { blockActionsBody, buttonClickPayload, nowSeconds, postToBolt, signRequest, slashCommandBody } from '../helpers/slack-signing.ts';

const SIGNING_SECRET = 'test-signing-secret-8f2c';
const BOT_TOKEN = 'xoxb-bolt-test-token';
const CHANNEL = 'C0INCIDENTS';
const USER = 'U0ONCALL01';

// Bolt warns about every refused request; those refusals are what this file provokes.
const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, setLevel() {}, getLevel: () => LogLevel.ERROR, setName() {} };

let slack: RunningFakeSlackApi;
let app: App;
let eventsUrl: string;
const commandsSeen: string[] = [];
const clicksSeen: string[] = [];

beforeAll(async () => {
  // The fake must be up before the App: Bolt calls auth.test when it is constructed.
  slack = await startFakeSlackApi({ botToken: BOT_TOKEN });
  app = new App({
    token: BOT_TOKEN,
    receiver: new HTTPReceiver({ signingSecret: SIGNING_SECRET, endpoints: '/slack/events', logger: quiet }),
    clientOptions: { slackApiUrl: slack.url, retryConfig: { retries: 0 } },
    logger: quiet,
  });
  app.command('/mesh', async ({ ack, command, respond, client }) => {
    await ack();
    commandsSeen.push(command.text);
    await respond({ response_type: 'ephemeral', text: `ack: ${command.text}` });
    await client.chat.postEphemeral({ channel: command.channel_id, user: command.user_id, text: `ephemeral: ${command.text}` });
  });
  app.action('remediation_approve', async ({ ack, action }) => {
    // Recorded before ack, so it is in place by the time the HTTP response arrives.
    clicksSeen.push('value' in action ? String(action.value) : '');
    await ack();
  });
  const server = (await app.start(0)) as Server;
  eventsUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
});

afterAll(async () => {
  await app?.stop();
  await slack?.close();
});

function command(text: string): string {
  return slashCommandBody({ command: '/mesh', text, user_id: USER, user_name: 'oncall', channel_id: CHANNEL, team_id: slack.teamId, response_url: slack.responseUrl({ channel: CHANNEL, user: USER }), trigger_id: '1.2.3' });
}

describe('signRequest', () => {
  it('computes Slack v0 signatures (documented example)', () => {
    // The worked example from https://api.slack.com/authentication/verifying-requests-from-slack
    const body =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    expect(signRequest('8f742231b10e8888abcd99yyyzzz85a5', body, 1531420618)).toEqual({
      'x-slack-signature': 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
      'x-slack-request-timestamp': '1531420618',
    });
  });
});

describe('the real Bolt receiver', () => {
  it('refuses unsigned, wrongly signed and replayed requests with 401, and runs no listener', async () => {
    const unsigned = await postToBolt(eventsUrl, SIGNING_SECRET, command('unsigned'), { signature: null });
    const wrongSecret = await postToBolt(eventsUrl, 'not-the-secret', command('wrong-secret'));
    const forged = await postToBolt(eventsUrl, SIGNING_SECRET, command('forged'), { signature: `v0=${'0'.repeat(64)}` });
    const replayed = await postToBolt(eventsUrl, SIGNING_SECRET, command('replayed'), { timestamp: nowSeconds() - 6 * 60 });
    // Signed for one body, sent with another: the signature covers the whole body.
    const tampered = await fetch(eventsUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...signRequest(SIGNING_SECRET, command('original')) },
      body: command('tampered'),
    });
    expect([unsigned.status, wrongSecret.status, forged.status, replayed.status, tampered.status]).toEqual([401, 401, 401, 401, 401]);

    // A correctly signed request afterwards is the first and only one any listener sees.
    const good = await postToBolt(eventsUrl, SIGNING_SECRET, command('diagnose prod-east'));
    expect(good.status).toBe(200);
    await slack.waitFor((s) => s.ephemerals(CHANNEL).find((m) => m.text === 'ephemeral: diagnose prod-east'));
    expect(commandsSeen).toEqual(['diagnose prod-east']);
  });

  it('runs the listener for a correctly signed slash command: respond() and chat.postEphemeral reach the fake', async () => {
    const res = await postToBolt(eventsUrl, SIGNING_SECRET, command('clusters'));
    expect(res.status).toBe(200);
    const seen = await slack.waitFor((s) => {
      const texts = s.ephemerals(CHANNEL).map((m) => `${m.via}: ${m.text}`);
      return texts.includes('response_url: ack: clusters') && texts.includes('chat.postEphemeral: ephemeral: clusters') ? texts : undefined;
    });
    expect(seen).toContain('response_url: ack: clusters');
    expect(commandsSeen).toContain('clusters');
    expect(slack.calls.some((c) => c.method === 'auth.test' && c.ok)).toBe(true);
  });

  it('accepts a signed block_actions payload and hands the button value to the listener', async () => {
    const payload = buttonClickPayload({ actionId: 'remediation_approve', value: 'prop-123', messageTs: '1700000000.000100', responseUrl: slack.responseUrl({ channel: CHANNEL, user: USER }) });
    const refused = await postToBolt(eventsUrl, SIGNING_SECRET, blockActionsBody(payload), { timestamp: nowSeconds() - 301 });
    expect(refused.status).toBe(401);
    const accepted = await postToBolt(eventsUrl, SIGNING_SECRET, blockActionsBody(payload));
    expect(accepted.status).toBe(200);
    expect(clicksSeen).toEqual(['prop-123']);
  });
});
