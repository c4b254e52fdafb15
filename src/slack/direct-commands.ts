// Slash commands answered without Bolt's dispatch (HTTP mode). A slash command is the one request
// with a hard deadline (Slack shows an error after 3 s) and it arrives in bursts during an
// incident; Bolt's per-event work (building the context, authorize, the global middleware chain,
// an ack object with its own timer, matching every registered listener) cost more CPU than the
// command itself, so 200 commands at once queued behind each other on the event loop.
//
// Only requests whose signature was already verified reach this listener (see
// verifySlackRequests in src/server/slack-app.ts). The handlers are the same functions registered
// with Bolt (Socket Mode still goes through Bolt), called with the arguments they use: the command,
// ack() and respond(), both with Bolt's semantics. Every other request (interactive payloads,
// events, commands not in the table) goes to Bolt unchanged.

import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import type { RespondArguments, SlashCommand } from '@slack/bolt';
import type { Logger } from '../server/logger.ts';

export type AckMessage = string | RespondArguments;

/** What a slash-command handler gets, in Bolt's shapes (Bolt's own arguments satisfy it). */
export interface SlashCommandArgs {
  command: SlashCommand;
  ack: (message?: AckMessage) => Promise<void>;
  respond: (message: string | RespondArguments) => Promise<unknown>;
}

export type SlashCommandHandler = (args: SlashCommandArgs) => Promise<void>;

/** Command name (`/mesh`) → its handler. */
export type SlashCommandTable = ReadonlyMap<string, SlashCommandHandler>;

type VerifiedRequest = IncomingMessage & { rawBody?: Buffer };

export interface DirectCommandOptions {
  logger: Logger;
  /** For respond() (Bolt uses the global fetch too). */
  fetch?: typeof globalThis.fetch;
}

/** Answers the table's slash commands itself; hands everything else to `fallback` (Bolt). */
export function answerCommandsDirectly(commands: SlashCommandTable, fallback: RequestListener, opts: DirectCommandOptions): RequestListener {
  return (req, res) => {
    const command = slashCommandOf(req as VerifiedRequest);
    const handler = command && commands.get(command.command);
    if (!command || !handler) return fallback(req, res);
    const ack = ackOnce(res);
    const respond = respondVia(command.response_url, opts.fetch ?? globalThis.fetch);
    let run: Promise<void>;
    try {
      run = handler({ command, ack: ack.send, respond });
    } catch (err) {
      run = Promise.reject(err);
    }
    run.then(
      () => {
        if (ack.done()) return;
        opts.logger.error({ code: 'SLASH_COMMAND_NOT_ACKED', command: command.command }, 'slash command handler finished without ack()');
        res.writeHead(500).end();
      },
      (err: unknown) => {
        opts.logger.error({ code: 'SLASH_COMMAND_FAILED', command: command.command, err: err instanceof Error ? err.message : String(err) }, 'slash command handler failed');
        if (!ack.done()) res.writeHead(500).end();
      },
    );
  };
}

/** The form post of a slash command (Bolt's parsing: querystring), or undefined for anything else. */
function slashCommandOf(req: VerifiedRequest): SlashCommand | undefined {
  if (!req.rawBody || req.headers['content-type'] !== 'application/x-www-form-urlencoded') return undefined;
  const form = parseQuery(req.rawBody.toString('utf8'));
  if (typeof form.command !== 'string' || form.payload !== undefined) return undefined;
  return form as unknown as SlashCommand;
}

/** Bolt's HTTP ack: the first call answers (no body, text, or JSON); a second one is refused. */
function ackOnce(res: ServerResponse): { send: SlashCommandArgs['ack']; done: () => boolean } {
  let sent = false;
  return {
    done: () => sent,
    async send(message) {
      if (sent) throw new Error('ack() was already called for this slash command');
      sent = true;
      if (message === undefined || message === '') res.writeHead(200).end();
      else if (typeof message === 'string') res.writeHead(200).end(message);
      else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(message));
    },
  };
}

/** Bolt's respond(): a JSON post to the command's response_url that throws on a non-2xx answer. */
function respondVia(responseUrl: string | undefined, fetchFn: typeof globalThis.fetch): SlashCommandArgs['respond'] {
  return async (message) => {
    if (!responseUrl) throw new Error('this slash command has no response_url');
    const body = typeof message === 'string' ? { text: message } : message;
    const res = await fetchFn(responseUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    // Read to the end so the connection goes back to the pool.
    await res.arrayBuffer().catch(() => undefined);
    if (!res.ok) throw new Error(`Failed to respond to the response_url: ${res.status} ${res.statusText}`);
    return res;
  };
}
