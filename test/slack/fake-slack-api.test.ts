import { LogLevel, type Logger, WebClient, type WebAPICallError } from '@slack/web-api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { renderReport } from '../../src/slack/render/index.ts';
import { type RunningFakeSlackApi, startFakeSlackApi } from '../fakes/slack-api.ts';
import { finding, longEvidence, playbookFor, report } from './fixtures.ts';

// The WebClient logs every refused call at ERROR level; these tests provoke refusals on purpose.
const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, setLevel() {}, getLevel: () => LogLevel.ERROR, setName() {} };
const clientFor = (token: string | undefined, url: string) => new WebClient(token, { slackApiUrl: url, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, logger: quiet });

let slack: RunningFakeSlackApi;
let client: WebClient;
const CHANNEL = 'C0INCIDENTS';

beforeAll(async () => {
  slack = await startFakeSlackApi({ botToken: 'xoxb-test-token' });
  client = clientFor('xoxb-test-token', slack.url);
});
afterAll(async () => {
  await slack.close();
});
beforeEach(() => slack.reset());

/** The Slack error code a rejected WebClient call carries. */
async function slackError(call: Promise<unknown>): Promise<string | undefined> {
  try {
    await call;
    return undefined;
  } catch (err) {
    return (err as WebAPICallError & { data?: { error?: string } }).data?.error ?? (err as Error).message;
  }
}

