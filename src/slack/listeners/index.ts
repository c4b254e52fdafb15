// Every Slack listener of the bot, registered on one Bolt App.

import type { App } from '@slack/bolt';
import * as actions from './actions/index.ts';
import * as commands from './commands/index.ts';
import type { ListenerContext } from './context.ts';

export type { ListenerContext } from './context.ts';

export function registerListeners(app: App, ctx: ListenerContext): void {
  commands.register(app, ctx);
  actions.register(app, ctx);
}
