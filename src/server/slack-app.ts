// The Bolt App: HTTP mode (an HTTPReceiver whose request listener our own server mounts at
// /slack/events) or Socket Mode when an app-level token is set. Socket Mode is wired but only
// exercised against real Slack: the tests run in HTTP mode against the local fake Web API.

import { App, HTTPReceiver } from '@slack/bolt';
import type { RequestListener } from 'node:http';
import type { SlackCredentials } from '../config/env.ts';
import { SLACK_EVENTS_PATH } from './http-server.ts';
import { boltLogger, type Logger } from './logger.ts';

export interface SlackApp {
  app: App;
  /** HTTP mode: mount this at /slack/events. Undefined in Socket Mode. */
  eventsListener?: RequestListener;
  socketMode: boolean;
}

export function createSlackApp(creds: SlackCredentials, logger: Logger): SlackApp {
  const log = boltLogger(logger);
  const clientOptions = {
    ...(creds.apiUrl ? { slackApiUrl: creds.apiUrl } : {}),
    retryConfig: { retries: 1, factor: 1, minTimeout: 200, maxTimeout: 500 },
  };
  if (creds.appToken) {
    const app = new App({ token: creds.botToken, appToken: creds.appToken, socketMode: true, clientOptions, logger: log });
    return { app, socketMode: true };
  }
  // processBeforeResponse stays false: the HTTP response goes out at ack(), work continues after.
  const receiver = new HTTPReceiver({
    signingSecret: creds.signingSecret,
    endpoints: SLACK_EVENTS_PATH,
    processBeforeResponse: false,
    logger: log,
  });
  const app = new App({ token: creds.botToken, receiver, clientOptions, logger: log });
  return { app, eventsListener: rejectFutureTimestamps(receiver.requestListener), socketMode: false };
}

/** Slack's replay window, in seconds, applied in both directions. */
export const MAX_CLOCK_SKEW_SECONDS = 300;

/**
 * Bolt refuses requests signed more than five minutes in the past but accepts any future
 * timestamp, so a captured request dated ahead would stay replayable for longer than Slack's
 * window. Refuse those before Bolt sees them, with the same 401 a stale request gets.
 */
export function rejectFutureTimestamps(listener: RequestListener, now: () => number = Date.now): RequestListener {
  return (req, res) => {
    const timestamp = Number(req.headers['x-slack-request-timestamp']);
    if (Number.isFinite(timestamp) && timestamp - now() / 1000 > MAX_CLOCK_SKEW_SECONDS) {
      res.writeHead(401, { 'content-type': 'text/plain' }).end('request timestamp is in the future');
      return;
    }
    listener(req, res);
  };
}
