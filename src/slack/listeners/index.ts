// Every Slack listener of the bot, registered on one Bolt App.

import type { App } from '@slack/bolt';
import type { SlashCommandTable } from '../direct-commands.ts';
import * as actions from './actions/index.ts';
import * as commands from './commands/index.ts';
import type { ListenerContext } from './context.ts';

export type { ListenerContext } from './context.ts';

/** Returns the slash commands, for answering them without Bolt's dispatch in HTTP mode. */
export function registerListeners(app: App, ctx: ListenerContext): SlashCommandTable {
  const slashCommands = commands.register(app, ctx);
  actions.register(app, ctx);
  return slashCommands;
}
