// Sending requests to a Bolt receiver the way Slack does: signed with the app's signing secret
// (https://api.slack.com/authentication/verifying-requests-from-slack), as form posts for slash
// commands and `payload=<JSON>` form posts for interactive components. The local Slack emulator
// signs what its page sends with these (server-side: the secret never reaches the browser), and
// the tests use them to talk to the real Bolt receiver.

import { createHmac } from 'node:crypto';

export interface SignatureHeaders {
  'x-slack-signature': string;
  'x-slack-request-timestamp': string;
}

/** Seconds since the epoch, as Slack puts in `x-slack-request-timestamp`. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** `v0=` + HMAC-SHA256(secret, `v0:{timestamp}:{rawBody}`). */
export function signRequest(signingSecret: string, rawBody: string, timestamp: number = nowSeconds()): SignatureHeaders {
  const digest = createHmac('sha256', signingSecret).update(`v0:${timestamp}:${rawBody}`).digest('hex');
  return { 'x-slack-signature': `v0=${digest}`, 'x-slack-request-timestamp': String(timestamp) };
}

export interface SlashCommand {
  command?: string;
  text: string;
  user_id?: string;
  user_name?: string;
  channel_id?: string;
  channel_name?: string;
  team_id?: string;
  team_domain?: string;
  response_url: string;
  trigger_id?: string;
  api_app_id?: string;
}

/** The form-encoded body Slack posts for a slash command. */
export function slashCommandBody(c: SlashCommand): string {
  return new URLSearchParams({
    token: 'deprecated-verification-token',
    team_id: c.team_id ?? 'T0FAKE0001',
    team_domain: c.team_domain ?? 'mesh-medic-fake',
    channel_id: c.channel_id ?? 'C0INCIDENTS',
    channel_name: c.channel_name ?? 'incidents',
    user_id: c.user_id ?? 'U0ONCALL01',
    user_name: c.user_name ?? 'oncall',
    command: c.command ?? '/mesh',
    text: c.text,
    api_app_id: c.api_app_id ?? 'A0MESHMEDIC',
    is_enterprise_install: 'false',
    response_url: c.response_url,
    trigger_id: c.trigger_id ?? `${Date.now()}.1234.fake`,
  }).toString();
}

/** The form-encoded body Slack posts for an interactive payload (`payload=<JSON>`). */
export function blockActionsBody(payload: unknown): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

export interface ButtonClick {
  actionId: string;
  value: string;
  userId?: string;
  userName?: string;
  channelId?: string;
  teamId?: string;
  /** The message the button is on. */
  messageTs: string;
  responseUrl: string;
  triggerId?: string;
  blockId?: string;
}

/** A `block_actions` payload for one button click, shaped like Slack's. */
export function buttonClickPayload(c: ButtonClick): Record<string, unknown> {
  const user = { id: c.userId ?? 'U0ONCALL01', username: c.userName ?? 'oncall', name: c.userName ?? 'oncall', team_id: c.teamId ?? 'T0FAKE0001' };
  return {
    type: 'block_actions',
    user,
    api_app_id: 'A0MESHMEDIC',
    token: 'deprecated-verification-token',
    container: { type: 'message', message_ts: c.messageTs, channel_id: c.channelId ?? 'C0INCIDENTS', is_ephemeral: false },
    trigger_id: c.triggerId ?? `${Date.now()}.5678.fake`,
    team: { id: c.teamId ?? 'T0FAKE0001', domain: 'mesh-medic-fake' },
    channel: { id: c.channelId ?? 'C0INCIDENTS', name: 'incidents' },
    message: { type: 'message', ts: c.messageTs, text: '' },
    response_url: c.responseUrl,
    actions: [
      {
        type: 'button',
        action_id: c.actionId,
        block_id: c.blockId ?? 'fake-block',
        value: c.value,
        text: { type: 'plain_text', text: c.actionId },
        action_ts: `${nowSeconds()}.000001`,
      },
    ],
  };
}

export interface PostOptions {
  /** Signing time in seconds since the epoch (default: now). */
  timestamp?: number;
  /** Overrides the computed signature; `null` sends no signature headers at all. */
  signature?: string | null;
  /** Default: JSON when the body starts with `{` (Events API), form otherwise. */
  contentType?: string;
  /** Abort the request after this long (Slack gives an app 3 s); default: no limit. */
  timeoutMs?: number;
}

export interface BoltResponse {
  status: number;
  body: string;
  /** The response's `content-type` header, if it had one. */
  contentType?: string;
}

/** Posts `body` to a Bolt receiver URL, signed (or deliberately not) as Slack would. */
export async function postToBolt(url: string, signingSecret: string, body: string, opts: PostOptions = {}): Promise<BoltResponse> {
  const contentType = opts.contentType ?? (body.trimStart().startsWith('{') ? 'application/json' : 'application/x-www-form-urlencoded');
  const headers: Record<string, string> = { 'content-type': contentType };
  if (opts.signature !== null) {
    const signed = signRequest(signingSecret, body, opts.timestamp);
    headers['x-slack-request-timestamp'] = signed['x-slack-request-timestamp'];
    headers['x-slack-signature'] = opts.signature ?? signed['x-slack-signature'];
  }
  const signal = opts.timeoutMs === undefined ? undefined : AbortSignal.timeout(opts.timeoutMs);
  const res = await fetch(url, { method: 'POST', headers, body, ...(signal ? { signal } : {}) });
  const type = res.headers.get('content-type');
  return { status: res.status, body: await res.text(), ...(type ? { contentType: type } : {}) };
}
