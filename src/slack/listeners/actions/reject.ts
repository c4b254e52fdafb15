// Reject: closes a pending (or approved, not yet applying) proposal. Its requester or an approver
// may; the buttons on the report are replaced with "Rejected by … at …".

import { approversFor } from '../../../approvals/policy.ts';
import { showDecision } from '../../../queue/remediation-message.ts';
import type { ListenerContext } from '../context.ts';
import type { ButtonArgs } from './approve.ts';
import { approverGroupsOf, trustClick } from './click.ts';
import { refuse, tell } from './reply.ts';

export function rejectButton(ctx: ListenerContext) {
  return async (args: ButtonArgs): Promise<void> => {
    await args.ack();
    const user = args.body.user.id;
    try {
      const trusted = await trustClick(ctx, args.body, args.action.value);
      if (!trusted.ok) return await refuse(ctx, args, trusted.reason);
      const { proposal, cluster, services } = trusted.click;
      const store = services.store(ctx.registry());
      const groups = await approverGroupsOf(ctx, args.client, user, approversFor(cluster, store.settings));
      const outcome = await store.reject(proposal.id, user, groups);
      ctx.metrics?.approvals.inc({ outcome: outcome.outcome === 'refused' ? 'denied' : 'rejected' });
      if (outcome.outcome === 'refused') return await refuse(ctx, args, outcome.reason);
      await showDecision(services.records, ctx.slack, outcome.proposal);
      await tell(ctx, args, 'Rejected: nothing will be changed.');
    } catch (err) {
      ctx.logger.error({ err: (err as Error).message, user }, 'reject click failed');
      await refuse(ctx, args, 'something went wrong on mesh-medic’s side (see the bot log)');
    }
  };
}
