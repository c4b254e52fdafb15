// Slash commands (bolt-js starter-template layout: one `register` per listener kind).

import type { App } from '@slack/bolt';
import type { SlashCommandHandler, SlashCommandTable } from '../../direct-commands.ts';
import type { ListenerContext } from '../context.ts';
import { meshCommand } from './mesh.ts';

export const MESH_COMMAND = '/mesh';

/**
 * Registers every slash command with Bolt (Socket Mode) and returns the same handlers, so that in
 * HTTP mode the bot can answer them without Bolt's dispatch (src/slack/direct-commands.ts).
 */
export function register(app: App, ctx: ListenerContext): SlashCommandTable {
  const table = new Map<string, SlashCommandHandler>([[MESH_COMMAND, meshCommand(ctx)]]);
  for (const [name, handler] of table) app.command(name, handler);
  return table;
}
