// One run of a diagnosis job, step by step. Each user-visible step is recorded in the effects
// store right after it happens; a rerun of the same job (retry, dead worker) starts from what is
// recorded: same parent message, same report, no part of it posted twice.

import { leadingFirst } from '../alerts/check-order.ts';
import { alertReportNote } from '../alerts/render.ts';
import { CHECKS } from '../checks/index.ts';
import type { Check } from '../checks/types.ts';
import { findCluster } from '../config/registry.ts';
import type { Registry } from '../domain/cluster.ts';
import type { Finding, Status } from '../domain/finding.ts';
import { diagnose } from '../engine/diagnose.ts';
import { countByStatus, type DiagnosisProgress, type DiagnosisReport } from '../engine/report.ts';
import { resolveCheckIds } from '../engine/select-checks.ts';
import type { DiagnoseJob } from '../queue/jobs.ts';
import type { DiagnoseJobResult } from '../queue/status.ts';
import { type ProgressInput, type ReportRenderOptions, renderProgress, renderReport } from '../slack/render/index.ts';
import { reportRenderOptions } from '../queue/remediation-report.ts';
import { ThrottledSender } from './throttle.ts';
import type { DiagnoseJobHandle, DiagnoseProcessorDeps } from './types.ts';

export interface Thread {
  channel: string;
  ts: string;
}

export class DiagnosisRun {
  /** Set once the parent message exists (posted now or by an earlier run). */
  thread: Thread | undefined;
  /** Checks finished so far, for the failure message. */
  done = 0;
  total = 0;

  constructor(
    private readonly deps: DiagnoseProcessorDeps,
    private readonly job: DiagnoseJobHandle,
    readonly jobId: string,
    readonly data: DiagnoseJob,
  ) {}

  async execute(): Promise<DiagnoseJobResult> {
    const effects = await this.deps.effects.get(this.jobId);
    this.thread = effects.thread;
    // Everything was done by an earlier run; this one only reports the result again to BullMQ.
    if (effects.finished && effects.result) return effects.result;
    const registry = this.deps.loadRegistry();
    this.total = this.plannedChecks(registry);
    const thread = this.thread ?? (await this.postParent());
    const report = effects.report ?? (await this.diagnose(registry, thread));
    this.done = this.total;
    await this.postReport(thread, report, effects.reportPartsPosted);
    const result = resultOf(report);
    // Saved before the verdict edit, so `/mesh clusters` already knows it when a person sees it.
    await this.deps.saveLastResult({
      cluster: this.data.cluster,
      jobId: this.jobId,
      state: 'done',
      finishedAt: new Date().toISOString(),
      counts: result.counts,
      failing: result.failing,
      thread,
    });
    await this.postVerdict(thread, report, result);
    return result;
  }

  /** How many checks will run; throws UNKNOWN_CLUSTER / UNKNOWN_CHECK (the registry changed). */
  private plannedChecks(registry: Registry): number {
    findCluster(registry, this.data.cluster);
    return resolveCheckIds(this.deps.checks ?? CHECKS, this.data.checks).length;
  }

  private progressMessage(state: ProgressInput['state'], counts: Partial<Record<Status, number>>, extra: Partial<ProgressInput> = {}) {
    return renderProgress({
      cluster: this.data.cluster,
      total: this.total,
      done: this.done,
      counts,
      startedBy: this.data.requestedBy,
      state,
      ...extra,
    });
  }

  /** The job's channel may be a name (clusters.yaml, MESH_MEDIC_CHANNEL): the thread records the ID
   *  Slack posted in, since chat.update and every later step (retries, alert updates) need it. */
  private async postParent(): Promise<Thread> {
    const thread = await this.deps.slack.postMessage(this.data.channel, this.progressMessage('reading', {}));
    await this.deps.effects.recordParent(this.jobId, thread.channel, thread.ts);
    this.thread = thread;
    await this.deps.afterStep?.('parent-posted', this.jobId);
    return thread;
  }

  /** Drops cached peer reads of clusters a fix changed since (by any worker). */
  private async refreshPeerCache(registry: Registry): Promise<void> {
    const { peerCache, peerChanges } = this.deps;
    if (!peerCache || !peerChanges) return;
    try {
      peerCache.forgetChangedSince(await peerChanges(registry.clusters.map((c) => c.name)));
    } catch (err) {
      // Redis away: the cache's TTL still bounds how old a peer read can be.
      this.deps.logger.warn({ code: 'PEER_CHANGES_UNREAD', err: err instanceof Error ? err.message : String(err) }, 'could not read which clusters fixes changed');
    }
  }

