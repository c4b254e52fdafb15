// Seeds 000 and 001: the selector-less Endpoints istio-system/istiod-remote in a workload cluster
// hold an address its proxies cannot reach (the hosted istiod's Pod IP in another cluster, or the
// LoadBalancer IP where the co-located pod IP is needed). Rewrite them to the expected address the
// check computed, on 15012 (tcp-istiod) and 15017 (tcp-webhook); then the gateways need a restart
// to leave crash-loop back-off. Whatever wrote these Endpoints may write them back: the plan says
// so, and names the durable fix.

import { isIP } from 'node:net';
import { gatewayClassOfLabels } from '../checks/lib/gateway-pods.ts';
import type { Finding, RemediationProposal } from '../domain/finding.ts';
import type { K8sObject } from '../domain/k8s-object.ts';
import type { K8sClient } from '../k8s/client.ts';
import { findResourceType } from '../k8s/resources.ts';
import { defineRemediation } from './define.ts';
import { buildPlan, isRefusal, movedSince, proposalOf, readTarget, refuse, targetNow } from './plan-support.ts';
import type { FollowUp, PlanContext, PlanOutcome } from './types.ts';

const ID = 'point-istiod-remote';
const NS = 'istio-system';
const NAME = 'istiod-remote';
const PORTS = [
  { name: 'tcp-istiod', port: 15012, protocol: 'TCP' },
  { name: 'tcp-webhook', port: 15017, protocol: 'TCP' },
];

/** The IPs of the proposal's subsets; undefined unless every one is a literal IP. */
function proposedIps(proposal: RemediationProposal): string[] | undefined {
  const subsets = (proposal.patch as { subsets?: unknown } | undefined)?.subsets;
  if (!Array.isArray(subsets)) return undefined;
  const ips = subsets.flatMap((s) => {
    const addresses = (s as { addresses?: unknown }).addresses;
    return Array.isArray(addresses) ? addresses.map((a) => (a as { ip?: unknown }).ip) : [];
  });
  const valid = ips.filter((ip): ip is string => typeof ip === 'string' && isIP(ip) !== 0);
  return valid.length > 0 && valid.length === ips.length ? [...new Set(valid)] : undefined;
}

/** Gateway Deployments in istio-system: their proxies back off while istiod is unreachable. */
async function gatewayFollowUps(client: K8sClient, cluster: string): Promise<FollowUp[]> {
  const type = findResourceType('apps', 'deployments');
  if (!type) return [];
  const page = await client.listPage(type, { namespace: NS, limit: 500 });
  return page.items.filter(isGatewayDeployment).map((d: K8sObject) => ({
    remediation: 'restart-gateway',
    target: { cluster, apiVersion: 'apps/v1', kind: 'Deployment', namespace: NS, name: d.metadata.name },
    why: `Restart ${NS}/${d.metadata.name} so its pods leave crash-loop back-off and reconnect to istiod at once.`,
  }));
}

function isGatewayDeployment(d: K8sObject): boolean {
  const labels = d.spec?.template?.metadata?.labels;
  return typeof labels === 'object' && labels !== null && gatewayClassOfLabels(labels as Record<string, string>) !== undefined;
}

async function plan(finding: Finding, ctx: PlanContext): Promise<PlanOutcome> {
  const proposal = proposalOf(finding, ID);
  if (isRefusal(proposal)) return proposal;
  const { target } = proposal;
  if (target.kind !== 'Endpoints' || target.namespace !== NS || target.name !== NAME) {
    return refuse(ID, `${ID} only rewrites Endpoints ${NS}/${NAME}, not ${target.kind} ${target.namespace ?? ''}/${target.name}`);
  }
  const ips = proposedIps(proposal);
  if (!ips) return refuse(ID, 'the proposal holds no literal IP address to point istiod-remote at');
  const current = await readTarget(ctx.client, ID, target);
  if (isRefusal(current)) return current;
  const moved = movedSince(ID, target.resourceVersion, current, target);
  if (moved) return moved;
  const after = [{ addresses: ips.map((ip) => ({ ip })), ports: PORTS }];
  return buildPlan({
    remediation: ID,
    title: `Point ${NS}/${NAME} in ${ctx.cluster.name} at ${ips.join(', ')}`,
    target: targetNow(proposal, current),
    changes: [{ path: ['subsets'], before: current.subsets, after }],
    blastRadius:
      `All sidecars and gateways in ${ctx.cluster.name} reconnect their xDS stream to istiod at ${ips.join(', ')}:15012, ` +
      `and sidecar injection in ${ctx.cluster.name} calls ${ips.join(', ')}:15017.`,
    namespaces: [NS],
    reason: proposal.reason,
    notes: [
      `Whatever wrote these Endpoints (a mesh operator, or the Istio chart from values.global.remotePilotAddress) may reconcile them back to the old address: the durable fix is to set the mesh's control-plane address to ${ips.join(', ')} where it is configured.`,
      'Then restart the gateways (restart-gateway follow-up): pods in crash-loop back-off otherwise wait out their back-off before reconnecting.',
    ],
    followUps: await gatewayFollowUps(ctx.client, ctx.cluster.name),
    verification: { kind: 'check', check: finding.check },
  });
}

export const remediation = defineRemediation({
  id: ID,
  title: 'Point istiod-remote at the control plane',
  answers: ['istiod-remote-endpoints'],
  permissions: [
    { apiGroup: '', resource: 'endpoints', verbs: ['get', 'patch'], namespaces: [NS] },
    { apiGroup: 'apps', resource: 'deployments', verbs: ['list'], namespaces: [NS] },
  ],
  plan,
});
