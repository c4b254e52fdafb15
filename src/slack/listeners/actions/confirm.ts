// The confirmation modal's submission: the approval is recorded now (the store's compare-and-set
// and the policy decide, whatever the modal showed), and only a completing approval queues the
// remediation job. The view carries the proposal id in private_metadata and nothing else; the
// channel and thread come from where the proposal was posted.

import type { AllMiddlewareArgs, SlackViewAction, SlackViewMiddlewareArgs } from '@slack/bolt';
import { approversFor } from '../../../approvals/policy.ts';
import { PROPOSAL_ID } from '../../../queue/remediation-queue.ts';
import { renderAwaitingApproval } from '../../render/remediation.ts';
import type { ListenerContext } from '../context.ts';
import { approverGroupsOf, type TrustedClick } from './click.ts';
import { type Audience, enqueueApproved, refuse, tell } from './reply.ts';

type ViewArgs = SlackViewMiddlewareArgs<SlackViewAction> & AllMiddlewareArgs;

export function confirmSubmission(ctx: ListenerContext) {
  return async (args: ViewArgs): Promise<void> => {
    await args.ack();
    const user = args.body.user.id;
    const id = args.view.private_metadata;
    try {
      await submit(ctx, args, user, id);
    } catch (err) {
      ctx.logger.error({ err: (err as Error).message, user }, 'approval submission failed');
    }
  };
}

async function submit(ctx: ListenerContext, args: ViewArgs, user: string, id: string): Promise<void> {
  const services = ctx.remediation;
  if (!services || !PROPOSAL_ID.test(id)) {
    ctx.logger.warn({ user }, 'confirmation submitted without a proposal id: ignored');
    return;
  }
  const where = await services.records.location(id);
  if (!where) {
    ctx.logger.warn({ user, proposalId: id }, 'confirmation for a proposal never posted: ignored');
    return;
  }
  const to: Audience = { user, channel: where.channel, threadTs: where.threadTs };
  const store = services.store(ctx.registry());
  const before = await store.getProposal(id);
  const cluster = before && ctx.registry().clusters.find((c) => c.name === before.cluster);
  if (!before || !cluster) return refuse(ctx, to, 'this proposal no longer exists: run a fresh diagnosis');
  const groups = await approverGroupsOf(ctx, args.client, user, approversFor(cluster, store.settings));
  const outcome = await store.recordApproval(id, user, groups);
  ctx.metrics?.approvals.inc({ outcome: outcome.outcome === 'refused' ? (outcome.code === 'expired' ? 'expired' : 'denied') : 'approved' });
  if (outcome.outcome === 'refused') return refuse(ctx, to, outcome.reason);
  const click: TrustedClick = { proposal: outcome.proposal, where, cluster, services };
  if (outcome.outcome === 'needs-another-approval') {
    await ctx.slack.post(where.channel, renderAwaitingApproval(outcome.proposal, outcome.remaining), { threadTs: where.threadTs });
    return tell(ctx, to, `Your approval is recorded; ${outcome.remaining} more needed from another approver.`);
  }
  await enqueueApproved(ctx, to, click, user, { firstTime: outcome.firstTime });
}
