// The BullMQ processor of diagnosis jobs. Runs a DiagnosisRun; when the job fails for good (an
// error retrying cannot fix, or its last attempt) it says so where the requester looks — the
// parent message if there is one, else their response_url — and never fails silently.

import { UnrecoverableError } from 'bullmq';
import { isMeshMedicError } from '../domain/errors.ts';
import { parseDiagnoseJob } from '../queue/jobs.ts';
import type { DiagnoseJobResult } from '../queue/status.ts';
import { escapeMrkdwn } from '../slack/mrkdwn.ts';
import { SlackApiError } from '../slack/notify.ts';
import { renderError } from '../slack/render/index.ts';
import { DiagnosisRun } from './diagnosis-run.ts';
import type { DiagnoseJobHandle, DiagnoseProcessorDeps } from './types.ts';

export type DiagnoseProcessor = (job: DiagnoseJobHandle) => Promise<DiagnoseJobResult>;

export function createDiagnoseProcessor(deps: DiagnoseProcessorDeps): DiagnoseProcessor {
  return async (job) => {
    const jobId = job.id;
    if (!jobId) throw new UnrecoverableError('diagnosis job without an id');
    let data: ReturnType<typeof parseDiagnoseJob>;
    try {
      data = parseDiagnoseJob(job.data);
    } catch (err) {
      // Nobody to tell: the job's own channel and requester are what failed validation.
      deps.logger.error({ jobId, err: (err as Error).message }, 'dropping invalid diagnosis job');
      throw new UnrecoverableError((err as Error).message);
    }
    const run = new DiagnosisRun(deps, job, jobId, data);
    const log = deps.logger.child({ jobId, cluster: data.cluster });
    try {
      const result = await run.execute();
      deps.onOutcome?.({ trigger: data.trigger, outcome: 'done' });
      log.info({ failing: result.failing }, 'diagnosis finished');
      return result;
    } catch (err) {
      const final = isFinal(job, err);
      deps.onOutcome?.({ trigger: data.trigger, outcome: final ? 'failed' : 'retrying' });
      log.warn({ err: errorText(err), final, attempt: job.attemptsMade + 1 }, final ? 'diagnosis failed' : 'diagnosis attempt failed; will retry');
      if (!final) throw err;
      await reportFailure(deps, run, data.responseUrl, err).catch((notifyErr: unknown) =>
        log.error({ err: errorText(notifyErr) }, 'could not tell anyone that the diagnosis failed'),
      );
      throw new UnrecoverableError(errorText(err));
    }
  };
}

/** An error retrying cannot fix, or the job's last attempt. */
function isFinal(job: DiagnoseJobHandle, err: unknown): boolean {
  if (err instanceof UnrecoverableError) return true;
  if (isMeshMedicError(err) && err.unrecoverable) return true;
  return job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
}

async function reportFailure(deps: DiagnoseProcessorDeps, run: DiagnosisRun, responseUrl: string | undefined, err: unknown): Promise<void> {
  const reason = userReason(err);
  const thread = run.thread;
  await deps.saveLastResult({
    cluster: run.data.cluster,
    jobId: run.jobId,
    state: 'failed',
    finishedAt: new Date().toISOString(),
    counts: {},
    failing: [],
    ...(thread ? { thread } : {}),
  }).catch(() => undefined);
  if (thread) {
    // The parent is where the requester is looking; if Slack refuses even that, fall back below.
    const message = run.failedMessage(reason);
    const updated = await deps.slack.update(thread.channel, thread.ts, message, { bestEffort: true });
    if (updated) {
      await deps.onFinalParent?.(run.jobId, run.data, message).catch(() => undefined);
      return;
    }
  }
  if (responseUrl) {
    await deps.slack.respond(responseUrl, renderError(`Could not diagnose *${escapeMrkdwn(run.data.cluster)}*: ${escapeMrkdwn(reason)}`));
    return;
  }
  throw new Error(`no thread and no response_url to report: ${reason}`);
}

/** What the requester reads: our own errors are written for people; anything else is internal. */
function userReason(err: unknown): string {
  if (err instanceof SlackApiError && (err.slackError === 'not_in_channel' || err.slackError === 'channel_not_found')) {
    return `mesh-medic cannot post in that channel (${err.slackError}). Invite it with /invite @mesh-medic, or run the command in a channel it is in.`;
  }
  if (isMeshMedicError(err)) return err.message;
  return 'internal error (see the worker log)';
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
