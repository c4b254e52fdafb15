// Approve: ack at once, resolve the click to its server-side proposal, ask the policy (without
// recording anything yet), then open the confirmation modal and fill in the API server's dry-run
// answer. The approval itself is recorded when the modal is submitted (confirm.ts): closing the
// modal approves nothing. A user who already gave the completing approval (a lost job, a double
// click after the modal) gets the job enqueued again, which is a no-op when it exists.

import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { approversFor, decideApproval } from '../../../approvals/policy.ts';
import { dryRunProposal } from '../../../remediations/execute.ts';
import type { DryRunAnswer } from '../../../remediations/result.ts';
import { renderConfirmModal } from '../../render/remediation.ts';
import type { ListenerContext } from '../context.ts';
import { approverGroupsOf, type TrustedClick, trustClick } from './click.ts';
import { enqueueApproved, refuse, tell } from './reply.ts';

export type ButtonArgs = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

export function approveButton(ctx: ListenerContext) {
  return async (args: ButtonArgs): Promise<void> => {
    await args.ack();
    const { body, action } = args;
    const user = body.user.id;
    try {
      const trusted = await trustClick(ctx, body, action.value);
      if (!trusted.ok) return await refuse(ctx, args, trusted.reason);
      await approve(ctx, args, trusted.click, user);
    } catch (err) {
      ctx.logger.error({ err: (err as Error).message, user }, 'approve click failed');
      await refuse(ctx, args, 'something went wrong on mesh-medic’s side (see the bot log); nothing was changed');
    }
  };
}

async function approve(ctx: ListenerContext, args: ButtonArgs, click: TrustedClick, user: string): Promise<void> {
  const { proposal: p, cluster, services } = click;
  const alreadyMine = p.approvals.some((a) => a.user === user);
  if (alreadyMine && (p.state === 'approved' || p.state === 'applying' || p.state === 'applied')) {
    await enqueueApproved(ctx, args, click, user);
    return;
  }
  const store = services.store(ctx.registry());
  const groups = await approverGroupsOf(ctx, args.client, user, approversFor(cluster, store.settings));
  const decision = decideApproval({
    cluster,
    settings: store.settings,
    proposal: p,
    user,
    groups,
    now: ctx.now?.() ?? new Date(),
    appliedLastHour: await store.appliedLastHour(p.cluster),
  });
  if (!decision.allow) {
    await auditRefusal(click, user, decision.code, decision.reason);
    await refuse(ctx, args, decision.reason, decision.code === 'expired' || decision.code === 'not-pending' ? `Run /mesh diagnose ${p.cluster} for a fresh proposal.` : undefined);
    return;
  }
  await confirm(ctx, args, click, user);
}

/** Opens the modal at once (the trigger expires in 3 s), then shows the dry run in it. */
async function confirm(ctx: ListenerContext, args: ButtonArgs, click: TrustedClick, user: string): Promise<void> {
  const opened = await args.client.views.open({ trigger_id: args.body.trigger_id, view: renderConfirmModal(click.proposal) as never });
  const answer = await click.services.withDeps(ctx.registry(), (deps) => dryRunProposal(click.proposal.id, deps, user));
  const dryRun: DryRunAnswer = answer.ok ? answer.answer : { accepted: false, code: 'NOT_AVAILABLE', message: answer.reason };
  const view = opened.view;
  if (!view?.id) return;
  await args.client.views
    .update({ view_id: view.id, ...(view.hash ? { hash: view.hash } : {}), view: renderConfirmModal(answer.ok ? answer.proposal : click.proposal, dryRun) as never })
    .catch(async (err: unknown) => {
      // The modal was closed (or changed) meanwhile: the person can click Approve again.
      ctx.logger.info({ err: (err as Error).message }, 'confirmation modal not updated');
      await tell(ctx, args, 'The confirmation could not show the dry run; click Approve again.');
    });
}

async function auditRefusal(click: TrustedClick, user: string, code: string, reason: string): Promise<void> {
  const t = click.proposal.plan.target;
  await click.services.audit.append({
    actor: user,
    action: 'refusal',
    cluster: click.proposal.cluster,
    object: { apiVersion: t.apiVersion, kind: t.kind, ...(t.namespace ? { namespace: t.namespace } : {}), name: t.name },
    proposalId: click.proposal.id,
    remediation: click.proposal.remediation,
    result: `refused: ${code}`,
    detail: reason,
  });
}
