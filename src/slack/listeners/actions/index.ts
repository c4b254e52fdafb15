// Button clicks and the confirmation modal (issue 5): Approve opens the confirmation with the dry
// run, its submission records the approval and queues the fix, Reject closes the proposal, Undo
// proposes the reverse change. Each listener acks first; every button is resolved to its
// server-side proposal and trusted for nothing but the proposal id and the clicking user.

import type { App, BlockButtonAction } from '@slack/bolt';
import { APPROVE_ACTION_ID, REJECT_ACTION_ID } from '../../render/index.ts';
import { CONFIRM_CALLBACK_ID, UNDO_ACTION_ID } from '../../render/remediation.ts';
import type { ListenerContext } from '../context.ts';
import { approveButton } from './approve.ts';
import { confirmSubmission } from './confirm.ts';
import { rejectButton } from './reject.ts';
import { undoButton } from './undo.ts';

export function register(app: App, ctx: ListenerContext): void {
  app.action<BlockButtonAction>(APPROVE_ACTION_ID, approveButton(ctx));
  app.action<BlockButtonAction>(REJECT_ACTION_ID, rejectButton(ctx));
  app.action<BlockButtonAction>(UNDO_ACTION_ID, undoButton(ctx));
  app.view(CONFIRM_CALLBACK_ID, confirmSubmission(ctx));
}
