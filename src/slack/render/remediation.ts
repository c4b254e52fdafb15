// Pure renderers of the approval flow: the confirmation modal (the exact change, blast radius,
// namespaces, the API server's dry-run answer, the caveats), the outcome posted in the thread, the
// block that replaces a proposal's buttons ("Approved by … at 04:12 · applied · verified", with
// Undo when it is possible), new proposals (undo, follow-ups) with their own buttons, refusals,
// and the `/mesh audit` list. Everything from a cluster or a user is escaped.

import type { Proposal } from '../../approvals/types.ts';
import type { AuditEntry } from '../../audit/types.ts';
import type { DryRunAnswer, ExecutionResult } from '../../remediations/result.ts';
import { codeBlock, codeSpan, escapeTruncated } from '../mrkdwn.ts';
import { actions, type Block, button, context, divider, type EphemeralSlackMessage, header, type SectionBlock, type SlackMessage, section } from './blocks.ts';
import { linesIntoSections } from './budget.ts';
import { APPROVE_ACTION_ID, REJECT_ACTION_ID } from './finding.ts';
import { MAX_SECTION_TEXT } from './limits.ts';

export const UNDO_ACTION_ID = 'remediation_undo';
export const CONFIRM_CALLBACK_ID = 'remediation_confirm';

const USER_ID = /^[UW][A-Z0-9]{2,}$/;
const MODAL_TITLE = 'Approve this fix?';

export interface ModalView {
  type: 'modal';
  callback_id: string;
  /** The proposal id and nothing else. */
  private_metadata: string;
  title: { type: 'plain_text'; text: string };
  submit?: { type: 'plain_text'; text: string };
  close: { type: 'plain_text'; text: string };
  blocks: Block[];
}

/** `<@U…>` for a Slack user id, the escaped text otherwise (requester labels such as Alertmanager). */
export function who(user: string): string {
  return USER_ID.test(user) ? `<@${user}>` : escapeTruncated(user, 80);
}

/** `04:12 UTC` from an ISO time (the clock people read in an incident channel). */
export function clock(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return escapeTruncated(iso, 40);
  return `${d.toISOString().slice(11, 16)} UTC`;
}

function objectLine(p: Proposal): string {
  const t = p.plan.target;
  const ref = t.namespace ? `${t.namespace}/${t.name}` : t.name;
  return `${codeSpan(`${t.kind} ${ref}`, 200)} on *${escapeTruncated(p.cluster, 63)}* (resourceVersion ${codeSpan(t.resourceVersion, 40)})`;
}

function titleLine(p: Proposal): string {
  const kind = p.undoOf ? 'Undo' : p.parent ? 'Follow-up' : 'Fix';
  return `*${kind}: ${escapeTruncated(p.plan.title, 200)}* (${codeSpan(p.remediation, 63)})`;
}

function diffText(p: Proposal): string {
  return `*Exact change*\n${codeBlock(p.plan.diff.join('\n') || '(no field changes)', 1500)}`;
}

function patchText(p: Proposal): string {
  return `*Patch* (${escapeTruncated(p.plan.patchType, 20)}, with the resourceVersion precondition)\n${codeBlock(JSON.stringify(p.plan.patch, null, 2), 1200)}`;
}

export function dryRunText(answer: DryRunAnswer | undefined): string {
  if (!answer) return ':hourglass_flowing_sand: *Server-side dry run:* running…';
  if (answer.accepted) {
    return `:white_check_mark: *Server-side dry run: accepted.* The API server would store:\n${codeBlock(answer.diff.join('\n'), 1200)}`;
  }
  return `:no_entry: *Server-side dry run: rejected* (${escapeTruncated(answer.code, 40)}): ${escapeTruncated(answer.message, 1200)}\nThis fix cannot be approved as planned; run a fresh diagnosis.`;
}

function approvalsLine(p: Proposal): string {
  const have = p.approvals.map((a) => who(a.user));
  const got = have.length > 0 ? ` (approved so far by ${have.join(', ')})` : '';
  return `Needs ${p.requiredApprovals} approval${p.requiredApprovals === 1 ? '' : 's'}${got} · requested by ${who(p.requester)} · expires ${clock(p.expiresAt)}`;
}

