// Incident state in Redis, shared by every bot replica and worker. The webhook handler writes the
// latest notification of each incident; the alert-sync worker reads it and makes the thread match.
// Because the state (not the job) carries the news, a sync job that was deduplicated away loses
// nothing: whichever sync job runs next reads the latest state. Read back through checks, since
// Redis contents are input too.

import type { Redis } from 'ioredis';
import type { SlackMessage } from '../slack/render/blocks.ts';
import { alertThreadKey, INCIDENT_TTL_SECONDS, incidentKey } from './names.ts';
import type { AlertStatus } from './schema.ts';

export interface IncidentNotice {
  incident: string;
  cluster: string;
  channel: string;
  status: AlertStatus;
  firing: number;
  names: string[];
  notifiedAt: Date;
  /** The diagnosis job of this incident (set when known: firing notifications always know it). */
  jobId?: string;
}

export interface IncidentRecord extends IncidentNotice {
  /** Notifications received so far (across bot replicas). */
  notifications: number;
}

/** What an alert-triggered diagnosis's thread shows of its alert, step by step. */
export interface AlertThreadState {
  /** The state the last status reply announced. */
  shown?: AlertStatus;
  /** The "still firing" reply, edited in place on repeats. */
  statusTs?: string;
  /** The parent message as the diagnosis left it (verdict or failure), without any alert mark. */
  parent?: SlackMessage;
  /** Whether the parent is currently marked resolved. */
  parentShows?: AlertStatus;
}

export class IncidentStore {
  constructor(
    private readonly redis: Redis,
    private readonly ttlSeconds: number = INCIDENT_TTL_SECONDS,
  ) {}

  /** Records the latest notification of an incident; resolves with how many it has had. */
  async recordNotification(n: IncidentNotice): Promise<number> {
    const key = incidentKey(n.incident);
    const fields: Record<string, string> = {
      cluster: n.cluster,
      channel: n.channel,
      status: n.status,
      firing: String(n.firing),
      names: JSON.stringify(n.names),
      notifiedAt: n.notifiedAt.toISOString(),
    };
    if (n.jobId) fields.jobId = n.jobId;
    const replies = await this.redis.multi().hset(key, fields).hincrby(key, 'notifications', 1).expire(key, this.ttlSeconds).exec();
    const count = replies?.[1]?.[1];
    return typeof count === 'number' ? count : 1;
  }

  async jobOf(incident: string): Promise<string | undefined> {
    return (await this.redis.hget(incidentKey(incident), 'jobId')) ?? undefined;
  }

  async get(incident: string): Promise<IncidentRecord | undefined> {
    const h = await this.redis.hgetall(incidentKey(incident));
    if (!h.cluster || !h.channel || (h.status !== 'firing' && h.status !== 'resolved')) return undefined;
    const notifiedAt = new Date(h.notifiedAt ?? '');
    const record: IncidentRecord = {
      incident,
      cluster: h.cluster,
      channel: h.channel,
      status: h.status,
      firing: Number(h.firing) || 0,
      names: parseNames(h.names),
      notifiedAt: Number.isNaN(notifiedAt.getTime()) ? new Date() : notifiedAt,
      notifications: Number(h.notifications) || 1,
    };
    if (h.jobId) record.jobId = h.jobId;
    return record;
  }

  async threadState(jobId: string): Promise<AlertThreadState> {
    const h = await this.redis.hgetall(alertThreadKey(jobId));
    const state: AlertThreadState = {};
    if (h.shown === 'firing' || h.shown === 'resolved') state.shown = h.shown;
    if (h.statusTs) state.statusTs = h.statusTs;
    if (h.parentShows === 'firing' || h.parentShows === 'resolved') state.parentShows = h.parentShows;
    const parent = parseMessage(h.parent);
    if (parent) state.parent = parent;
    return state;
  }

  async updateThread(jobId: string, fields: { shown?: AlertStatus; statusTs?: string; parentShows?: AlertStatus }): Promise<void> {
    const values = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Record<string, string>;
    if (Object.keys(values).length === 0) return;
    const key = alertThreadKey(jobId);
    await this.redis.multi().hset(key, values).expire(key, this.ttlSeconds).exec();
  }

  /** The parent as the diagnosis left it: what a later resolution marks, and a re-fire restores. */
  async recordFinalParent(jobId: string, message: SlackMessage): Promise<void> {
    const key = alertThreadKey(jobId);
    await this.redis.multi().hset(key, { parent: JSON.stringify(message), parentShows: 'firing' }).expire(key, this.ttlSeconds).exec();
  }
}

function parseNames(raw: string | undefined): string[] {
  try {
    const v: unknown = JSON.parse(raw ?? '[]');
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

function parseMessage(raw: string | undefined): SlackMessage | undefined {
  if (!raw) return undefined;
  try {
    const v = JSON.parse(raw) as Partial<SlackMessage>;
    return typeof v.text === 'string' && Array.isArray(v.blocks) ? (v as SlackMessage) : undefined;
  } catch {
    return undefined;
  }
}
