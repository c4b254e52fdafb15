// Posting to the bot as Slack does: the body signed with the app's signing secret, and a verdict
// on the answer the way Slack judges it (3 s to answer, 200 or it failed). What Slack would show
// the user when it fails is the notice text ("/mesh failed with the error …").

import { type BoltResponse, postToBolt } from './signing.ts';

export interface BotEndpoint {
  /** Where Slack would post: the app's Request URL (`…/slack/events`). */
  url: string;
  signingSecret: string;
  /** How long Slack waits for the HTTP answer (3 s in Slack). */
  ackTimeoutMs: number;
}

export type BotAnswer = { ok: true; response: BoltResponse } | { ok: false; error: 'operation_timeout' | 'dispatch_failed'; detail: string };

/** Sends a form body signed as Slack would; never throws. */
export async function sendToBot(bot: BotEndpoint, body: string): Promise<BotAnswer> {
  try {
    const response = await postToBolt(bot.url, bot.signingSecret, body, { contentType: 'application/x-www-form-urlencoded', timeoutMs: bot.ackTimeoutMs });
    if (response.status === 200) return { ok: true, response };
    return { ok: false, error: 'dispatch_failed', detail: `the app answered HTTP ${response.status}${hint(response.status)}` };
  } catch (err) {
    const name = (err as Error).name;
    if (name === 'TimeoutError' || name === 'AbortError') {
      return { ok: false, error: 'operation_timeout', detail: `the app did not answer within ${bot.ackTimeoutMs} ms` };
    }
    return { ok: false, error: 'dispatch_failed', detail: `the app could not be reached at ${bot.url}` };
  }
}

function hint(status: number): string {
  if (status === 401) return ': the request signature was refused (signing secret mismatch?)';
  if (status === 404) return ': no Slack endpoint at that URL';
  return '';
}

/** A JSON object from the answer body, if it is one (Bolt answers `ack(message)` with JSON). */
export function jsonBody(response: BoltResponse): Record<string, unknown> | undefined {
  if (response.body.trim() === '') return undefined;
  try {
    const value: unknown = JSON.parse(response.body);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