/** The confirmation modal; without a dry-run answer yet it shows "running…" and cannot be submitted. */
export function renderConfirmModal(p: Proposal, answer?: DryRunAnswer): ModalView {
  const plan = p.plan;
  const blocks: Block[] = [
    section(`${titleLine(p)}\n${objectLine(p)}\n${escapeTruncated(p.findingSummary, 600)}`),
    section(diffText(p)),
    section(patchText(p)),
    section(`*Blast radius*\n${escapeTruncated(plan.blastRadius, 1200)}`),
    section(`*Namespaces touched:* ${plan.namespaces.map((n) => codeSpan(n, 63)).join(', ') || '(cluster-scoped object only)'}`),
  ];
  if (plan.notes.length > 0) blocks.push(section(`*Notes*\n${plan.notes.map((n) => `• ${escapeTruncated(n, 600)}`).join('\n')}`));
  if (plan.followUps.length > 0) {
    const lines = plan.followUps.map((f) => `• ${codeSpan(f.remediation, 63)} ${codeSpan(`${f.target.kind} ${f.target.namespace ?? ''}/${f.target.name}`, 150)}: ${escapeTruncated(f.why, 300)}`);
    blocks.push(section(`*Offered afterwards (each needs its own approval)*\n${lines.join('\n')}`));
  }
  blocks.push(divider(), section(dryRunText(answer)), context(approvalsLine(p)));
  const view: ModalView = {
    type: 'modal',
    callback_id: CONFIRM_CALLBACK_ID,
    private_metadata: p.id,
    title: { type: 'plain_text', text: MODAL_TITLE },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks,
  };
  if (answer?.accepted) view.submit = { type: 'plain_text', text: p.approvals.length + 1 >= p.requiredApprovals ? 'Approve and apply' : 'Approve' };
  return view;
}

/** Approve / Reject for a proposal posted on its own (undo, follow-ups): the value is the id only. */
export function proposalButtons(id: string): Block {
  return actions(button('Approve', APPROVE_ACTION_ID, id, 'primary'), button('Reject', REJECT_ACTION_ID, id, 'danger'));
}

/** A new proposal in the thread (undo, follow-up) with its own buttons. */
export function renderProposalMessage(p: Proposal): SlackMessage {
  const why = p.undoOf ? 'Restores the values the fix replaced.' : escapeTruncated(p.findingSummary, 600);
  return {
    text: `${p.undoOf ? 'Undo' : 'Follow-up'} proposed: ${p.plan.title} on ${p.cluster}`.slice(0, 300),
    blocks: [
      section(`:arrows_counterclockwise: ${titleLine(p)}\n${objectLine(p)}\n${why}`),
      section(diffText(p)),
      context(`Blast radius: ${escapeTruncated(p.plan.blastRadius, 600)}`, approvalsLine(p)),
      proposalButtons(p.id),
      divider(),
    ],
  };
}

function verificationWord(result: ExecutionResult | undefined): string | undefined {
  const status = result?.verification?.status;
  if (!status) return undefined;
  return status === 'not-yet-verified' ? 'not yet verified' : status === 'pending' ? 'verifying…' : status;
}

function stateWords(p: Proposal): string {
  switch (p.state) {
    case 'approved':
      return 'applying…';
    case 'applying':
      return 'applying…';
    case 'applied':
      return ['applied', verificationWord(p.result)].filter(Boolean).join(' · ');
    case 'refused':
      return `refused: ${escapeTruncated(p.result?.reason ?? 'no reason recorded', 300)}`;
    case 'failed':
      return `failed: ${escapeTruncated(p.result?.reason ?? 'no reason recorded', 300)}`;
    default:
      return p.state;
  }
}

const STATE_EMOJI: Partial<Record<Proposal['state'], string>> = {
  approved: ':hourglass_flowing_sand:',
  applying: ':hourglass_flowing_sand:',
  applied: ':white_check_mark:',
  refused: ':no_entry:',
  failed: ':x:',
  rejected: ':no_entry_sign:',
  expired: ':alarm_clock:',
};

