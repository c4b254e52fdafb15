// What the emulator page may ask the server to do, validated strictly: the server signs these as
// Slack and sends them to the bot, so they are parsed like any other untrusted input. Requests
// must be JSON from the page's own origin: a form post from another web site (a simple request a
// browser sends without asking) cannot make the emulator approve a fix.

import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { formatPath } from '../../config/issue-path.ts';
import { CHANNEL_ID, USER_ID } from './directory.ts';
import { readBody } from './web-api/body.ts';

const MAX_PAGE_BODY_BYTES = 64 * 1024;
// Slack's own limits: 4,000 characters for a message typed into the composer, 3,000 per input.
const userId = z.string().regex(USER_ID);
const channelId = z.string().regex(CHANNEL_ID);
const ts = z.string().regex(/^\d{1,12}\.\d{1,6}$/);
const viewId = z.string().regex(/^V[A-Z0-9]{1,20}$/);
const index = z.number().int().min(0).max(200);

export const commandRequest = z.strictObject({ user: userId, channel: channelId, text: z.string().min(1).max(4000) });
export const messageRequest = z.strictObject({ user: userId, channel: channelId, text: z.string().min(1).max(4000), threadTs: ts.optional() });
export const actionRequest = z.strictObject({
  user: userId,
  channel: channelId,
  messageTs: ts,
  ephemeral: z.boolean(),
  blockIndex: index,
  element: z.union([index, z.literal('accessory')]),
  /** What the page rendered: a click on a message that changed since is refused, not misrouted. */
  actionId: z.string().max(255),
});
export const viewSubmissionRequest = z.strictObject({
  user: userId,
  viewId,
  values: z.array(z.strictObject({ blockIndex: index, value: z.string().max(3000) })).max(100),
});
export const viewCloseRequest = z.strictObject({ user: userId, viewId });

export type CommandRequest = z.infer<typeof commandRequest>;
export type MessageRequest = z.infer<typeof messageRequest>;
export type ActionRequest = z.infer<typeof actionRequest>;
export type ViewSubmissionRequest = z.infer<typeof viewSubmissionRequest>;
export type ViewCloseRequest = z.infer<typeof viewCloseRequest>;

export class PageRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Refuses anything but a JSON post from the page's own origin. */
function checkOrigin(req: IncomingMessage): void {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (req.method !== 'POST') throw new PageRequestError(405, 'POST only');
  if (type !== 'application/json') throw new PageRequestError(415, 'JSON only');
  const fetchSite = req.headers['sec-fetch-site'];
  if (fetchSite !== undefined && fetchSite !== 'same-origin' && fetchSite !== 'none') throw new PageRequestError(403, 'cross-site request refused');
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== 'null') {
    let host: string | undefined;
    try {
      host = new URL(origin).host;
    } catch {
      host = undefined;
    }
    if (host !== req.headers.host) throw new PageRequestError(403, 'cross-origin request refused');
  }
}

/** The request's JSON body checked against `schema`; throws PageRequestError naming the problem. */
export async function readPageRequest<T>(req: IncomingMessage, schema: z.ZodType<T>): Promise<T> {
  checkOrigin(req);
  const body = await readBody(req, MAX_PAGE_BODY_BYTES).catch(() => {
    throw new PageRequestError(413, 'request too large');
  });
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new PageRequestError(400, 'malformed JSON');
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`);
    throw new PageRequestError(400, `invalid request: ${problems.join('; ')}`);
  }
  return parsed.data;
}
