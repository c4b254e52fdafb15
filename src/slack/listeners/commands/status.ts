// `/mesh status [cluster]`: diagnoses waiting or running, then the most recent finished ones,
// each with a link to its thread.

import { describeAge } from '../../../queue/last-results.ts';
import { type DiagnosisStatus, listDiagnoses } from '../../../queue/status.ts';
import { suggestClosest } from '../../commands/parse.ts';
import { codeSpan, escapeTruncated } from '../../mrkdwn.ts';
import { type Block, context, type EphemeralSlackMessage, section } from '../../render/blocks.ts';
import { linesIntoSections } from '../../render/budget.ts';
import { MAX_SECTION_TEXT } from '../../render/limits.ts';
import type { ListenerContext } from '../context.ts';
import { queueUnavailable, threadLink, unknownCluster } from '../messages.ts';

const MAX_SECTIONS = 10;

export async function status(ctx: ListenerContext, cluster?: string): Promise<EphemeralSlackMessage> {
  if (cluster !== undefined) {
    const known = ctx.registry().clusters.map((c) => c.name);
    if (!known.includes(cluster)) return unknownCluster(cluster, known, suggestClosest(cluster, known));
  }
  let list: DiagnosisStatus[];
  try {
    list = await ctx.producer.withQueue((queue) => listDiagnoses(queue, ctx.effects, cluster ? { cluster } : {}));
  } catch (err) {
    ctx.logger.warn({ err: (err as Error).message }, '/mesh status: queue unavailable');
    return queueUnavailable();
  }
  return renderStatus(list, { now: ctx.now?.() ?? new Date(), workspaceUrl: ctx.workspaceUrl(), ...(cluster ? { cluster } : {}) });
}

export function renderStatus(list: readonly DiagnosisStatus[], opts: { now: Date; workspaceUrl?: string | undefined; cluster?: string }): EphemeralSlackMessage {
  const scope = opts.cluster ? ` of *${escapeTruncated(opts.cluster, 63)}*` : '';
  if (list.length === 0) {
    const text = `No diagnoses${scope} running or in the recent history. Start one with \`/mesh diagnose <cluster>\`.`;
    return { response_type: 'ephemeral', text: `No diagnoses${opts.cluster ? ` of ${opts.cluster}` : ''}`, blocks: [section(text.replace('<cluster>', '&lt;cluster&gt;'))] };
  }
  const running = list.filter((s) => s.state === 'waiting' || s.state === 'running');
  const finished = list.filter((s) => s.state === 'done' || s.state === 'failed');
  const lines = [
    `*Running and waiting${scope}* (${running.length})`,
    ...(running.length > 0 ? running.map((s) => line(s, opts)) : ['• none']),
    `*Recent${scope}* (${finished.length})`,
    ...(finished.length > 0 ? finished.map((s) => line(s, opts)) : ['• none']),
  ];
  const blocks: Block[] = linesIntoSections(lines, MAX_SECTIONS, MAX_SECTION_TEXT).map((t) => section(t));
  blocks.push(context('`/mesh status <cluster>` narrows this to one cluster.'.replace('<cluster>', '&lt;cluster&gt;')));
  return { response_type: 'ephemeral', text: `${running.length} running, ${finished.length} recent diagnoses`, blocks };
}

const STATE_EMOJI: Record<DiagnosisStatus['state'], string> = {
  waiting: ':hourglass_flowing_sand:',
  running: ':mag:',
  done: ':white_check_mark:',
  failed: ':x:',
};

function line(s: DiagnosisStatus, opts: { now: Date; workspaceUrl?: string | undefined }): string {
  const parts = [`${STATE_EMOJI[s.state]} *${escapeTruncated(s.cluster, 63)}*`, stateText(s)];
  const by = /^[UW][A-Z0-9]{2,}$/.test(s.requestedBy) ? `<@${s.requestedBy}>` : escapeTruncated(s.requestedBy, 80);
  parts.push(`requested by ${by} ${describeAge(opts.now.getTime() - Date.parse(s.requestedAt))}`);
  if (s.thread) parts.push(threadLink(s.thread, opts.workspaceUrl));
  return `• ${parts.join(' · ')}`;
}

function stateText(s: DiagnosisStatus): string {
  switch (s.state) {
    case 'waiting':
      return 'waiting for a worker';
    case 'running':
      return s.progress ? `running, ${s.progress.done}/${s.progress.total} checks done` : 'running';
    case 'done': {
      const failing = s.result?.failing ?? [];
      if (failing.length === 0) return 'no failing checks';
      const ids = failing.slice(0, 3).map((id) => codeSpan(id, 63)).join(', ');
      return `${failing.length} failing (${ids}${failing.length > 3 ? ', …' : ''})`;
    }
    case 'failed':
      return `failed: ${escapeTruncated(s.failedReason ?? 'unknown error', 200)}`;
  }
}
