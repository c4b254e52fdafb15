// What a diagnosis job carries: ids and names only. No snapshot, no token, no kubeconfig: the
// worker reads the cluster itself and holds the Slack token itself. Validated on both sides of
// the queue, because Redis contents are input too (an old version's job, a hand-edited key).

import { z } from 'zod';
import { QueueError } from './errors.ts';

const NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** Slack conversation ids: channels, private channels, DMs. */
export const CHANNEL_ID = /^[CGD][A-Z0-9]{2,}$/;
/** A Slack channel name as people type it, with or without `#`: Slack's own naming rules. */
export const CHANNEL_NAME = /^#?[a-z0-9_-]{1,80}$/;

/**
 * Where a report is posted, as configured: a channel id, or a channel name. A name is posted to as
 * is (`chat.postMessage` accepts names) and the worker records the id Slack answers with; every
 * later call uses that id. So a job never needs a Slack lookup before it is queued.
 */
export function isChannelRef(value: string): boolean {
  return CHANNEL_ID.test(value) || CHANNEL_NAME.test(value);
}

/** Why `value` is neither a Slack channel id nor a channel name, for configuration errors. */
export function channelProblem(value: string): string | undefined {
  if (isChannelRef(value)) return undefined;
  const name = value.replace(/^#/, '');
  const why =
    name === '' ? 'the name is empty'
    : name.length > 80 ? 'a channel name has at most 80 characters'
    : /^[UWSB][A-Z0-9]{2,}$/.test(value) ? 'that is a user, user-group or bot ID, not a channel'
    : /[A-Z]/.test(name) ? 'a channel name is lowercase; an ID is C, G or D and then only capitals and digits'
    : 'a channel name has only lowercase letters, digits, - and _';
  return `must be a Slack channel ID like C0123456789 or a channel name like #mesh-prod (${why})`;
}

/** A Slack thread/message timestamp. */
export const MESSAGE_TS = /^\d{1,12}\.\d{1,8}$/;

export const TRIGGERS = ['slack', 'alert', 'cli'] as const;
export type Trigger = (typeof TRIGGERS)[number];

export const diagnoseJobSchema = z.strictObject({
  cluster: z.string().regex(NAME, 'must be a cluster name'),
  /** Empty: every check. */
  checks: z.array(z.string().regex(NAME, 'must be a check id')).max(25),
  /** A channel id, or a channel name the worker posts to by name (it then uses the id Slack returns). */
  channel: z.string().refine(isChannelRef, 'must be a Slack channel id or name'),
  /** Slack user id (`U…`/`W…`) or a short label such as "Alertmanager". */
  requestedBy: z.string().min(1).max(80),
  trigger: z.enum(TRIGGERS),
  /** Where to tell the requester when the channel cannot be posted to. Not a secret, but a
   *  short-lived capability: it is only ever posted to, never logged. */
  responseUrl: z.url({ protocol: /^https?$/ }).max(2000).optional(),
  requestedAt: z.iso.datetime(),
  /** Alert-triggered jobs (issue 6): the incident that started it, and the checks its alerts'
   *  playbooks name (run and listed first). Names and ids only, like the rest of the job. */
  alert: z
    .strictObject({
      incident: z.string().regex(/^[a-z0-9][-a-z0-9]{0,120}$/, 'must be an incident id'),
      names: z.array(z.string().min(1).max(256)).max(10),
      firing: z.number().int().nonnegative(),
      checks: z.array(z.string().regex(NAME, 'must be a check id')).max(25),
    })
    .optional(),
});

export type DiagnoseJob = z.infer<typeof diagnoseJobSchema>;

export function parseDiagnoseJob(data: unknown): DiagnoseJob {
  const parsed = diagnoseJobSchema.safeParse(data);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(job)'}: ${i.message}`);
  throw new QueueError('job-invalid', `invalid diagnosis job: ${problems.join('; ')}`);
}
