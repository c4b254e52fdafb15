// A rolling restart of a gateway Deployment, the way `kubectl rollout restart` does it: a new
// `kubectl.kubernetes.io/restartedAt` pod-template annotation. It cures nothing by itself; it is a
// follow-up once the cause is fixed (point-istiod-remote, a LoadBalancer address), to cut a
// crash-loop back-off short. Only gateway Deployments (istio=ingressgateway|eastwestgateway|
// egressgateway): restarting applications is their owners' call.

import { gatewayClassOfLabels } from '../checks/lib/gateway-pods.ts';
import type { Finding } from '../domain/finding.ts';
import { defineRemediation } from './define.ts';
import { buildPlan, isRefusal, movedSince, podCount, proposalOf, readTarget, refuse, replicasOf, targetNow } from './plan-support.ts';
import type { PlanContext, PlanOutcome } from './types.ts';

const ID = 'restart-gateway';
export const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';

async function plan(finding: Finding, ctx: PlanContext): Promise<PlanOutcome> {
  const proposal = proposalOf(finding, ID);
  if (isRefusal(proposal)) return proposal;
  const { target } = proposal;
  if (target.kind !== 'Deployment' || !target.namespace) return refuse(ID, `${ID} restarts Deployments only, not ${target.kind}`);
  const current = await readTarget(ctx.client, ID, target);
  if (isRefusal(current)) return current;
  const moved = movedSince(ID, target.resourceVersion, current, target);
  if (moved) return moved;
  const labels = (current.spec?.template?.metadata?.labels ?? {}) as Record<string, string>;
  if (!gatewayClassOfLabels(labels)) {
    return refuse(ID, `${target.namespace}/${target.name} is not an Istio gateway Deployment: mesh-medic restarts gateways only`, [
      `If a restart is wanted, its owner can run kubectl -n ${target.namespace} rollout restart deployment ${target.name}.`,
    ]);
  }
  const annotations = current.spec?.template?.metadata?.annotations as Record<string, string> | undefined;
  const replicas = replicasOf(current);
  return buildPlan({
    remediation: ID,
    title: `Restart gateway ${target.namespace}/${target.name}`,
    target: targetNow(proposal, current),
    changes: [{ path: ['spec', 'template', 'metadata', 'annotations', RESTARTED_AT], before: annotations?.[RESTARTED_AT], after: ctx.now.toISOString() }],
    blastRadius:
      `Rolls ${podCount(replicas)} of ${target.namespace}/${target.name}: connections through this gateway are re-established` +
      `${replicas === 1 ? ', and with one replica it is briefly unavailable' : ''}.`,
    namespaces: [target.namespace],
    reason: proposal.reason,
    notes: ['A restart only helps once the cause is fixed; if the gateway is still unready afterwards, diagnose again.'],
    verification: { kind: 'check', check: finding.check },
  });
}

export const remediation = defineRemediation({
  id: ID,
  title: 'Rolling restart of a gateway',
  answers: ['gateway-readiness', 'gateway-xds-unreachable'],
  permissions: [{ apiGroup: 'apps', resource: 'deployments', verbs: ['get', 'patch'] }],
  plan,
});
