// Whether a snapshot holds anything at all. When every read failed because the server is
// unreachable or rejects our credentials, running checks on empty data would only produce
// misleading results: they are reported as not run, and `cluster-access` says why.

import type { ErrorCode } from '../domain/errors.ts';
import type { ReadFailure, Snapshot } from '../k8s/snapshot.ts';

const UNREACHABLE_CODES = new Set<ErrorCode>(['K8S_UNREACHABLE', 'K8S_UNAUTHORIZED', 'K8S_TIMEOUT']);

export const CLUSTER_ACCESS_CHECK = 'cluster-access';

/** The failure that explains why nothing could be read, or undefined when something was read. */
export function unreachableReason(snapshot: Snapshot, requestedKinds: readonly string[]): ReadFailure | undefined {
  if (requestedKinds.length === 0) return undefined;
  const failures = snapshot.data.failures.filter((f) => f.kind !== 'pods/log');
  const allFailed = requestedKinds.every((k) =>
    failures.some((f) => f.kind === k && UNREACHABLE_CODES.has(f.code)),
  );
  return allFailed ? failures[0] : undefined;
}

export function notRunSummary(reason: ReadFailure): string {
  const why = reason.code === 'K8S_UNAUTHORIZED' ? 'credentials rejected' : 'cluster unreachable';
  return `not run: ${why} (${reason.message})`;
}
