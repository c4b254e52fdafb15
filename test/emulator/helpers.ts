// The emulator on its own server with a real Bolt app behind it, and the page's requests.

import { type RunningSlackEmulator, startSlackEmulator } from '../../src/sandbox/slack-emulator/index.ts';
import { type DemoBot, startDemoBot } from './demo-bot.ts';

// Distinctive values, so a test can search everything the page receives for them.
export const SIGNING_SECRET = 'sandbox-signing-secret-7f3a9c41d2';
export const BOT_TOKEN = 'xoxb-sandbox-bot-token-5e8b2a6d90';
export const ALERTS = 'C0MESHALERT';
export const ALICE = 'U0SRE1';
export const BOB = 'U0SRE2';

export interface Rig {
  emulator: RunningSlackEmulator;
  bot: DemoBot;
  close(): Promise<void>;
}

/** Emulator first (Bolt calls auth.test when it is constructed), then the bot, then wire them up. */
export async function startRig(opts: { signingSecret?: string } = {}): Promise<Rig> {
  const emulator = await startSlackEmulator({
    // Replaced below, once the bot listens: port 9 (discard) would refuse anything sent early.
    botUrl: 'http://127.0.0.1:9/slack/events',
    signingSecret: opts.signingSecret ?? SIGNING_SECRET,
    botToken: BOT_TOKEN,
    // Slack's 3 s, with room for a 2-core machine running other tests.
    ackTimeoutMs: 15_000,
  });
  const bot = await startDemoBot({ slackApiUrl: emulator.webApi.url, signingSecret: SIGNING_SECRET, botToken: BOT_TOKEN });
  emulator.botUrl = bot.url;
  return {
    emulator,
    bot,
    close: async () => {
      await bot.close();
      await emulator.close();
    },
  };
}

export interface PageAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** A request as the emulator page sends it (JSON, same origin). */
export async function pagePost(baseUrl: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<PageAnswer> {
  const res = await fetch(new URL(path, baseUrl), { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
