// Slash commands answered without Bolt's dispatch, behind our own signature check, on a real HTTP
// server: what Slack gets back for signed, unsigned, replayed, future-dated and ssl_check posts,
// that respond() reaches the response_url, and that everything else still reaches Bolt.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { App } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/server/logger.ts';
import { BODY_LIMIT_BYTES, createSlackApp } from '../../src/server/slack-app.ts';
import type { SlashCommandArgs, SlashCommandHandler } from '../../src/slack/direct-commands.ts';
import { type RunningFakeSlackApi, startFakeSlackApi } from '../fakes/slack-api.ts';
import { blockActionsBody, buttonClickPayload, nowSeconds, postToBolt, slashCommandBody } from '../helpers/slack-signing.ts';

const SIGNING_SECRET = 'direct-commands-secret-41aa';
const BOT_TOKEN = 'xoxb-direct-commands-test';
const CHANNEL = 'C0INCIDENTS';
const USER = 'U0ONCALL01';

let slack: RunningFakeSlackApi;
let app: App;
let server: Server;
let eventsUrl: string;
const seen: string[] = [];

// A handler shaped like /mesh's: answers in the ack, or acks empty and answers via respond().
const mesh: SlashCommandHandler = async ({ command, ack, respond }: SlashCommandArgs) => {
  seen.push(command.text);
  if (command.text === 'explode') throw new Error('boom before ack');
  if (command.text === 'silent') return;
  if (command.text === 'later') {
    await ack();
    await respond({ response_type: 'ephemeral', text: `later: ${command.user_id}` });
    return;
  }
  await ack({ response_type: 'ephemeral', text: `direct: ${command.text} in ${command.channel_id}` });
};

beforeAll(async () => {
  slack = await startFakeSlackApi({ botToken: BOT_TOKEN });
  const created = createSlackApp({ botToken: BOT_TOKEN, signingSecret: SIGNING_SECRET, apiUrl: slack.url }, silentLogger());
  app = created.app;
  // Bolt still serves everything that is not in the table, such as button clicks.
  app.action('remediation_approve', async ({ ack }) => {
    seen.push('button');
    await ack();
  });
  app.command('/other', async ({ ack, command }) => {
    await ack(`bolt: ${command.text}`);
  });
  const listener = created.eventsListener?.(new Map([['/mesh', mesh]]));
  if (!listener) throw new Error('HTTP mode expected');
  server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  eventsUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await slack?.close();
});

function command(text: string, name = '/mesh'): string {
  return slashCommandBody({ command: name, text, user_id: USER, channel_id: CHANNEL, team_id: slack.teamId, response_url: slack.responseUrl({ channel: CHANNEL, user: USER }) });
}

describe('slash commands answered directly', () => {
  it('acks a signed command with the handler\'s JSON answer', async () => {
    const res = await postToBolt(eventsUrl, SIGNING_SECRET, command('diagnose prod-east'));
    expect(res.status).toBe(200);
    expect(res.contentType).toBe('application/json');
    expect(JSON.parse(res.body)).toEqual({ response_type: 'ephemeral', text: `direct: diagnose prod-east in ${CHANNEL}` });
  });

  it('acks empty and delivers the later answer to the response_url', async () => {
    const res = await postToBolt(eventsUrl, SIGNING_SECRET, command('later'));
    expect(res).toMatchObject({ status: 200, body: '' });
    const answer = await slack.waitFor((s) => s.ephemerals(CHANNEL).find((m) => m.text === `later: ${USER}`));
    expect(answer.via).toBe('response_url');
  });

  it('refuses unsigned, wrongly signed, replayed and future-dated commands with 401 before the handler runs', async () => {
    const before = seen.length;
    const statuses = [
      (await postToBolt(eventsUrl, SIGNING_SECRET, command('unsigned'), { signature: null })).status,
      (await postToBolt(eventsUrl, 'not-the-secret', command('wrong-secret'))).status,
      (await postToBolt(eventsUrl, SIGNING_SECRET, command('forged'), { signature: `v0=${'0'.repeat(64)}` })).status,
      (await postToBolt(eventsUrl, SIGNING_SECRET, command('replayed'), { timestamp: nowSeconds() - 6 * 60 })).status,
      (await postToBolt(eventsUrl, SIGNING_SECRET, command('future'), { timestamp: nowSeconds() + 6 * 60 })).status,
    ];
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    expect(seen.slice(before)).toEqual([]);
  });

  it('refuses a body over 4 MB with 413 before checking it or running anything', async () => {
    const before = seen.length;
    const huge = `${command('huge')}&padding=${'x'.repeat(BODY_LIMIT_BYTES)}`;
    expect((await postToBolt(eventsUrl, SIGNING_SECRET, huge)).status).toBe(413);
    expect(seen.slice(before)).toEqual([]);
  });

  it('answers Slack\'s unsigned ssl_check with 200 and runs nothing, even with a command smuggled in', async () => {
    const before = seen.length;
    const res = await postToBolt(eventsUrl, SIGNING_SECRET, 'ssl_check=1&token=x&command=%2Fmesh&text=smuggled', { signature: null });
    expect(res).toMatchObject({ status: 200, body: '' });
    expect(seen.slice(before)).toEqual([]);
  });

  it('answers 500 when the handler fails or returns without acknowledging', async () => {
    expect((await postToBolt(eventsUrl, SIGNING_SECRET, command('explode'))).status).toBe(500);
    expect((await postToBolt(eventsUrl, SIGNING_SECRET, command('silent'))).status).toBe(500);
  });

  it('leaves button clicks and commands it does not know to Bolt', async () => {
    const payload = buttonClickPayload({ actionId: 'remediation_approve', value: 'p-1', messageTs: '1700000000.000100', responseUrl: slack.responseUrl({ channel: CHANNEL, user: USER }) });
    expect((await postToBolt(eventsUrl, SIGNING_SECRET, blockActionsBody(payload))).status).toBe(200);
    expect(seen).toContain('button');
    const before = seen.length;
    const other = await postToBolt(eventsUrl, SIGNING_SECRET, command('hello', '/other'));
    expect(other).toMatchObject({ status: 200, body: 'bolt: hello' });
    expect(seen.slice(before)).toEqual([]);
  });
});
