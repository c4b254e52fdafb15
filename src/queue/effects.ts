// At-least-once execution, exactly-once effect. A diagnosis job can run more than once (its worker
// died, Slack or Redis failed mid-way); what a person sees must not repeat. Each user-visible step
// is recorded here, keyed by the job id, right after it happens, and a rerun skips what is
// recorded: the parent message is reused, the diagnosis is not redone once its report is stored,
// and report parts already in the thread are not posted again.
//
// What remains: a worker that dies between Slack accepting a post and this record being written
// posts that one message again on retry. The window is one Redis round trip.

import type { Redis } from 'ioredis';
import type { DiagnosisReport } from '../engine/report.ts';
import { effectsKey } from './names.ts';
import type { DiagnoseJobResult } from './status.ts';

/** Long enough for every retry and for `/mesh status` to find recent threads. */
export const EFFECTS_TTL_SECONDS = 7 * 24 * 3600;

export interface DiagnosisEffects {
  /** The channel ID and ts of the parent message, once posted: the ID Slack answered with, also when
   *  the job named its channel by name, so reruns and alert updates never depend on the name. */
  thread?: { channel: string; ts: string };
  /** The finished diagnosis, once it ran (a retry posts this one instead of diagnosing again). */
  report?: DiagnosisReport;
  /** Report messages already in the thread. */
  reportPartsPosted: number;
  /** The parent shows the verdict; then the report is dropped and only its summary kept. */
  finished: boolean;
  result?: DiagnoseJobResult;
}

export class EffectsStore {
  constructor(
    private readonly redis: Redis,
    private readonly ttlSeconds: number = EFFECTS_TTL_SECONDS,
  ) {}

  async get(jobId: string): Promise<DiagnosisEffects> {
    const h = await this.redis.hgetall(effectsKey(jobId));
    const effects: DiagnosisEffects = { reportPartsPosted: Number(h.reportPartsPosted ?? 0) || 0, finished: h.finished === '1' };
    if (h.channel && h.parentTs) effects.thread = { channel: h.channel, ts: h.parentTs };
    const report = parseJson<DiagnosisReport>(h.report, (v) => typeof v.cluster === 'string' && Array.isArray(v.findings));
    if (report) effects.report = report;
    const result = parseJson<DiagnoseJobResult>(h.result, (v) => typeof v.cluster === 'string' && Array.isArray(v.failing));
    if (result) effects.result = result;
    return effects;
  }

  /** The thread of a job, if its parent message was posted. */
  async threadOf(jobId: string): Promise<{ channel: string; ts: string } | undefined> {
    const [channel, ts] = await this.redis.hmget(effectsKey(jobId), 'channel', 'parentTs');
    return channel && ts ? { channel, ts } : undefined;
  }

  recordParent(jobId: string, channel: string, ts: string): Promise<void> {
    return this.write(jobId, { channel, parentTs: ts });
  }

  recordReport(jobId: string, report: DiagnosisReport): Promise<void> {
    return this.write(jobId, { report: JSON.stringify(report) });
  }

  recordReportPart(jobId: string, partsPosted: number): Promise<void> {
    return this.write(jobId, { reportPartsPosted: String(partsPosted) });
  }

  /** The verdict is shown: keep the summary, drop the full report (it is in the thread now). */
  async recordFinished(jobId: string, result: DiagnoseJobResult): Promise<void> {
    const key = effectsKey(jobId);
    await this.redis.multi().hset(key, { finished: '1', result: JSON.stringify(result) }).hdel(key, 'report').expire(key, this.ttlSeconds).exec();
  }

  private async write(jobId: string, fields: Record<string, string>): Promise<void> {
    const key = effectsKey(jobId);
    await this.redis.multi().hset(key, fields).expire(key, this.ttlSeconds).exec();
  }
}

/** A stored JSON value, or undefined when absent or unreadable (the step then simply runs again). */
function parseJson<T>(raw: string | undefined, looksRight: (v: Partial<T> & Record<string, unknown>) => boolean): T | undefined {
  if (!raw) return undefined;
  try {
    const value = JSON.parse(raw) as Partial<T> & Record<string, unknown>;
    return value && typeof value === 'object' && looksRight(value) ? (value as T) : undefined;
  } catch {
    return undefined;
  }
}
