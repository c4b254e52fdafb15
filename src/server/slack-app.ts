// The Bolt App: HTTP mode (an HTTPReceiver whose request listener our own server mounts at
// /slack/events) or Socket Mode when an app-level token is set. Socket Mode is wired but only
// exercised against real Slack: the tests run in HTTP mode against the local fake Web API.
// In HTTP mode every request is signature-checked here first; slash commands are then answered
// without Bolt's dispatch (src/slack/direct-commands.ts) and everything else goes to Bolt.

import { createSecretKey } from 'node:crypto';
import type { IncomingMessage, RequestListener } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import { App, HTTPReceiver } from '@slack/bolt';
import type { SlackCredentials } from '../config/env.ts';
import { answerCommandsDirectly, type SlashCommandTable } from '../slack/direct-commands.ts';
import { checkSlackSignature } from '../slack/signature.ts';
import { readBoundedBytes } from './bounded-body.ts';
import { SLACK_EVENTS_PATH } from './http-server.ts';
import { boltLogger, type Logger } from './logger.ts';

export interface SlackApp {
  app: App;
  /**
   * HTTP mode: the listener to mount at /slack/events, given the slash commands to answer without
   * Bolt's dispatch (every request is signature-checked first). Undefined in Socket Mode.
   */
  eventsListener?: (commands: SlashCommandTable) => RequestListener;
  socketMode: boolean;
}

/**
 * Bolt's conversation store is off: no listener reads `context.conversation`, and its in-memory
 * store rejects every lookup with a fresh Error (a stack trace per request).
 */
const LEAN_APP_OPTIONS = { convoStore: false } as const;

export function createSlackApp(creds: SlackCredentials, logger: Logger): SlackApp {
  const log = boltLogger(logger);
  const clientOptions = {
    ...(creds.apiUrl ? { slackApiUrl: creds.apiUrl } : {}),
    retryConfig: { retries: 1, factor: 1, minTimeout: 200, maxTimeout: 500 },
  };
  if (creds.appToken) {
    const app = new App({ token: creds.botToken, appToken: creds.appToken, socketMode: true, clientOptions, logger: log, ...LEAN_APP_OPTIONS });
    return { app, socketMode: true };
  }
  // processBeforeResponse stays false: the HTTP response goes out at ack(), work continues after.
  // Signatures are checked by verifySlackRequests in front of the receiver, never skipped.
  const receiver = new HTTPReceiver({
    signingSecret: creds.signingSecret,
    signatureVerification: false,
    endpoints: SLACK_EVENTS_PATH,
    processBeforeResponse: false,
    logger: log,
  });
  const app = new App({ token: creds.botToken, receiver, clientOptions, logger: log, ...LEAN_APP_OPTIONS });
  const eventsListener = (commands: SlashCommandTable) =>
    verifySlackRequests(answerCommandsDirectly(commands, receiver.requestListener, { logger }), creds.signingSecret, logger);
  return { app, eventsListener, socketMode: false };
}

/** Bolt's default limit on a request body. */
export const BODY_LIMIT_BYTES = 4 * 1024 * 1024;

type BufferedRequest = IncomingMessage & { rawBody?: Buffer };

/**
 * Reads the body, answers Slack's unsigned `ssl_check` and refuses unsigned, wrongly signed,
 * stale or future-dated requests (401) before Bolt sees them; Bolt then takes the body we read
 * (it reuses `req.rawBody`) with its own, costlier, check switched off. See src/slack/signature.ts.
 */
export function verifySlackRequests(listener: RequestListener, signingSecret: string, logger: Logger, now: () => number = Date.now): RequestListener {
  const key = createSecretKey(Buffer.from(signingSecret, 'utf8'));
  return (req, res) => {
    readBoundedBytes(req, BODY_LIMIT_BYTES).then(
      (read) => {
        if (!read.ok) return void (read.problem === 'too-large' ? res.writeHead(413).end() : res.destroy());
        const body = read.body;
        if (isSslCheck(req, body)) return void res.writeHead(200).end();
        const headers = { signature: header(req, 'x-slack-signature'), timestamp: header(req, 'x-slack-request-timestamp') };
        const refusal = checkSlackSignature(key, headers, body, now());
        if (refusal) {
          logger.warn({ code: 'SLACK_SIGNATURE_REFUSED', reason: refusal }, 'refused a request to /slack/events: not signed by Slack');
          return void res.writeHead(401, { 'content-type': 'text/plain' }).end(refusal === 'future' ? 'request timestamp is in the future' : 'invalid signature');
        }
        (req as BufferedRequest).rawBody = body;
        listener(req, res);
      },
      () => void res.writeHead(400).end(),
    ).catch((err: unknown) => {
      logger.error({ code: 'SLACK_EVENTS_FAILED', err: err instanceof Error ? err.message : String(err) }, '/slack/events handler failed');
      if (!res.headersSent) res.writeHead(500).end();
    });
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
}

/** Slack's ssl_check post is two short fields; a longer body is never one (it is then verified). */
const SSL_CHECK_MAX_BYTES = 1024;

/** Slack's `ssl_check=1` form post is unsigned by design; it is answered and nothing else runs. */
function isSslCheck(req: IncomingMessage, body: Buffer): boolean {
  if (req.headers['content-type'] !== 'application/x-www-form-urlencoded' || body.length > SSL_CHECK_MAX_BYTES || !body.includes('ssl_check')) return false;
  return parseQuery(body.toString('utf8')).ssl_check === '1';
}
