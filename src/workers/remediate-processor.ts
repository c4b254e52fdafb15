// The BullMQ processor of remediation jobs: execute the approved proposal (once: the executor's
// compare-and-set decides, a retried job gets the stored result), post the outcome in the thread,
// replace the proposal's buttons on the report with who approved and the outcome (with Undo when
// possible), and offer the follow-ups the fix named as new proposals with their own buttons.
// Each user-visible step is recorded, so a retried job does not repeat it. Refusals and
// proposals that are not approved end the job with UnrecoverableError: retrying cannot change them.

import { resolve } from 'node:path';
import { type Job, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Proposal } from '../approvals/types.ts';
import type { BotSettings } from '../config/env.ts';
import { loadRegistry } from '../config/registry.ts';
import type { Registry } from '../domain/cluster.ts';
import { showDecision } from '../queue/remediation-message.ts';
import { parseRemediateJob, REMEDIATE_QUEUE, type RemediateJob } from '../queue/remediation-queue.ts';
import type { RemediationServices } from '../queue/remediation-services.ts';
import { QUEUE_PREFIX } from '../queue/names.ts';
import { type ExecuteOutcome, executeProposal } from '../remediations/execute.ts';
import { proposeFollowUps } from '../remediations/propose.ts';
import type { ExecutionResult } from '../remediations/result.ts';
import type { Logger } from '../server/logger.ts';
import type { Metrics } from '../server/metrics.ts';
import type { SlackPoster } from '../slack/notify.ts';
import { renderOutcome, renderProposalMessage, renderRefusal } from '../slack/render/remediation.ts';

export interface RemediateProcessorDeps {
  services: RemediationServices;
  /** Read per job: the registry file may have changed since start-up. */
  loadRegistry: () => Registry;
  slack: SlackPoster;
  logger: Logger;
  /** Counts finished remediations (mesh_medic_remediations_total). */
  onOutcome?: (o: { remediation: string; outcome: string }) => void;
  /** Called with the cluster a fix changed or may have changed (workers forget what they read of it as a peer). */
  onApplied?: (cluster: string) => void | Promise<void>;
}

export interface RemediateJobHandle {
  id?: string | undefined;
  data: unknown;
}

export type RemediateJobResult = { outcome: 'applied' | 'refused' | 'failed'; verification?: string };

export function createRemediateProcessor(deps: RemediateProcessorDeps) {
  return async (job: RemediateJobHandle): Promise<RemediateJobResult> => {
    let data: RemediateJob;
    try {
      data = parseRemediateJob(job.data);
    } catch (err) {
      deps.logger.error({ jobId: job.id, err: (err as Error).message }, 'dropping invalid remediation job');
      throw new UnrecoverableError((err as Error).message);
    }
    if (job.id !== data.proposalId) throw new UnrecoverableError('a remediation job id must be its proposal id');
    const log = deps.logger.child({ proposalId: data.proposalId });
    const registry = deps.loadRegistry();
    const outcome = await deps.services.withDeps(registry, (executorDeps) => executeProposal(data.proposalId, executorDeps));
    log.info({ outcome: outcome.outcome }, 'remediation job executed');
    if (outcome.outcome === 'in-progress') throw new Error('another attempt of this remediation is still applying it');
    if (outcome.outcome === 'not-found' || outcome.outcome === 'not-approved') {
      await postOnce(deps, data, 'outcome-posted', { text: outcome.reason, blocks: renderRefusal(outcome.reason).blocks });
      throw new UnrecoverableError(outcome.reason);
    }
    // Before the thread hears of it: a diagnosis started on reading "applied" must see the change.
    // A failed apply may have patched the cluster too (recording it failed); only a refusal did not.
    if (outcome.outcome !== 'refused') await deps.onApplied?.(outcome.proposal.cluster);
    await report(deps, data, registry, outcome);
    if (!outcome.repeated) deps.onOutcome?.({ remediation: outcome.proposal.plan.remediation, outcome: outcome.outcome });
    if (outcome.outcome !== 'applied') throw new UnrecoverableError(outcome.result.reason ?? outcome.outcome);
    const verification = outcome.result.verification?.status;
    return { outcome: 'applied', ...(verification ? { verification } : {}) };
  };
}

type Finished = Extract<ExecuteOutcome, { repeated: boolean }>;

