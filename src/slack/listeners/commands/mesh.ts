// The `/mesh` slash command. Every branch acknowledges first: with the answer itself when it is
// ready without I/O (help, playbook, refusals) or right after the one bounded enqueue (diagnose);
// with an empty ack followed by `respond()` when it needs Redis reads (clusters, status).

import { CommandError, parseMeshCommand } from '../../commands/parse.ts';
import type { Subcommand } from '../../commands/subcommands.ts';
import type { SlashCommandArgs } from '../../direct-commands.ts';
import { type EphemeralSlackMessage, renderError, renderHelp } from '../../render/index.ts';
import type { ListenerContext } from '../context.ts';
import { ephemeral } from '../messages.ts';
import { audit } from './audit.ts';
import { clusters } from './clusters.ts';
import { diagnose } from './diagnose.ts';
import { playbook } from './playbook.ts';
import { status } from './status.ts';

// Help is the same text for every request (it is generated from the subcommand table), so it is
// rendered once per topic; the ack only serializes it. Acks are never modified after sending.
const helpAcks = new Map<Subcommand | undefined, EphemeralSlackMessage>();

function helpAck(topic: Subcommand | undefined): EphemeralSlackMessage {
  let message = helpAcks.get(topic);
  if (!message) {
    message = ephemeral(renderHelp(topic));
    helpAcks.set(topic, message);
  }
  return message;
}

export function meshCommand(ctx: ListenerContext) {
  return async ({ command, ack, respond }: SlashCommandArgs): Promise<void> => {
    const parsed = parseMeshCommand(command.text ?? '');
    const count = (subcommand: string, outcome: string) => ctx.metrics?.slashCommands.inc({ subcommand, outcome });
    if (parsed instanceof CommandError) {
      count('invalid', 'refused');
      await ack(renderError(parsed.message));
      return;
    }
    const later = async (answer: () => Promise<EphemeralSlackMessage>) => {
      await ack();
      const message = await answer().catch((err: unknown) => {
        ctx.logger.error({ subcommand: parsed.command, err: (err as Error).message }, '/mesh answer failed');
        return renderError('Something went wrong on mesh-medic’s side; the bot log has the details.');
      });
      await respond(message).catch((err: unknown) => ctx.logger.warn({ err: (err as Error).message }, 'respond() failed'));
    };
    switch (parsed.command) {
      case 'help':
        count('help', 'ok');
        await ack(helpAck(parsed.topic));
        return;
      case 'playbook':
        count('playbook', 'ok');
        await ack(playbook(ctx, parsed.id));
        return;
      case 'audit':
        count('audit', 'ok');
        await later(() => audit(ctx, parsed.cluster));
        return;
      case 'clusters':
        count('clusters', 'ok');
        await later(() => clusters(ctx));
        return;
      case 'status':
        count('status', 'ok');
        await later(() => status(ctx, parsed.cluster));
        return;
      case 'diagnose': {
        const answer = await diagnose(ctx, { cluster: parsed.cluster, checks: parsed.checks }, command);
        count('diagnose', answer.outcome);
        if (answer.outcome !== 'refused') ctx.metrics?.enqueues.inc({ outcome: answer.outcome });
        await ack(answer.reply);
        await answer.after?.().catch((err: unknown) => ctx.logger.warn({ err: (err as Error).message }, 'note in the joined thread failed'));
        return;
      }
    }
  };
}