export interface DecisionOptions {
  /** Offer the Undo button (an applied fix with undo data, not undone or offered yet). */
  undo?: boolean;
  /** Extra words after the outcome ("undo proposed in the thread"). */
  note?: string;
}

/** The block that replaces a proposal's Approve / Reject buttons once it is decided. */
export function renderDecision(p: Proposal, opts: DecisionOptions = {}): SectionBlock {
  const emoji = STATE_EMOJI[p.state] ?? ':information_source:';
  let text: string;
  if (p.state === 'rejected' && p.rejection) {
    text = `${emoji} Rejected by ${who(p.rejection.user)} at ${clock(p.rejection.at)}`;
  } else if (p.state === 'expired') {
    text = `${emoji} Expired at ${clock(p.expiresAt)} without approval`;
  } else {
    const last = p.approvals[p.approvals.length - 1];
    const by = p.approvals.map((a) => who(a.user)).join(' and ');
    text = `${emoji} Approved by ${by || 'nobody'}${last ? ` at ${clock(last.at)}` : ''} · ${stateWords(p)}`;
  }
  if (opts.note) text += ` · ${escapeTruncated(opts.note, 200)}`;
  const block = section(text);
  if (opts.undo) block.accessory = button('Undo', UNDO_ACTION_ID, p.id);
  return block;
}

function isButtonsOf(block: unknown, id: string): boolean {
  if (!block || typeof block !== 'object') return false;
  const b = block as { type?: unknown; elements?: unknown; accessory?: unknown };
  const named = (el: unknown) => {
    const e = el as { action_id?: unknown; value?: unknown } | null;
    return e?.value === id && (e.action_id === APPROVE_ACTION_ID || e.action_id === REJECT_ACTION_ID);
  };
  return b.type === 'actions' && Array.isArray(b.elements) && b.elements.some(named);
}

/** The message as posted, with each decided proposal's buttons replaced by its decision block. */
export function applyDecisions(base: readonly unknown[], decisions: ReadonlyMap<string, unknown>): unknown[] {
  return base.map((block) => {
    for (const [id, decision] of decisions) if (isButtonsOf(block, id)) return decision;
    return block;
  });
}

/** Proposal ids named by Approve buttons in a message (where their buttons were posted). */
export function proposalIdsIn(blocks: readonly unknown[]): string[] {
  const ids: string[] = [];
  for (const block of blocks) {
    const b = block as { type?: unknown; elements?: unknown };
    if (b?.type !== 'actions' || !Array.isArray(b.elements)) continue;
    for (const el of b.elements as { action_id?: unknown; value?: unknown }[]) {
      if (el?.action_id === APPROVE_ACTION_ID && typeof el.value === 'string') ids.push(el.value);
    }
  }
  return ids;
}

/** The outcome of a remediation job, as a thread reply. */
export function renderOutcome(p: Proposal, result: ExecutionResult): SlackMessage {
  const what = `${codeSpan(p.remediation, 63)} on ${objectLine(p)}`;
  const lines: string[] = [];
  let text: string;
  if (result.outcome === 'applied') {
    const v = result.verification;
    const status = verificationWord(result) ?? 'not verified';
    const emoji = v?.status === 'verified' ? ':white_check_mark:' : v?.status === 'failed' ? ':x:' : ':warning:';
    lines.push(`${emoji} *Applied · ${status}*: ${what}`, codeBlock(p.plan.diff.join('\n'), 1200));
    if (v) lines.push(`Verification: ${escapeTruncated(v.summary, 800)}`);
    if (v?.status !== 'verified') lines.push(`Look again with ${codeSpan(`/mesh diagnose ${p.cluster}`, 90)}; Undo restores the previous values.`);
    text = `Applied (${status}): ${p.remediation} on ${p.cluster}`;
  } else {
    const emoji = result.outcome === 'refused' ? ':no_entry:' : ':x:';
    lines.push(`${emoji} *${result.outcome === 'refused' ? 'Refused' : 'Failed'}, nothing was changed*: ${what}`, `Reason: ${escapeTruncated(result.reason ?? 'unknown', 1200)}`);
    if (result.nextStep) lines.push(`Next: ${escapeTruncated(result.nextStep, 300)}`);
    lines.push(`Run ${codeSpan(`/mesh diagnose ${p.cluster}`, 90)} for a fresh diagnosis and a new proposal.`);
    text = `${result.outcome === 'refused' ? 'Refused' : 'Failed'}: ${p.remediation} on ${p.cluster}`;
  }
  const approvedBy = p.approvals.map((a) => `${who(a.user)} at ${clock(a.at)}`).join(', ');
  return { text, blocks: [section(lines.join('\n')), context(`Approved by ${approvedBy || 'nobody'} · proposal ${codeSpan(p.id, 40)}`)] };
}

