// Posting to Slack within Slack's limits, and never failing silently.
// - Pace: about one message per second per channel (a short burst is allowed), as Slack asks.
// - 429: the WebClient is built with `rejectRateLimitedCalls`, so a rate-limited call comes back
//   here instead of waiting inside the client; a call that must land waits `Retry-After` and tries
//   again (a bounded number of times), a best-effort one (a progress edit) is skipped.
// - Every other failure becomes a SlackApiError naming the method and Slack's error code; errors
//   that retrying cannot fix (not_in_channel, invalid_auth, ...) are marked unrecoverable.

import { webApi } from '@slack/bolt';
import type { SlackCredentials } from '../config/env.ts';
import { MeshMedicError } from '../domain/errors.ts';
import type { Logger } from '../server/logger.ts';
import type { EphemeralSlackMessage, SlackMessage } from './render/index.ts';

type WebClient = InstanceType<typeof webApi.WebClient>;

/** Slack error codes that the same call will get again, however often it is retried. */
const PERMANENT_ERRORS = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'missing_scope',
  'invalid_blocks',
  'invalid_blocks_format',
  'msg_too_long',
  'no_text',
  'message_not_found',
  'thread_not_found',
  'cant_update_message',
  'restricted_action',
  'user_not_found',
  'user_not_in_channel',
  'expired_url',
]);

export class SlackApiError extends MeshMedicError {
  readonly method: string;
  /** Slack's error code (`not_in_channel`), `ratelimited`, `http_<status>` or `request_failed`. */
  readonly slackError: string;

  constructor(method: string, slackError: string, options: { cause?: unknown } = {}) {
    super('SLACK_API', `Slack ${method} failed: ${slackError}`, { ...options, unrecoverable: PERMANENT_ERRORS.has(slackError) });
    this.name = 'SlackApiError';
    this.method = method;
    this.slackError = slackError;
  }
}

/** Where a posted message is: the channel ID (also when posted by channel name) and its ts. */
export interface PostedMessage {
  channel: string;
  ts: string;
}

export interface SlackPoster {
  /** Posts a message (a thread reply with `threadTs`); resolves with its ts. */
  post(channel: string, message: SlackMessage, opts?: { threadTs?: string }): Promise<string>;
  /** As post, resolving with the channel ID Slack answers with: `channel` may be a name (`#mesh-prod`),
   *  and chat.update and thread replies need the ID. */
  postMessage(channel: string, message: SlackMessage, opts?: { threadTs?: string }): Promise<PostedMessage>;
  /** Edits a message. With `bestEffort`, a rate limit or failure resolves false instead of throwing. */
  update(channel: string, ts: string, message: SlackMessage, opts?: { bestEffort?: boolean }): Promise<boolean>;
  postEphemeral(channel: string, user: string, message: SlackMessage, opts?: { threadTs?: string }): Promise<void>;
  /** Answers through a slash command's or button's response_url. */
  respond(responseUrl: string, message: EphemeralSlackMessage): Promise<void>;
}

export interface NotifierOptions {
  /** Minimum spacing of posts per channel once the burst is used (default 1000 ms). */
  intervalMs?: number;
  /** Posts a channel may get back to back (default 3). */
  burst?: number;
  /** How often a must-land call waits out a 429 before giving up (default 3). */
  rateLimitRetries?: number;
  /** Longest Retry-After honoured in place; longer ones fail the call (default 30 s). */
  maxRetryAfterMs?: number;
  logger?: Logger;
  /** Counts failures (metrics). */
  onError?: (err: SlackApiError) => void;
}

/** The Web API client the bot and workers post with: our base URL, 429s returned to us. */
export function createSlackClient(creds: SlackCredentials): WebClient {
  return new webApi.WebClient(creds.botToken, {
    ...(creds.apiUrl ? { slackApiUrl: creds.apiUrl } : {}),
    rejectRateLimitedCalls: true,
    // Network errors and 5xx are retried by the job (with backoff), not inside one request.
    retryConfig: { retries: 1, factor: 1, minTimeout: 200, maxTimeout: 500 },
    timeout: 10_000,
  });
}

export class SlackNotifier implements SlackPoster {
  private readonly pacer: ChannelPacer;
  private readonly rateLimitRetries: number;
  private readonly maxRetryAfterMs: number;

  constructor(
    private readonly client: WebClient,
    private readonly opts: NotifierOptions = {},
  ) {
    this.pacer = new ChannelPacer(opts.intervalMs ?? 1000, opts.burst ?? 3);
    this.rateLimitRetries = opts.rateLimitRetries ?? 3;
    this.maxRetryAfterMs = opts.maxRetryAfterMs ?? 30_000;
  }

  async post(channel: string, message: SlackMessage, opts: { threadTs?: string } = {}): Promise<string> {
    return (await this.postMessage(channel, message, opts)).ts;
  }

  async postMessage(channel: string, message: SlackMessage, opts: { threadTs?: string } = {}): Promise<PostedMessage> {
    const args = { channel, text: message.text, blocks: message.blocks, ...(opts.threadTs ? { thread_ts: opts.threadTs } : {}) };
    const result = await this.call('chat.postMessage', channel, () => this.client.chat.postMessage(args));
    if (typeof result.ts !== 'string') throw this.failed(new SlackApiError('chat.postMessage', 'no_ts_in_response'));
    // Slack answers with the conversation ID, also when it was given a channel name.
    return { channel: typeof result.channel === 'string' && result.channel !== '' ? result.channel : channel, ts: result.ts };
  }

