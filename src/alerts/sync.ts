// The alert-sync worker's processors. `syncThread` makes an incident's thread show its latest
// notification: "still firing, N alerts" (one reply, edited in place on each repeat), or the
// resolution (a reply, and the parent marked resolved), or "firing again". It waits until the
// incident's diagnosis has finished, so updates follow the report in the thread and the parent is
// only ever edited by one job at a time. Each step is recorded right after it happens, so a retry
// continues instead of repeating.

import { DelayedError, type Job } from 'bullmq';
import type { EffectsStore } from '../queue/effects.ts';
import type { Logger } from '../server/logger.ts';
import { type SlackPoster, SlackApiError } from '../slack/notify.ts';
import type { SlackMessage } from '../slack/render/blocks.ts';
import { type AlertState, firingAgainMessage, markResolved, resolvedReply, stillFiringMessage, unknownClusterMessage } from './render.ts';
import type { AlertThreadState, IncidentRecord, IncidentStore } from './store.ts';
import { syncThreadJobSchema, unknownClusterJobSchema } from './sync-jobs.ts';

/** BullMQ states of a diagnosis that has not finished yet. */
const UNFINISHED = new Set(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children']);

export interface AlertSyncDeps {
  incidents: IncidentStore;
  effects: Pick<EffectsStore, 'threadOf'>;
  /** BullMQ state of a diagnosis job ('completed', 'active', …, 'unknown' once removed). */
  diagnosisState: (jobId: string) => Promise<string>;
  slack: SlackPoster;
  logger: Logger;
  /** How often a sync waiting for its diagnosis looks again (default 1 s). */
  pollMs?: number;
  /** How long a sync waits for a diagnosis before updating the thread anyway (default 15 min). */
  maxWaitMs?: number;
}

export type SyncOutcome = 'no-incident' | 'no-thread' | 'synced';

type SyncJob = Pick<Job, 'data' | 'timestamp' | 'moveToDelayed'>;

export async function syncThread(deps: AlertSyncDeps, job: SyncJob, token: string | undefined): Promise<SyncOutcome> {
  const { incident } = syncThreadJobSchema.parse(job.data);
  const record = await deps.incidents.get(incident);
  if (!record?.jobId) return 'no-incident';
  const state = await deps.diagnosisState(record.jobId);
  if (UNFINISHED.has(state) && Date.now() - job.timestamp < (deps.maxWaitMs ?? 15 * 60_000)) {
    await job.moveToDelayed(Date.now() + (deps.pollMs ?? 1000), token);
    throw new DelayedError();
  }
  const thread = await deps.effects.threadOf(record.jobId);
  if (!thread) {
    deps.logger.warn({ incident, jobId: record.jobId }, 'alert update for a diagnosis that posted no thread; nothing to update');
    return 'no-thread';
  }
  const shown = await deps.incidents.threadState(record.jobId);
  const step = new ThreadStep(deps, record, thread, shown);
  await (record.status === 'resolved' ? step.announceResolved() : step.announceFiring());
  await step.markParent();
  return 'synced';
}

/** One sync of one thread: the status reply, then the parent. */
class ThreadStep {
  private readonly alert: AlertState;
  private readonly jobId: string;

  constructor(
    private readonly deps: AlertSyncDeps,
    private readonly record: IncidentRecord,
    private readonly thread: { channel: string; ts: string },
    private readonly shown: AlertThreadState,
  ) {
    this.alert = { names: record.names, firing: record.firing, notifications: record.notifications, notifiedAt: record.notifiedAt };
    this.jobId = record.jobId ?? '';
  }

  async announceResolved(): Promise<void> {
    if (this.shown.shown === 'resolved') return;
    await this.reply(resolvedReply(this.alert));
    await this.deps.incidents.updateThread(this.jobId, { shown: 'resolved' });
  }

  async announceFiring(): Promise<void> {
    if (this.shown.shown === 'resolved') {
      const ts = await this.reply(firingAgainMessage(this.alert));
      await this.deps.incidents.updateThread(this.jobId, { shown: 'firing', statusTs: ts });
      return;
    }
    if (this.shown.statusTs && (await this.edit(this.shown.statusTs, stillFiringMessage(this.alert)))) return;
    const ts = await this.reply(stillFiringMessage(this.alert));
    await this.deps.incidents.updateThread(this.jobId, { shown: 'firing', statusTs: ts });
  }

  /** The parent shows the verdict as the diagnosis left it, marked resolved while resolved. */
  async markParent(): Promise<void> {
    const parent = this.shown.parent;
    if (!parent || (this.shown.parentShows ?? 'firing') === this.record.status) return;
    const message = this.record.status === 'resolved' ? markResolved(parent, this.alert) : parent;
    await this.deps.slack.update(this.thread.channel, this.thread.ts, message);
    await this.deps.incidents.updateThread(this.jobId, { parentShows: this.record.status });
  }

  private reply(message: SlackMessage): Promise<string> {
    return this.deps.slack.post(this.thread.channel, message, { threadTs: this.thread.ts });
  }

  /** Edits the status reply; false when it is gone (someone deleted it), so a new one is posted. */
  private async edit(ts: string, message: SlackMessage): Promise<boolean> {
    try {
      await this.deps.slack.update(this.thread.channel, ts, message);
      return true;
    } catch (err) {
      if (err instanceof SlackApiError && err.slackError === 'message_not_found') return false;
      throw err;
    }
  }
}

export async function postUnknownClusterNotice(deps: Pick<AlertSyncDeps, 'slack'>, job: Pick<Job, 'data'>): Promise<string> {
  const notice = unknownClusterJobSchema.parse(job.data);
  return deps.slack.post(notice.channel, unknownClusterMessage(notice));
}
