// What every proposal button shares: the click is trusted for two things only, the proposal id
// (the button's value) and the clicking user. Everything else comes from Redis: the proposal, and
// where its buttons were posted. A value that is not an id, an id nobody posted, or an id posted in
// another channel or on another message is refused (and audited), and nothing else happens.

import type { webApi } from '@slack/bolt';
import type { Proposal } from '../../../approvals/types.ts';
import type { RegisteredCluster } from '../../../domain/cluster.ts';
import { PROPOSAL_ID } from '../../../queue/remediation-queue.ts';
import type { ProposalLocation } from '../../../queue/remediation-records.ts';
import type { RemediationServices } from '../../../queue/remediation-services.ts';
import type { ListenerContext } from '../context.ts';

type WebClient = InstanceType<typeof webApi.WebClient>;

export interface ClickBody {
  user: { id: string };
  channel?: { id?: string } | null;
  container?: { channel_id?: string; message_ts?: string } | null;
  message?: { ts?: string } | null;
}

export interface TrustedClick {
  proposal: Proposal;
  where: ProposalLocation;
  cluster: RegisteredCluster;
  services: RemediationServices;
}

export type ClickOutcome = { ok: true; click: TrustedClick } | { ok: false; reason: string };

const NOT_HERE = 'this button does not belong to a proposal posted on this message: nothing was done';

/** Resolves a click to its server-side proposal, or refuses it (audited). */
export async function trustClick(ctx: ListenerContext, body: ClickBody, value: string | undefined): Promise<ClickOutcome> {
  const services = ctx.remediation;
  if (!services) return { ok: false, reason: 'fixes from Slack are not enabled on this mesh-medic' };
  const user = body.user.id;
  const id = value ?? '';
  if (!PROPOSAL_ID.test(id)) {
    await auditForged(services, user, id, 'the button value is not a proposal id');
    return { ok: false, reason: NOT_HERE };
  }
  const channel = body.channel?.id ?? body.container?.channel_id;
  const messageTs = body.container?.message_ts ?? body.message?.ts;
  const where = await locationOf(services, id);
  if (!where || where.channel !== channel || where.messageTs !== messageTs) {
    await auditForged(services, user, id, where ? `clicked in ${channel ?? '?'} on ${messageTs ?? '?'}, posted elsewhere` : 'no proposal was posted with this id');
    return { ok: false, reason: NOT_HERE };
  }
  const proposal = await services.store(ctx.registry()).getProposal(id);
  if (!proposal) return { ok: false, reason: 'this proposal no longer exists (it expired and was removed): run a fresh diagnosis' };
  const cluster = ctx.registry().clusters.find((c) => c.name === proposal.cluster);
  if (!cluster) return { ok: false, reason: `cluster ${proposal.cluster} is no longer registered` };
  return { ok: true, click: { proposal, where, cluster, services } };
}

// A report message is visible in Slack a moment before its proposals' locations are recorded (the
// ts is known only once Slack answers the post): a click in that moment waits for the record.
const LOCATION_WAITS = 10;
const LOCATION_WAIT_MS = 100;

async function locationOf(services: RemediationServices, id: string) {
  for (let i = 0; ; i++) {
    const where = await services.records.location(id);
    if (where || i >= LOCATION_WAITS) return where;
    await new Promise((resolve) => setTimeout(resolve, LOCATION_WAIT_MS));
  }
}

async function auditForged(services: RemediationServices, user: string, id: string, detail: string): Promise<void> {
  await services.audit.append({
    actor: user,
    action: 'refusal',
    cluster: '-',
    object: { apiVersion: '-', kind: '-', name: '-' },
    proposalId: id.slice(0, 64),
    remediation: '-',
    result: 'refused: forged-or-misplaced-button',
    detail,
  });
}

/**
 * The user groups (among the configured approvers) the user belongs to. Slack is asked only when
 * group approvers are configured; a failed lookup counts as "not a member" (and is logged).
 */
export async function approverGroupsOf(ctx: ListenerContext, client: WebClient, user: string, approvers: readonly string[]): Promise<string[]> {
  const groups = approvers.filter((a) => a.startsWith('S'));
  const member: string[] = [];
  for (const usergroup of groups) {
    try {
      const res = await client.usergroups.users.list({ usergroup });
      if (Array.isArray(res.users) && res.users.includes(user)) member.push(usergroup);
    } catch (err) {
      ctx.logger.warn({ usergroup, err: (err as Error).message }, 'user group lookup failed: treating the user as not a member');
    }
  }
  return member;
}
