// Seed 004: the app container starts before istio-proxy listens and its first connections are
// refused. Set `holdApplicationUntilProxyStarts: true` in the Deployment's pod-template annotation
// `proxy.istio.io/config`, merged into the ProxyConfig already there (computed from the object as
// read now, not from the diagnosis: the plan must keep exactly what is there today).

import { PROXY_CONFIG_ANNOTATION, withHold } from '../checks/lib/proxy-config.ts';
import type { Finding } from '../domain/finding.ts';
import { defineRemediation } from './define.ts';
import { buildPlan, isRefusal, movedSince, podCount, proposalOf, readTarget, refuse, replicasOf, targetNow } from './plan-support.ts';
import type { PlanContext, PlanOutcome } from './types.ts';

const ID = 'hold-app-until-proxy';

function manualSteps(namespace: string, name: string): string[] {
  return [
    `Edit deployment ${namespace}/${name}: in spec.template.metadata.annotations['${PROXY_CONFIG_ANNOTATION}'] add holdApplicationUntilProxyStarts: true, keeping the settings already there.`,
    'Or set it mesh-wide (meshConfig.defaultConfig.holdApplicationUntilProxyStarts) and restart the workloads.',
  ];
}

async function plan(finding: Finding, ctx: PlanContext): Promise<PlanOutcome> {
  const proposal = proposalOf(finding, ID);
  if (isRefusal(proposal)) return proposal;
  const { target } = proposal;
  if (target.kind !== 'Deployment' || !target.namespace) return refuse(ID, `${ID} patches Deployments only, not ${target.kind}`);
  const current = await readTarget(ctx.client, ID, target);
  if (isRefusal(current)) return current;
  const moved = movedSince(ID, target.resourceVersion, current, target);
  if (moved) return moved;
  const annotations = current.spec?.template?.metadata?.annotations as Record<string, string> | undefined;
  const before = annotations?.[PROXY_CONFIG_ANNOTATION];
  const after = withHold(before);
  if (after === undefined) {
    return refuse(ID, `the pod template's ${PROXY_CONFIG_ANNOTATION} annotation cannot be parsed: a person must merge the setting`, manualSteps(target.namespace, target.name));
  }
  if (after === before) return refuse(ID, `${target.namespace}/${target.name} already holds its app until the proxy starts`);
  const replicas = replicasOf(current);
  return buildPlan({
    remediation: ID,
    title: `Hold the app of ${target.namespace}/${target.name} until istio-proxy is ready`,
    target: targetNow(proposal, current),
    changes: [{ path: ['spec', 'template', 'metadata', 'annotations', PROXY_CONFIG_ANNOTATION], before, after }],
    blastRadius: `Rolls ${podCount(replicas)} of ${target.namespace}/${target.name}; each new pod starts its app only once istio-proxy is ready (a slightly slower start).`,
    namespaces: [target.namespace],
    reason: proposal.reason,
    notes: ['Check the new annotation value keeps every ProxyConfig setting the workload had; fold it back into the manifests the Deployment comes from.'],
    verification: { kind: 'check', check: finding.check },
  });
}

export const remediation = defineRemediation({
  id: ID,
  title: 'Hold the application until its sidecar is ready',
  answers: ['app-starts-before-proxy'],
  permissions: [{ apiGroup: 'apps', resource: 'deployments', verbs: ['get', 'patch'] }],
  plan,
});
