// What Slack needs to know about proposals, kept beside them in Redis:
// - where each proposal's buttons were posted (channel, thread, message): a click is honoured only
//   on that message in that channel, so a proposal id copied into another channel does nothing;
// - each message carrying buttons, as posted (`base`), plus one decision block per proposal that
//   replaces its buttons ("Approved by … · applied · verified"): the message is re-rendered from
//   these, never from what a click payload claims the message looked like;
// - the proposals made for a diagnosis job (a rerun of the job reuses them: same ids, same buttons);
// - one undo proposal per applied fix, and the outcome steps a remediation job already did.

import type { Redis } from 'ioredis';
import { QUEUE_PREFIX } from './names.ts';

/** As long as proposals and their undo data are kept (src/approvals/policy.ts retention). */
export const RECORD_TTL_SECONDS = 8 * 24 * 3600;

const PREFIX = `${QUEUE_PREFIX}:remediation`;
const whereKey = (id: string) => `${PREFIX}:where:${id}`;
const messageKey = (channel: string, ts: string) => `${PREFIX}:message:${channel}:${ts}`;
const reportKey = (jobId: string) => `${PREFIX}:report:${jobId}`;
const undoKey = (id: string) => `${PREFIX}:undo:${id}`;
const effectsKey = (id: string) => `${PREFIX}:effects:${id}`;

export interface ProposalLocation {
  channel: string;
  /** The diagnosis thread (outcomes are posted there). */
  threadTs: string;
  /** The message whose buttons name the proposal. */
  messageTs: string;
}

/** One entry per report finding, in report order: its proposal id, why there is none, or null. */
export type ReportProposal = { id: string } | { refused: string; manualSteps: string[] } | null;

export interface ButtonMessage {
  text: string;
  /** The blocks as posted, buttons included. */
  base: unknown[];
  /** proposal id -> the block that replaces its buttons. */
  decisions: Map<string, unknown>;
  /** Bumped by every decision: a renderer that saw an older version renders again. */
  version: number;
}

export type RemediationStep = 'outcome-posted' | 'buttons-updated' | 'follow-ups-offered';

export class RemediationRecords {
  constructor(
    private readonly redis: Redis,
    private readonly ttlSeconds: number = RECORD_TTL_SECONDS,
  ) {}

  async saveLocation(id: string, where: ProposalLocation): Promise<void> {
    await this.redis.multi().hset(whereKey(id), { ...where }).expire(whereKey(id), this.ttlSeconds).exec();
  }

  async location(id: string): Promise<ProposalLocation | undefined> {
    const h = await this.redis.hgetall(whereKey(id));
    return h.channel && h.threadTs && h.messageTs ? { channel: h.channel, threadTs: h.threadTs, messageTs: h.messageTs } : undefined;
  }

  /** Records a message carrying buttons, once (a repost of the same ts keeps its decisions). */
  async saveMessage(channel: string, ts: string, message: { text: string; blocks: unknown[] }): Promise<void> {
    const key = messageKey(channel, ts);
    await this.redis
      .multi()
      .hsetnx(key, 'base', JSON.stringify(message.blocks))
      .hsetnx(key, 'text', message.text)
      .hsetnx(key, 'version', '0')
      .expire(key, this.ttlSeconds)
      .exec();
  }

  async message(channel: string, ts: string): Promise<ButtonMessage | undefined> {
    const h = await this.redis.hgetall(messageKey(channel, ts));
    if (!h.base) return undefined;
    const decisions = new Map<string, unknown>();
    for (const [field, value] of Object.entries(h)) {
      if (field.startsWith('decision:')) decisions.set(field.slice('decision:'.length), JSON.parse(value));
    }
    return { text: h.text ?? '', base: JSON.parse(h.base) as unknown[], decisions, version: Number(h.version ?? 0) };
  }

  async setDecision(channel: string, ts: string, id: string, block: unknown): Promise<void> {
    const key = messageKey(channel, ts);
    await this.redis.multi().hset(key, `decision:${id}`, JSON.stringify(block)).hincrby(key, 'version', 1).exec();
  }

  async messageVersion(channel: string, ts: string): Promise<number> {
    return Number((await this.redis.hget(messageKey(channel, ts), 'version')) ?? 0);
  }

  /** The proposals of a diagnosis job; the first writer wins, so every rerun shows the same ones. */
  async saveReportProposals(jobId: string, entries: ReportProposal[]): Promise<ReportProposal[]> {
    const key = reportKey(jobId);
    const [[, set] = [], [, stored] = []] =
      (await this.redis.multi().set(key, JSON.stringify(entries), 'EX', this.ttlSeconds, 'NX').get(key).exec()) ?? [];
    return set === 'OK' || typeof stored !== 'string' ? entries : (JSON.parse(stored) as ReportProposal[]);
  }

  async reportProposals(jobId: string): Promise<ReportProposal[] | undefined> {
    const raw = await this.redis.get(reportKey(jobId));
    return raw ? (JSON.parse(raw) as ReportProposal[]) : undefined;
  }

  /** Claims the undo of an applied proposal; false when someone already asked for it. */
  async claimUndo(appliedId: string): Promise<boolean> {
    return (await this.redis.set(undoKey(appliedId), 'claimed', 'EX', this.ttlSeconds, 'NX')) === 'OK';
  }

  async recordUndo(appliedId: string, undoId: string): Promise<void> {
    await this.redis.set(undoKey(appliedId), undoId, 'EX', this.ttlSeconds);
  }

  /** Gives an undo claim back (proposing it failed). */
  async releaseUndo(appliedId: string): Promise<void> {
    await this.redis.del(undoKey(appliedId));
  }

  async undoOf(appliedId: string): Promise<string | undefined> {
    return (await this.redis.get(undoKey(appliedId))) ?? undefined;
  }

  async stepsDone(id: string): Promise<Set<RemediationStep>> {
    return new Set(Object.keys(await this.redis.hgetall(effectsKey(id))) as RemediationStep[]);
  }

  /** Marks a step done; false when it was already (the caller skips it). */
  async claimStep(id: string, step: RemediationStep): Promise<boolean> {
    const [[, claimed] = []] = (await this.redis.multi().hsetnx(effectsKey(id), step, new Date().toISOString()).expire(effectsKey(id), this.ttlSeconds).exec()) ?? [];
    return claimed === 1;
  }

  async recordStep(id: string, step: RemediationStep): Promise<void> {
    await this.redis.multi().hset(effectsKey(id), step, new Date().toISOString()).expire(effectsKey(id), this.ttlSeconds).exec();
  }
}
