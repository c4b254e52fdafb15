// The diagnosis side of remediation: every failing finding that proposes a fix becomes a stored
// proposal (Approve / Reject buttons carrying its id) or, when the plan is refused, manual steps in
// the report. Proposals are made once per diagnosis job: a rerun of the job (dead worker, retry)
// renders the same ids. After each report message is posted, where its buttons are is recorded.

import type { Registry } from '../domain/cluster.ts';
import type { Finding } from '../domain/finding.ts';
import { proposeFix } from '../remediations/propose.ts';
import type { Logger } from '../server/logger.ts';
import type { SlackMessage } from '../slack/render/blocks.ts';
import { proposalIdsIn } from '../slack/render/remediation.ts';
import type { ReportRenderOptions } from '../slack/render/report.ts';
import type { ReportProposal } from './remediation-records.ts';
import type { RemediationServices } from './remediation-services.ts';

export interface ReportRemediation {
  /** One entry per report finding (report order); the same on every rerun of the job. */
  proposalsFor(jobId: string, registry: Registry, findings: readonly Finding[], requester: string): Promise<ReportProposal[]>;
  /** Records where the buttons of a just-posted report message are. */
  recordPosted(where: { channel: string; threadTs: string; ts: string }, message: SlackMessage): Promise<void>;
}

export function reportRemediation(services: RemediationServices, logger: Logger): ReportRemediation {
  return {
    async proposalsFor(jobId, registry, findings, requester) {
      const existing = await services.records.reportProposals(jobId);
      if (existing && existing.length === findings.length) return existing;
      const entries = await services.withDeps(registry, async (deps) => {
        const out: ReportProposal[] = [];
        for (const finding of findings) out.push(await proposalFor(finding, requester, deps, logger));
        return out;
      });
      return services.records.saveReportProposals(jobId, entries);
    },
    async recordPosted(where, message) {
      const ids = proposalIdsIn(message.blocks);
      if (ids.length === 0) return;
      await services.records.saveMessage(where.channel, where.ts, message);
      for (const id of ids) await services.records.saveLocation(id, { channel: where.channel, threadTs: where.threadTs, messageTs: where.ts });
    },
  };
}

type Deps = Parameters<Parameters<RemediationServices['withDeps']>[1]>[0];

async function proposalFor(finding: Finding, requester: string, deps: Deps, logger: Logger): Promise<ReportProposal> {
  if (finding.status !== 'fail' || !finding.remediation) return null;
  try {
    const proposed = await proposeFix(finding, requester, deps);
    return proposed.ok ? { id: proposed.proposal.id } : { refused: proposed.reason, manualSteps: proposed.manualSteps };
  } catch (err) {
    // Planning reads the cluster; when that fails the report still goes out, with manual steps.
    const reason = err instanceof Error ? err.message : String(err);
    logger.warn({ check: finding.check, cluster: finding.cluster, err: reason }, 'could not plan the proposed fix');
    return { refused: `the fix could not be planned: ${reason}`, manualSteps: [] };
  }
}

/** renderReport options showing each finding's buttons or manual steps. */
export function reportRenderOptions(findings: readonly Finding[], proposals: readonly ReportProposal[]): ReportRenderOptions {
  const byFinding = new Map<Finding, ReportProposal>();
  findings.forEach((f, i) => {
    byFinding.set(f, proposals[i] ?? null);
  });
  return {
    proposalIdFor: (f) => {
      const p = byFinding.get(f);
      return p && 'id' in p ? p.id : undefined;
    },
    manualStepsFor: (f) => {
      const p = byFinding.get(f);
      return p && 'refused' in p ? { reason: p.refused, steps: p.manualSteps } : undefined;
    },
  };
}
