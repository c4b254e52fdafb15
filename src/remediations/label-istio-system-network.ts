// Seed 002: istiod places a cluster's endpoints on the network named by the
// `topology.istio.io/network` label of its istio-system Namespace. Set it to the network
// registered for the cluster in clusters.yaml (never a value read from the cluster itself).

import type { Finding } from '../domain/finding.ts';
import { defineRemediation } from './define.ts';
import { buildPlan, isRefusal, movedSince, proposalOf, readTarget, refuse, targetNow } from './plan-support.ts';
import type { PlanContext, PlanOutcome } from './types.ts';

const ID = 'label-istio-system-network';
const NETWORK_LABEL = 'topology.istio.io/network';
const SYSTEM_NS = 'istio-system';

async function plan(finding: Finding, ctx: PlanContext): Promise<PlanOutcome> {
  const proposal = proposalOf(finding, ID);
  if (isRefusal(proposal)) return proposal;
  const { target } = proposal;
  if (target.kind !== 'Namespace' || target.name !== SYSTEM_NS) {
    return refuse(ID, `${ID} only labels the ${SYSTEM_NS} Namespace, not ${target.kind} ${target.name}`);
  }
  const network = ctx.cluster.network;
  if (!network) {
    return refuse(ID, `${ctx.cluster.name} has no network in clusters.yaml: there is no registered value to set`, [
      `Add network: <name> for ${ctx.cluster.name} in clusters.yaml, then diagnose again.`,
    ]);
  }
  const current = await readTarget(ctx.client, ID, target);
  if (isRefusal(current)) return current;
  const moved = movedSince(ID, target.resourceVersion, current, target);
  if (moved) return moved;
  const before = current.metadata.labels?.[NETWORK_LABEL];
  if (before === network) return refuse(ID, `${SYSTEM_NS} is already labelled ${NETWORK_LABEL}=${network}`);
  return buildPlan({
    remediation: ID,
    title: `Label namespace ${SYSTEM_NS} ${NETWORK_LABEL}=${network}`,
    target: targetNow(proposal, current),
    changes: [{ path: ['metadata', 'labels', NETWORK_LABEL], before, after: network }],
    blastRadius:
      `No pod restarts; istiod in mesh ${ctx.cluster.mesh} recomputes which network the endpoints of ${ctx.cluster.name} are on, ` +
      'so cross-network traffic to and from this cluster starts going through the east-west gateways.',
    namespaces: [SYSTEM_NS],
    reason: proposal.reason,
    notes: [
      `It does not relabel gateways or pods and cannot change ISTIO_META_NETWORK of running sidecars: those need the reinstall and restarts in playbook ${finding.playbook}.`,
    ],
    verification: { kind: 'check', check: finding.check },
  });
}

export const remediation = defineRemediation({
  id: ID,
  title: 'Label istio-system with the registered network',
  answers: ['network-labels'],
  permissions: [{ apiGroup: '', resource: 'namespaces', verbs: ['get', 'patch'] }],
  plan,
});