async function report(deps: RemediateProcessorDeps, data: RemediateJob, registry: Registry, outcome: Finished): Promise<void> {
  const { proposal, result } = outcome;
  await postOnce(deps, data, 'outcome-posted', renderOutcome(proposal, result));
  // Always re-rendered (idempotent): the edit may have been lost with a dying worker.
  await showDecision(deps.services.records, deps.slack, proposal, { undo: await undoOffered(deps, proposal, result) });
  if (outcome.outcome === 'applied' && (result.followUps?.length ?? 0) > 0) await offerFollowUps(deps, data, registry, proposal);
}

/** Undo is offered for an applied fix with undo data, unless it is itself an undo or one was asked for. */
async function undoOffered(deps: RemediateProcessorDeps, p: Proposal, result: ExecutionResult): Promise<boolean> {
  if (result.outcome !== 'applied' || !result.undo || p.undoOf) return false;
  return (await deps.services.records.undoOf(p.id)) === undefined;
}

async function postOnce(deps: RemediateProcessorDeps, data: RemediateJob, step: 'outcome-posted', message: { text: string; blocks: unknown[] }): Promise<void> {
  const records = deps.services.records;
  if ((await records.stepsDone(data.proposalId)).has(step)) return;
  await deps.slack.post(data.channel, message as Parameters<SlackPoster['post']>[1], { threadTs: data.threadTs });
  await records.recordStep(data.proposalId, step);
}

/** The follow-ups (restart-gateway after point-istiod-remote), each a proposal with its own buttons. */
async function offerFollowUps(deps: RemediateProcessorDeps, data: RemediateJob, registry: Registry, p: Proposal): Promise<void> {
  const records = deps.services.records;
  // Claimed before proposing: a retried job must not offer them twice (a crash here loses them;
  // the outcome message still names them, and a fresh diagnosis proposes what is still wrong).
  if (!(await records.claimStep(p.id, 'follow-ups-offered'))) return;
  const proposals = await deps.services.withDeps(registry, (executorDeps) => proposeFollowUps(p.id, p.requester, executorDeps));
  for (const proposed of proposals) {
    if (!proposed.ok) {
      const steps = proposed.manualSteps.length > 0 ? `Do it by hand: ${proposed.manualSteps.join('; ')}` : undefined;
      await deps.slack.post(data.channel, renderRefusal(`follow-up not proposed: ${proposed.reason}`, steps), { threadTs: data.threadTs });
      continue;
    }
    const message = renderProposalMessage(proposed.proposal);
    const ts = await deps.slack.post(data.channel, message, { threadTs: data.threadTs });
    await records.saveMessage(data.channel, ts, message);
    await records.saveLocation(proposed.proposal.id, { channel: data.channel, threadTs: data.threadTs, messageTs: ts });
  }
}

export interface RunningRemediateWorker {
  worker: Worker;
  close(): Promise<void>;
}

/** The BullMQ worker of the remediate queue, on the worker process's own connection. */
export function startRemediateWorker(
  settings: BotSettings,
  opts: {
    redis: Redis;
    services: RemediationServices;
    slack: SlackPoster;
    logger: Logger;
    cwd?: string;
    concurrency?: number;
    metrics?: Metrics;
    onApplied?: (cluster: string) => void | Promise<void>;
  },
): RunningRemediateWorker {
  const registryPath = resolve(opts.cwd ?? '.', settings.clustersPath);
  const processor = createRemediateProcessor({
    services: opts.services,
    loadRegistry: () => loadRegistry(registryPath),
    slack: opts.slack,
    logger: opts.logger.child({ component: 'remediate' }),
    onOutcome: (o) => opts.metrics?.remediations.inc(o),
    ...(opts.onApplied ? { onApplied: opts.onApplied } : {}),
  });
  const worker = new Worker<unknown, RemediateJobResult>(REMEDIATE_QUEUE, (job: Job) => processor(job), {
    connection: opts.redis,
    prefix: QUEUE_PREFIX,
    // Few at once: each one patches a cluster and polls its verification.
    concurrency: opts.concurrency ?? 2,
  });
  worker.on('error', (err) => opts.logger.debug({ err: err.message }, 'remediate worker error'));
  return { worker, close: () => worker.close() };
}