  private async diagnose(registry: Registry, thread: Thread): Promise<DiagnosisReport> {
    await this.refreshPeerCache(registry);
    const source = this.deps.sourceFor(registry);
    const counts: Partial<Record<Status, number>> = {};
    const progress = new ThrottledSender<{ done: number; counts: Partial<Record<Status, number>> }>(async (p) => {
      const message = renderProgress({
        cluster: this.data.cluster,
        total: this.total,
        done: p.done,
        counts: p.counts,
        startedBy: this.data.requestedBy,
        state: 'running',
      });
      await Promise.all([
        this.deps.slack.update(thread.channel, thread.ts, message, { bestEffort: true }),
        this.job.updateProgress({ done: p.done, total: this.total }).catch(() => undefined),
      ]);
    }, this.deps.progressIntervalMs ?? 1000);
    const onProgress = (p: DiagnosisProgress) => {
      for (const f of p.findings) counts[f.status] = (counts[f.status] ?? 0) + 1;
      this.done = p.done;
      progress.push({ done: p.done, counts: { ...counts } });
      // Checks run synchronously: without a turn of the event loop between them, the progress
      // edit would only leave for Slack together with the report.
      return new Promise<void>((resolve) => setImmediate(resolve));
    };
    let report: DiagnosisReport;
    try {
      report = await diagnose({
        registry,
        cluster: this.data.cluster,
        checkIds: this.data.checks,
        source,
        ...(this.deps.peerCache ? { peerCache: this.deps.peerCache } : {}),
        onProgress,
        ...this.checkOrder(),
      });
    } finally {
      await progress.stop();
      await source.close().catch(() => undefined);
    }
    await this.deps.effects.recordReport(this.jobId, report);
    this.deps.onReport?.(report);
    await this.deps.afterStep?.('diagnosed', this.jobId);
    return report;
  }

  private async postReport(thread: Thread, report: DiagnosisReport, alreadyPosted: number): Promise<void> {
    const remediation = this.deps.remediation;
    // Proposals for the fixes (stored once per job, so a rerun renders the same buttons).
    const proposals = remediation ? await remediation.proposalsFor(this.jobId, this.deps.loadRegistry(), report.findings, this.data.requestedBy) : undefined;
    const messages = renderReport(report, this.deps.playbookFor, {
      ...(proposals ? reportRenderOptions(report.findings, proposals) : {}),
      ...this.alertReportOptions(),
    });
    for (let i = alreadyPosted; i < messages.length; i++) {
      const ts = await this.deps.slack.post(thread.channel, messages[i]!, { threadTs: thread.ts });
      await remediation?.recordPosted({ channel: thread.channel, threadTs: thread.ts, ts }, messages[i]!);
      await this.deps.effects.recordReportPart(this.jobId, i + 1);
      await this.deps.afterStep?.('report-part-posted', this.jobId);
    }
  }

  private async postVerdict(thread: Thread, report: DiagnosisReport, result: DiagnoseJobResult): Promise<void> {
    const message = this.progressMessage('done', countByStatus(report.findings), {
      done: this.total,
      verdict: { failing: failingChecks(report.findings) },
    });
    await this.deps.slack.update(thread.channel, thread.ts, message);
    await this.deps.onFinalParent?.(this.jobId, this.data, message);
    await this.deps.effects.recordFinished(this.jobId, result);
    await this.deps.afterStep?.('finished', this.jobId);
  }

  /** The catalog in run order: an alert-triggered run starts with the checks its alerts explain (issue 6). */
  private checkOrder(): { checks?: readonly Check[] } {
    const leading = this.data.alert?.checks ?? [];
    if (leading.length === 0) return this.deps.checks ? { checks: this.deps.checks } : {};
    return { checks: leadingFirst(this.deps.checks ?? CHECKS, leading) };
  }

  /** An alert-triggered report says which alert started it and lists the checks it explains first. */
  private alertReportOptions(): Pick<ReportRenderOptions, 'leading'> {
    const alert = this.data.alert;
    return alert ? { leading: { checks: alert.checks, note: alertReportNote(alert.names, alert.checks.length) } } : {};
  }

  /** The parent message of a diagnosis that cannot finish. */
  failedMessage(reason: string) {
    return this.progressMessage('failed', {}, { verdict: { failing: [], error: reason } });
  }
}

/** One entry per failing check, with its most severe finding's severity (findings are sorted). */
function failingChecks(findings: readonly Finding[]): { check: string; severity: Finding['severity'] }[] {
  const out = new Map<string, Finding['severity']>();
  for (const f of findings) if (f.status === 'fail' && !out.has(f.check)) out.set(f.check, f.severity);
  return [...out].map(([check, severity]) => ({ check, severity }));
}

export function resultOf(report: DiagnosisReport): DiagnoseJobResult {
  return {
    cluster: report.cluster,
    counts: countByStatus(report.findings),
    failing: failingChecks(report.findings).map((f) => f.check),
  };
}
