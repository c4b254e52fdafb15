// The remediation catalog: explicit and alphabetical, like the check catalog, so adding one is a
// reviewed line here and RBAC (derived from `permissions`) cannot silently grow.

import type { Finding } from '../domain/finding.ts';
import { remediation as addSubsetLabel } from './add-subset-label.ts';
import { remediation as holdAppUntilProxy } from './hold-app-until-proxy.ts';
import { remediation as labelIstioSystemNetwork } from './label-istio-system-network.ts';
import { remediation as labelRemoteSecret } from './label-remote-secret.ts';
import { isRefusal, readTarget, refuse } from './plan-support.ts';
import { remediation as pointIstiodRemote } from './point-istiod-remote.ts';
import { remediation as restartGateway } from './restart-gateway.ts';
import type { FollowUp, PlanContext, PlanOutcome, Remediation } from './types.ts';

export const REMEDIATIONS: readonly Remediation[] = [
  addSubsetLabel,
  holdAppUntilProxy,
  labelIstioSystemNetwork,
  labelRemoteSecret,
  pointIstiodRemote,
  restartGateway,
];

export const REMEDIATIONS_BY_ID: ReadonlyMap<string, Remediation> = new Map(REMEDIATIONS.map((r) => [r.id, r]));

/** The plan for a finding's proposed fix, by the remediation the proposal names. */
export async function planForFinding(finding: Finding, ctx: PlanContext): Promise<PlanOutcome> {
  const id = finding.remediation?.id;
  const remediation = id ? REMEDIATIONS_BY_ID.get(id) : undefined;
  if (!id || !remediation) return refuse(id ?? 'none', id ? `unknown remediation ${id}` : `finding ${finding.check} proposes no automatic fix`);
  if (!remediation.answers.includes(finding.check)) {
    return refuse(id, `${id} does not answer findings of ${finding.check} (it answers ${remediation.answers.join(', ')})`);
  }
  return remediation.plan(finding, ctx);
}

/**
 * Plans a follow-up (restart-gateway after point-istiod-remote). There is no finding proposing
 * it: the object is read now and the remediation's first answered check verifies it.
 */
export async function planFollowUp(followUp: FollowUp, ctx: PlanContext): Promise<PlanOutcome> {
  const remediation = REMEDIATIONS_BY_ID.get(followUp.remediation);
  if (!remediation) return refuse(followUp.remediation, `unknown remediation ${followUp.remediation}`);
  const current = await readTarget(ctx.client, remediation.id, followUp.target);
  if (isRefusal(current)) return current;
  const finding: Finding = {
    check: remediation.answers[0] ?? followUp.remediation,
    cluster: followUp.target.cluster,
    status: 'fail',
    severity: 'high',
    summary: followUp.why,
    evidence: [],
    playbook: '',
    remediation: {
      id: remediation.id,
      target: { ...followUp.target, resourceVersion: current.metadata.resourceVersion ?? '' },
      patchType: 'merge',
      patch: {},
      reason: followUp.why,
    },
  };
  return remediation.plan(finding, ctx);
}

export type { FollowUp, Plan, PlanContext, PlanOutcome, Refusal, Remediation } from './types.ts';