describe('fake Slack Web API with the real WebClient', () => {
  it('answers auth.test with the bot identity, under an /api/ base URL', async () => {
    expect(slack.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/$/);
    const auth = await client.auth.test();
    expect(auth).toMatchObject({ ok: true, user_id: slack.botUserId, team_id: slack.teamId });
  });

  it('refuses a wrong or missing token, and never records the token', async () => {
    const wrong = clientFor('xoxb-wrong', slack.url);
    expect(await slackError(wrong.chat.postMessage({ channel: CHANNEL, text: 'hi' }))).toBe('invalid_auth');
    const none = clientFor(undefined, slack.url);
    expect(await slackError(none.auth.test())).toBe('not_authed');
    await client.chat.postMessage({ channel: CHANNEL, text: 'hi' });
    expect(slack.messages(CHANNEL).map((m) => m.text)).toEqual(['hi']);
    expect(JSON.stringify(slack.calls)).not.toContain('xoxb-');
  });

  it('keeps a thread with its edits as a person would see it; blocks arrive as a JSON form field', async () => {
    const parent = await client.chat.postMessage({ channel: CHANNEL, text: 'Diagnosing prod-east: reading the cluster for 21 checks', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'queued' } }] });
    expect(parent.ts).toBe('1700000000.000100');
    const reply = await client.chat.postMessage({ channel: CHANNEL, thread_ts: parent.ts!, text: 'report' });
    expect(reply.ts).toBe('1700000000.000200');
    await client.chat.update({ channel: CHANNEL, ts: parent.ts!, text: 'prod-east: 2 failing checks' });
    // A reply to a reply lands in the parent's thread.
    await client.chat.postMessage({ channel: CHANNEL, thread_ts: reply.ts!, text: 'more' });

    const thread = slack.thread(CHANNEL, parent.ts!);
    expect(thread.map((m) => m.text)).toEqual(['prod-east: 2 failing checks', 'report', 'more']);
    // chat.update without blocks keeps the old ones, as Slack does.
    expect(thread[0]!.blocks).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: 'queued' } }]);
    expect(thread[0]!.edits.map((e) => e.text)).toEqual(['Diagnosing prod-east: reading the cluster for 21 checks']);
    const post = slack.calls.find((c) => c.method === 'chat.postMessage')!;
    expect(post.contentType).toBe('form');
    expect(post.args.blocks).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: 'queued' } }]);
  });

  it('accepts JSON bodies too', async () => {
    const res = await fetch(`${slack.url}chat.postMessage`, {
      method: 'POST',
      headers: { authorization: 'Bearer xoxb-test-token', 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ channel: CHANNEL, text: 'json', blocks: [{ type: 'divider' }] }),
    });
    expect(await res.json()).toMatchObject({ ok: true, channel: CHANNEL });
    expect(slack.messages(CHANNEL)[0]).toMatchObject({ text: 'json', blocks: [{ type: 'divider' }] });
    expect(slack.calls[0]!.contentType).toBe('json');
  });

  it('posts every message of a large rendered report without a rejection', async () => {
    const failing = Array.from({ length: 60 }, (_, i) => finding(`check-${i}`, { evidence: longEvidence(30, `c${i}`) }));
    const messages = renderReport(report(failing), playbookFor);
    const parent = await client.chat.postMessage({ channel: CHANNEL, text: 'parent' });
    for (const m of messages) await client.chat.postMessage({ channel: CHANNEL, thread_ts: parent.ts!, text: m.text, blocks: m.blocks });
    const replies = slack.thread(CHANNEL, parent.ts!).slice(1);
    expect(replies).toHaveLength(messages.length);
    const body = JSON.stringify(replies.map((r) => r.blocks));
    for (let i = 0; i < 60; i++) expect(body).toContain(`\`check-${i}\``);
  });

  it('refuses what real Slack refuses: too many blocks, oversized sections, no channel, no text', async () => {
    const divider = { type: 'divider' };
    expect(await slackError(client.chat.postMessage({ channel: CHANNEL, text: 'x', blocks: Array(51).fill(divider) }))).toBe('invalid_blocks');
    expect(await slackError(client.chat.postMessage({ channel: CHANNEL, text: 'x', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'a'.repeat(3001) } }] }))).toBe('invalid_blocks');
    expect(await slackError(client.chat.postMessage({ channel: CHANNEL, text: 'x', blocks: [{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }] }))).toBe('invalid_blocks');
    expect(await slackError(client.chat.postMessage({ channel: '', text: 'x' }))).toBe('channel_not_found');
    expect(await slackError(client.chat.postMessage({ channel: CHANNEL, text: '' }))).toBe('no_text');
    expect(await slackError(client.chat.postMessage({ channel: CHANNEL, text: 'x', thread_ts: '1.000001' }))).toBe('thread_not_found');
    expect(await slackError(client.chat.update({ channel: CHANNEL, ts: '1.000001', text: 'x' }))).toBe('channel_not_found');
    expect(slack.messages()).toEqual([]);
    const rejected = slack.calls.find((c) => c.error === 'invalid_blocks')!;
    expect(rejected.ok).toBe(false);
    // 50 blocks and a 3,000-character section are fine.
    await client.chat.postMessage({ channel: CHANNEL, text: 'x', blocks: [...Array(49).fill(divider), { type: 'section', text: { type: 'mrkdwn', text: 'a'.repeat(3000) } }] });
    expect(slack.messages(CHANNEL)).toHaveLength(1);
  });

  it('answers unknown methods with unknown_method', async () => {
    expect(await slackError(client.apiCall('chat.frobnicate', { channel: CHANNEL }))).toBe('unknown_method');
  });

  it('handles ephemerals, deletes, views, conversations.info and users.info', async () => {
    const e = await client.chat.postEphemeral({ channel: CHANNEL, user: 'U0ONCALL01', text: 'only you' });
    expect(e.message_ts).toBeDefined();
    expect(slack.ephemerals(CHANNEL)).toMatchObject([{ user: 'U0ONCALL01', text: 'only you', via: 'chat.postEphemeral' }]);
    expect(await slackError(client.chat.postEphemeral({ channel: CHANNEL, user: '', text: 'x' }))).toBe('user_not_found');

    const posted = await client.chat.postMessage({ channel: CHANNEL, text: 'to delete' });
    await client.chat.delete({ channel: CHANNEL, ts: posted.ts! });
    expect(slack.messages(CHANNEL)).toEqual([]);
    expect(await slackError(client.chat.delete({ channel: CHANNEL, ts: posted.ts! }))).toBe('message_not_found');

    const view = { type: 'modal' as const, title: { type: 'plain_text' as const, text: 'Approve fix' }, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'patch' } }] };
    const opened = await client.views.open({ trigger_id: '123.456', view });
    const id = opened.view!.id!;
    await client.views.update({ view_id: id, view: { ...view, title: { type: 'plain_text', text: 'Applied' } } });
    expect(slack.views()).toMatchObject([{ id, view: { title: { text: 'Applied' } }, history: [{ title: { text: 'Approve fix' } }] }]);
    expect(await slackError(client.views.open({ trigger_id: '', view }))).toBe('invalid_trigger_id');
    expect(await slackError(client.views.update({ view_id: 'VNOPE', view }))).toBe('not_found');

    expect(await client.conversations.info({ channel: CHANNEL })).toMatchObject({ ok: true, channel: { id: CHANNEL } });
    expect(await slackError(client.conversations.info({ channel: 'not a channel' }))).toBe('channel_not_found');
    slack.addUser({ id: 'U0ONCALL01', name: 'oncall', real_name: 'On Call' });
    expect(await client.users.info({ user: 'U0ONCALL01' })).toMatchObject({ ok: true, user: { id: 'U0ONCALL01', name: 'oncall', real_name: 'On Call' } });
    expect(await slackError(client.users.info({ user: 'nobody' }))).toBe('user_not_found');
  });

  it('injects failures for the next calls of one method only', async () => {
    slack.failNext('chat.update', 'message_not_found');
    slack.failNext('chat.postMessage', 'channel_is_archived', 2);
    expect(await slackError(client.chat.postMessage({ channel: CHANNEL, text: '1' }))).toBe('channel_is_archived');
    expect(await slackError(client.chat.postMessage({ channel: CHANNEL, text: '2' }))).toBe('channel_is_archived');
    const ok = await client.chat.postMessage({ channel: CHANNEL, text: '3' });
    expect(await slackError(client.chat.update({ channel: CHANNEL, ts: ok.ts!, text: 'x' }))).toBe('message_not_found');
    await client.chat.update({ channel: CHANNEL, ts: ok.ts!, text: 'updated' });
    expect(slack.messages(CHANNEL).map((m) => m.text)).toEqual(['updated']);
  });

  it('rate-limits with HTTP 429 and Retry-After', async () => {
    slack.rateLimit('chat.postMessage', { retryAfterSeconds: 7, times: 1 });
    const err = await client.chat.postMessage({ channel: CHANNEL, text: 'x' }).catch((e: { code?: string; retryAfter?: number }) => e);
    expect(err).toMatchObject({ code: 'slack_webapi_rate_limited_error', retryAfter: 7 });
    expect(slack.calls.at(-1)).toMatchObject({ method: 'chat.postMessage', httpStatus: 429, ok: false, error: 'ratelimited' });
    await client.chat.postMessage({ channel: CHANNEL, text: 'after' });
    expect(slack.messages(CHANNEL).map((m) => m.text)).toEqual(['after']);
  });

  it('serves response URLs: ephemeral by default, in_channel and replace_original on request', async () => {
    const posted = await client.chat.postMessage({ channel: CHANNEL, text: 'with buttons' });
    const post = (url: string, body: unknown) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    await post(slack.responseUrl({ channel: CHANNEL, user: 'U0ONCALL01' }), { text: 'just you' });
    await post(slack.responseUrl({ channel: CHANNEL, user: 'U0ONCALL01' }), { text: 'everyone', response_type: 'in_channel' });
    await post(slack.responseUrl({ channel: CHANNEL, user: 'U0ONCALL01', messageTs: posted.ts! }), { text: 'approved by <@U0ONCALL01>', replace_original: true });
    expect(slack.ephemerals()).toMatchObject([{ text: 'just you', via: 'response_url', user: 'U0ONCALL01' }]);
    expect(slack.messages(CHANNEL).map((m) => m.text)).toEqual(['approved by <@U0ONCALL01>', 'everyone']);
    const expired = await post(`${slack.url.replace('/api/', '/response/')}r0-nothing`, { text: 'x' });
    expect(expired.status).toBe(404);
  });

  it('waitFor resolves on the change it waits for and fails with the calls seen', async () => {
    const waiting = slack.waitFor((s) => s.messages(CHANNEL).find((m) => m.text === 'done'));
    await client.chat.postMessage({ channel: CHANNEL, text: 'not yet' });
    await client.chat.postMessage({ channel: CHANNEL, text: 'done' });
    expect((await waiting).text).toBe('done');
    await expect(slack.waitFor((s) => s.messages('C0NOWHERE').length > 0, 50)).rejects.toThrow(/calls so far: chat\.postMessage, chat\.postMessage/);
  });
});
