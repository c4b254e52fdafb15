// What a check is. Checks are pure: (snapshot of the cluster, context) -> results. They never
// call the API, never import Slack, and never throw on purpose (the engine turns a crash into an
// `error` finding so one broken check cannot sink a diagnosis).

import type { Registry, RegisteredCluster, ClusterRole } from '../domain/cluster.ts';
import type { Evidence, RemediationProposal, Severity, Status } from '../domain/finding.ts';
import type { Snapshot, SnapshotKind } from '../k8s/snapshot.ts';

export interface CheckContext {
  cluster: RegisteredCluster;
  registry: Registry;
  /** Snapshots of other clusters of the same mesh (only the kinds in `peerReads`), by name. */
  peers: ReadonlyMap<string, Snapshot>;
  /** API server URL of each registered cluster (from its kubeconfig), where known. Offline
   *  snapshots (scenario files) have none: compare servers only when both sides are known. */
  apiServers: ReadonlyMap<string, string>;
  now: Date;
}

/** One result of a check; the engine adds check id, cluster and playbook to make a Finding. */
export interface CheckResult {
  status: Status;
  summary: string;
  evidence?: Evidence[];
  /** Defaults to the check's severity for fail/warn/error, `info` for pass/skipped. */
  severity?: Severity;
  remediation?: RemediationProposal | null;
}

export interface Check {
  /** Stable kebab-case id: users type it, playbooks and tests name it. */
  id: string;
  title: string;
  /** One sentence: what the check decides. */
  description: string;
  severity: Severity;
  playbook: string;
  /** Seed files (../shared/seeds) this check comes from; informative. */
  sources: string[];
  /** Kinds read from the diagnosed cluster's snapshot. */
  reads: SnapshotKind[];
  /** Kinds read from peer clusters of the same mesh (cross-cluster checks only). */
  peerReads?: SnapshotKind[];
  /** Whether the check reads pod logs (gateway, istiod, restarting or failing-init containers). */
  readsLogs?: boolean;
  /** Roles the check applies to; others get `skipped`. Default: all roles. */
  roles?: ClusterRole[];
  run(snapshot: Snapshot, ctx: CheckContext): CheckResult[];
}

export const pass = (summary: string, evidence: Evidence[] = []): CheckResult => ({ status: 'pass', summary, evidence });
export const skipped = (summary: string): CheckResult => ({ status: 'skipped', summary });
