// Undo: a new proposal restoring the values an applied fix replaced, posted in the thread with
// its own Approve / Reject buttons (it needs approval like any fix). One undo per applied fix: a
// double click or two people at once get the one already proposed.

import { proposeUndo } from '../../../remediations/propose.ts';
import { showDecision } from '../../../queue/remediation-message.ts';
import { renderProposalMessage } from '../../render/remediation.ts';
import type { ListenerContext } from '../context.ts';
import type { ButtonArgs } from './approve.ts';
import { type TrustedClick, trustClick } from './click.ts';
import { refuse, tell } from './reply.ts';

export function undoButton(ctx: ListenerContext) {
  return async (args: ButtonArgs): Promise<void> => {
    await args.ack();
    const user = args.body.user.id;
    try {
      const trusted = await trustClick(ctx, args.body, args.action.value);
      if (!trusted.ok) return await refuse(ctx, args, trusted.reason);
      await undo(ctx, args, trusted.click, user);
    } catch (err) {
      ctx.logger.error({ err: (err as Error).message, user }, 'undo click failed');
      await refuse(ctx, args, 'something went wrong on mesh-medic’s side (see the bot log); nothing was changed');
    }
  };
}

async function undo(ctx: ListenerContext, args: ButtonArgs, click: TrustedClick, user: string): Promise<void> {
  const { proposal: p, where, services } = click;
  if (p.state !== 'applied' || !p.result?.undo) return refuse(ctx, args, `this proposal is ${p.state}: only an applied fix can be undone`);
  if (!(await services.records.claimUndo(p.id))) return tell(ctx, args, 'An undo of this fix was already proposed: approve it in the thread.');
  const proposed = await services.withDeps(ctx.registry(), (deps) => proposeUndo(p.id, user, deps)).catch(async (err: unknown) => {
    await services.records.releaseUndo(p.id);
    throw err;
  });
  if (!proposed.ok) {
    await services.records.releaseUndo(p.id);
    return refuse(ctx, args, proposed.reason, proposed.manualSteps.join('; ') || undefined);
  }
  const message = renderProposalMessage(proposed.proposal);
  const ts = await ctx.slack.post(where.channel, message, { threadTs: where.threadTs });
  await services.records.saveMessage(where.channel, ts, message);
  await services.records.saveLocation(proposed.proposal.id, { channel: where.channel, threadTs: where.threadTs, messageTs: ts });
  await services.records.recordUndo(p.id, proposed.proposal.id);
  await showDecision(services.records, ctx.slack, p, { note: 'undo proposed in the thread' });
  await tell(ctx, args, 'Undo proposed in the thread: it needs an approval like any fix.');
}