/** "1 more approval needed", in the thread, after a first approval on a proposal needing two. */
export function renderAwaitingApproval(p: Proposal, remaining: number): SlackMessage {
  const last = p.approvals[p.approvals.length - 1];
  const by = last ? `${who(last.user)} approved ${codeSpan(p.remediation, 63)}` : `${codeSpan(p.remediation, 63)} is pending`;
  const more = `${remaining} more approval${remaining === 1 ? '' : 's'} needed`;
  return { text: `${more} for ${p.remediation} on ${p.cluster}`, blocks: [section(`:raised_hand: ${by} on ${objectLine(p)}: *${more}* from another approver (Approve on the report).`)] };
}

/** An ephemeral refusal: why, and what to do instead. */
export function renderRefusal(reason: string, nextStep?: string): EphemeralSlackMessage {
  const lines = [`:no_entry: *Not done:* ${escapeTruncated(reason, 1500)}`];
  if (nextStep) lines.push(escapeTruncated(nextStep, 500));
  return { response_type: 'ephemeral', text: `Not done: ${reason}`.slice(0, 300), blocks: [section(lines.join('\n'))] };
}

/** A short ephemeral notice (the approval was recorded, the fix was queued). */
export function renderNotice(mrkdwn: string, text: string): EphemeralSlackMessage {
  return { response_type: 'ephemeral', text, blocks: [section(mrkdwn)] };
}

function auditLine(e: AuditEntry): string {
  const o = e.object;
  const ref = o.namespace ? `${o.namespace}/${o.name}` : o.name;
  const parts = [
    `${clock(e.at)} ${escapeTruncated(e.at.slice(0, 10), 10)}`,
    `*${escapeTruncated(e.action, 30)}* ${escapeTruncated(e.result, 80)}`,
    `by ${who(e.actor)}`,
    `${escapeTruncated(e.cluster, 63)} ${codeSpan(`${o.kind} ${ref}`, 120)}`,
    codeSpan(e.remediation, 63),
  ];
  const detail = e.detail ? `: ${escapeTruncated(e.detail, 200)}` : '';
  return `• ${parts.join(' · ')}${detail}`;
}

/** `/mesh audit [cluster]`: the latest records, newest first. */
export function renderAuditList(entries: readonly AuditEntry[], cluster?: string): EphemeralSlackMessage {
  const scope = cluster ? ` of ${cluster}` : '';
  if (entries.length === 0) {
    return { response_type: 'ephemeral', text: `No audit records${scope}`, blocks: [section(`No approvals, refusals or fixes recorded${escapeTruncated(scope, 80)} yet.`)] };
  }
  const lines = entries.map(auditLine);
  const blocks: Block[] = [header(`Audit log${scope}`.slice(0, 150))];
  for (const text of linesIntoSections(lines, 20, MAX_SECTION_TEXT)) blocks.push(section(text));
  blocks.push(context(`Latest ${entries.length} record${entries.length === 1 ? '' : 's'}, newest first. The full log is the Redis stream mesh-medic:audit.`));
  return { response_type: 'ephemeral', text: `${entries.length} audit records${scope}`, blocks };
}
