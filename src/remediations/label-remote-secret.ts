// Seed 002: istiod watches only Secrets labelled `istio/multiCluster=true`; a remote secret that
// holds the right kubeconfig but lacks the label is ignored and the peer is never discovered.
// Add the label and nothing else. The Secret's data is dropped the moment it is read (see
// readTarget): it never enters a plan, a log, the audit stream or Redis.

import type { Finding } from '../domain/finding.ts';
import { defineRemediation } from './define.ts';
import { buildPlan, isRefusal, movedSince, proposalOf, readTarget, refuse, targetNow } from './plan-support.ts';
import type { PlanContext, PlanOutcome } from './types.ts';

const ID = 'label-remote-secret';
const LABEL = 'istio/multiCluster';
const SYSTEM_NS = 'istio-system';

async function plan(finding: Finding, ctx: PlanContext): Promise<PlanOutcome> {
  const proposal = proposalOf(finding, ID);
  if (isRefusal(proposal)) return proposal;
  const { target } = proposal;
  if (target.kind !== 'Secret' || target.namespace !== SYSTEM_NS) {
    return refuse(ID, `${ID} only labels Secrets in ${SYSTEM_NS}, not ${target.kind} ${target.namespace ?? ''}/${target.name}`);
  }
  const current = await readTarget(ctx.client, ID, target);
  if (isRefusal(current)) return current;
  const moved = movedSince(ID, target.resourceVersion, current, target);
  if (moved) return moved;
  const before = current.metadata.labels?.[LABEL];
  if (before !== undefined) {
    return refuse(ID, `${SYSTEM_NS}/${target.name} already has ${LABEL}=${before}: mesh-medic never overwrites it`, [
      `If istiod should use it, set ${LABEL}=true by hand after checking the secret is meant for this mesh.`,
    ]);
  }
  return buildPlan({
    remediation: ID,
    title: `Label Secret ${SYSTEM_NS}/${target.name} ${LABEL}=true`,
    target: targetNow(proposal, current),
    changes: [{ path: ['metadata', 'labels', LABEL], before, after: 'true' }],
    blastRadius:
      `No pod restarts; istiod in ${ctx.cluster.name} starts watching the cluster this secret's kubeconfig reaches, ` +
      'and its endpoints join the load balancing of every proxy istiod configures.',
    namespaces: [SYSTEM_NS],
    reason: proposal.reason,
    notes: ['Only the label changes: the kubeconfig, its keys and its credentials are neither read into mesh-medic nor modified.'],
    verification: { kind: 'check', check: finding.check },
  });
}

export const remediation = defineRemediation({
  id: ID,
  title: 'Label a remote secret so istiod uses it',
  answers: ['remote-secrets'],
  permissions: [{ apiGroup: '', resource: 'secrets', verbs: ['get', 'patch'], namespaces: [SYSTEM_NS] }],
  plan,
});
