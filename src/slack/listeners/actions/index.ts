// Button clicks. Approve / Reject on a proposed fix become real with issue 5 (approvals); until
// then they are acknowledged and answered, so a click never looks ignored, and nothing is changed.

import type { AllMiddlewareArgs, App, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { APPROVE_ACTION_ID, REJECT_ACTION_ID } from '../../render/index.ts';
import type { ListenerContext } from '../context.ts';
import { notYet } from '../messages.ts';

type ButtonArgs = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

export function register(app: App, ctx: ListenerContext): void {
  const stub = async ({ ack, respond, action, body }: ButtonArgs) => {
    await ack();
    ctx.logger.info({ action: action.action_id, user: body.user.id }, 'approval button clicked before approvals exist');
    await respond({ ...notYet('Approve and Reject'), replace_original: false }).catch((err: unknown) =>
      ctx.logger.warn({ err: (err as Error).message }, 'respond() to a button click failed'),
    );
  };
  app.action<BlockButtonAction>(APPROVE_ACTION_ID, stub);
  app.action<BlockButtonAction>(REJECT_ACTION_ID, stub);
}
