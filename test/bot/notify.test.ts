// Posting within Slack's limits against the fake Web API: a 429 on a message that must land is
// waited out and the message lands once; a best-effort edit is skipped instead; errors name the
// method and Slack's code, and those a retry cannot fix are marked so.

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ChannelPacer, createSlackClient, SlackApiError, SlackNotifier } from '../../src/slack/notify.ts';
import { type RunningFakeSlackApi, startFakeSlackApi } from '../fakes/slack-api.ts';

const CHANNEL = 'C0NOTIFY01';
let slack: RunningFakeSlackApi;
let notifier: SlackNotifier;
const failures: SlackApiError[] = [];

beforeAll(async () => {
  slack = await startFakeSlackApi();
  const client = createSlackClient({ botToken: slack.botToken, signingSecret: 'unused-here', apiUrl: slack.url });
  notifier = new SlackNotifier(client, { intervalMs: 20, burst: 2, onError: (e) => failures.push(e) });
});

afterAll(async () => {
  await slack?.close();
});

beforeEach(() => {
  slack.reset();
  failures.length = 0;
});

const message = (text: string) => ({ text, blocks: [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text } }] });

describe('SlackNotifier', () => {
  it('waits out a 429 and posts the message exactly once', async () => {
    slack.rateLimit('chat.postMessage', { retryAfterSeconds: 1, times: 1 });
    const ts = await notifier.post(CHANNEL, message('report part 1'));
    const posted = slack.messages(CHANNEL);
    expect(posted.map((m) => m.text)).toEqual(['report part 1']);
    expect(posted[0]?.ts).toBe(ts);
    expect(slack.calls.map((c) => `${c.method}:${c.httpStatus}`)).toEqual(['chat.postMessage:429', 'chat.postMessage:200']);
  });

  it('skips a best-effort edit that is rate limited, and reports it', async () => {
    const ts = await notifier.post(CHANNEL, message('Diagnosing prod-east: reading the cluster for 21 checks'));
    slack.rateLimit('chat.update', { retryAfterSeconds: 30 });
    expect(await notifier.update(CHANNEL, ts, message('3/21 checks done'), { bestEffort: true })).toBe(false);
    expect(slack.messages(CHANNEL)[0]?.text).toBe('Diagnosing prod-east: reading the cluster for 21 checks');
    expect(failures.map((f) => `${f.method}:${f.slackError}`)).toEqual(['chat.update:ratelimited']);
  });

  it('fails loudly, naming the method and the error, and marks what a retry cannot fix', async () => {
    slack.failNext('chat.postMessage', 'not_in_channel');
    const err = await notifier.post(CHANNEL, message('x')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SlackApiError);
    expect(err).toMatchObject({ method: 'chat.postMessage', slackError: 'not_in_channel', unrecoverable: true, message: 'Slack chat.postMessage failed: not_in_channel' });

    slack.failNext('chat.postMessage', 'internal_error');
    await expect(notifier.post(CHANNEL, message('y'))).rejects.toMatchObject({ slackError: 'internal_error', unrecoverable: false });
    expect(failures).toHaveLength(2);
  });

  it('keeps the order of posts to one channel while pacing them', async () => {
    const texts = ['part 1', 'part 2', 'part 3', 'part 4', 'part 5'];
    await Promise.all(texts.map((t) => notifier.post(CHANNEL, message(t))));
    expect(slack.messages(CHANNEL).map((m) => m.text)).toEqual(texts);
  });

  it('answers through a response_url, and names a dead one', async () => {
    const url = slack.responseUrl({ channel: CHANNEL, user: 'U0ONCALL01' });
    await notifier.respond(url, { response_type: 'ephemeral', ...message('only you can see this') });
    expect(slack.ephemerals(CHANNEL).map((m) => `${m.user}: ${m.text}`)).toEqual(['U0ONCALL01: only you can see this']);
    await expect(notifier.respond(`${slack.url.replace('api/', 'response/')}gone-1`, { response_type: 'ephemeral', ...message('x') })).rejects.toMatchObject({
      method: 'response_url',
      slackError: 'http_404',
    });
  });
});

describe('ChannelPacer', () => {
  it('lets a burst through, then one per interval, in order', async () => {
    const pacer = new ChannelPacer(10, 2);
    const order: number[] = [];
    await Promise.all([1, 2, 3, 4].map((n) => pacer.take('C1').then(() => order.push(n))));
    expect(order).toEqual([1, 2, 3, 4]);
  });
});
