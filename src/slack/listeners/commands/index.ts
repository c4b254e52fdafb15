// Slash commands (bolt-js starter-template layout: one `register` per listener kind).

import type { App } from '@slack/bolt';
import type { ListenerContext } from '../context.ts';
import { meshCommand } from './mesh.ts';

export const MESH_COMMAND = '/mesh';

export function register(app: App, ctx: ListenerContext): void {
  app.command(MESH_COMMAND, meshCommand(ctx));
}
