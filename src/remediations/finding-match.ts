// Whether a finding is about the object a plan patches. A check may report several problems;
// "the finding still holds" and "verified" must look at the one this plan fixes, not at an
// unrelated failure of the same check elsewhere in the cluster.

import type { Evidence, Finding, RemediationTarget } from '../domain/finding.ts';

type ObjectKey = Pick<RemediationTarget, 'cluster' | 'kind' | 'namespace' | 'name'>;

function sameObject(a: ObjectKey, b: ObjectKey): boolean {
  return a.cluster === b.cluster && a.kind === b.kind && (a.namespace ?? '') === (b.namespace ?? '') && a.name === b.name;
}

/** Pods and ReplicaSets of a Deployment are named `<deployment>-<hash>[-<suffix>]`. */
function ownedByDeployment(e: Evidence, target: ObjectKey): boolean {
  return (
    target.kind === 'Deployment' &&
    (e.kind === 'Pod' || e.kind === 'ReplicaSet') &&
    e.cluster === target.cluster &&
    (e.namespace ?? '') === (target.namespace ?? '') &&
    e.name.startsWith(`${target.name}-`)
  );
}

export function concernsTarget(finding: Finding, target: ObjectKey): boolean {
  const proposed = finding.remediation?.target;
  if (proposed && sameObject(proposed, target)) return true;
  return finding.evidence.some((e) => sameObject(e, target) || ownedByDeployment(e, target));
}

/** Failing or warning findings of `check` about the target: the problem the plan fixes, if still there. */
export function openFindingsAbout(findings: readonly Finding[], check: string, target: ObjectKey): Finding[] {
  return findings.filter((f) => f.check === check && (f.status === 'fail' || f.status === 'warn') && concernsTarget(f, target));
}