  async update(channel: string, ts: string, message: SlackMessage, opts: { bestEffort?: boolean } = {}): Promise<boolean> {
    const call = () => this.client.chat.update({ channel, ts, text: message.text, blocks: message.blocks });
    if (!opts.bestEffort) {
      await this.call('chat.update', undefined, call);
      return true;
    }
    try {
      await call();
      return true;
    } catch (err) {
      const e = toSlackApiError('chat.update', err);
      this.opts.onError?.(e);
      this.opts.logger?.debug({ method: e.method, slackError: e.slackError }, 'best-effort Slack update skipped');
      return false;
    }
  }

  async postEphemeral(channel: string, user: string, message: SlackMessage, opts: { threadTs?: string } = {}): Promise<void> {
    const args = { channel, user, text: message.text, blocks: message.blocks, ...(opts.threadTs ? { thread_ts: opts.threadTs } : {}) };
    await this.call('chat.postEphemeral', channel, () => this.client.chat.postEphemeral(args));
  }

  async respond(responseUrl: string, message: EphemeralSlackMessage): Promise<void> {
    let res: Response;
    try {
      res = await fetch(responseUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(message),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (err) {
      throw this.failed(new SlackApiError('response_url', 'request_failed', { cause: err }));
    }
    if (!res.ok) throw this.failed(new SlackApiError('response_url', `http_${res.status}`));
  }

  /** Paces posts per channel, waits out 429s a bounded number of times, names every failure. */
  private async call<T>(method: string, channel: string | undefined, fn: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      if (channel) await this.pacer.take(channel);
      try {
        return await fn();
      } catch (err) {
        const waitMs = retryAfterMs(err);
        if (waitMs !== undefined && attempt < this.rateLimitRetries && waitMs <= this.maxRetryAfterMs) {
          this.opts.logger?.warn({ method, retryAfterMs: waitMs }, 'Slack rate limit: waiting before retrying');
          if (channel) this.pacer.pause(channel, waitMs);
          else await sleep(waitMs);
          continue;
        }
        throw this.failed(toSlackApiError(method, err));
      }
    }
  }

  private failed(err: SlackApiError): SlackApiError {
    this.opts.onError?.(err);
    this.opts.logger?.warn({ method: err.method, slackError: err.slackError }, 'Slack API call failed');
    return err;
  }
}

function retryAfterMs(err: unknown): number | undefined {
  if (err instanceof webApi.WebAPIRateLimitedError) return Math.max(0, err.retryAfter) * 1000;
  return undefined;
}

export function toSlackApiError(method: string, err: unknown): SlackApiError {
  if (err instanceof SlackApiError) return err;
  if (err instanceof webApi.WebAPIPlatformError) return new SlackApiError(method, err.data.error, { cause: err });
  if (err instanceof webApi.WebAPIRateLimitedError) return new SlackApiError(method, 'ratelimited', { cause: err });
  if (err instanceof webApi.WebAPIHTTPError) return new SlackApiError(method, `http_${err.statusCode}`, { cause: err });
  return new SlackApiError(method, 'request_failed', { cause: err });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A token bucket per channel: `burst` posts at once, then one per `intervalMs`. Callers of one
 * channel are served in order, so report parts keep their order.
 */
export class ChannelPacer {
  private readonly buckets = new Map<string, { tokens: number; refilledAt: number; pausedUntil: number; queue: Promise<void> }>();

  constructor(
    private readonly intervalMs: number,
    private readonly burst: number,
  ) {}

  take(channel: string): Promise<void> {
    const bucket = this.bucket(channel);
    const turn = bucket.queue.then(() => this.waitForToken(channel));
    bucket.queue = turn.catch(() => undefined);
    return turn;
  }

  /** No posts to `channel` for `ms` (Slack said so). */
  pause(channel: string, ms: number): void {
    const bucket = this.bucket(channel);
    bucket.pausedUntil = Math.max(bucket.pausedUntil, Date.now() + ms);
    bucket.tokens = 0;
  }

  private async waitForToken(channel: string): Promise<void> {
    const bucket = this.bucket(channel);
    for (;;) {
      const now = Date.now();
      if (now < bucket.pausedUntil) {
        await sleep(bucket.pausedUntil - now);
        continue;
      }
      const earned = Math.floor((now - bucket.refilledAt) / this.intervalMs);
      if (earned > 0) {
        bucket.tokens = Math.min(this.burst, bucket.tokens + earned);
        bucket.refilledAt += earned * this.intervalMs;
      }
      if (bucket.tokens > 0) {
        bucket.tokens--;
        return;
      }
      await sleep(bucket.refilledAt + this.intervalMs - now);
    }
  }

  private bucket(channel: string) {
    let b = this.buckets.get(channel);
    if (!b) {
      b = { tokens: this.burst, refilledAt: Date.now(), pausedUntil: 0, queue: Promise.resolve() };
      this.buckets.set(channel, b);
    }
    return b;
  }
}
