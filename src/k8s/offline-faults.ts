// Offline snapshots of fault-injected scenario clusters: the read failures the sandbox's faults
// would cause on a live read, so offline and live diagnoses of one scenario agree.

import type { ErrorCode } from '../domain/errors.ts';
import type { ClusterFaults, FaultRule } from '../sandbox/cluster-spec.ts';
import { permissionText } from './api-errors.ts';
import { queriesFor } from './read-plan.ts';
import { RESOURCE_TYPES, resourceName } from './resources.ts';
import type { ReadFailure, SnapshotKind } from './snapshot.ts';

const STATUS_CODES: Record<number, ErrorCode> = {
  401: 'K8S_UNAUTHORIZED',
  403: 'K8S_FORBIDDEN',
  409: 'K8S_CONFLICT',
};

export function offlineFailures(cluster: string, kinds: Iterable<SnapshotKind>, faults?: ClusterFaults): ReadFailure[] {
  if (!faults) return [];
  const server = `sandbox cluster ${cluster}`;
  const out: ReadFailure[] = [];
  for (const kind of kinds) {
    if (faults.refuseConnections) {
      out.push({ kind, code: 'K8S_UNREACHABLE', message: `cannot reach ${server}: connection refused (list ${kind})` });
      continue;
    }
    const rule = faults.rules?.find((r) => matchesList(r, kind));
    if (rule) out.push(failureFor(kind, rule, server));
  }
  return out;
}

function matchesList(rule: FaultRule, kind: SnapshotKind): boolean {
  const type = RESOURCE_TYPES.find((t) => resourceName(t) === kind);
  const m = rule.match;
  // Delays do not fail reads; a live list answered 404 counts as "type not served", not a failure.
  if (!type || 'delayMs' in rule.action || ('status' in rule.action && rule.action.status === 404)) return false;
  if ((m.verb && m.verb !== 'list') || m.name) return false;
  if (m.resource && m.resource !== type.plural) return false;
  if (m.group !== undefined && m.group !== type.group) return false;
  // A rule limited to one namespace only fails the reads the read plan makes in that namespace.
  return !m.namespace || queriesFor(kind).some((q) => q.namespace === m.namespace);
}

function failureFor(kind: SnapshotKind, rule: FaultRule, server: string): ReadFailure {
  const a = rule.action;
  if ('timeout' in a) return { kind, code: 'K8S_TIMEOUT', message: `no answer from ${server} (list ${kind})` };
  if ('delayMs' in a) throw new Error('unreachable: delay faults are filtered out by matchesList');
  const type = RESOURCE_TYPES.find((t) => resourceName(t) === kind)!;
  const said = a.message ? ` (server said: ${a.message})` : '';
  const message =
    a.status === 403
      ? `forbidden on ${server}: needs ${permissionText({ verb: 'list', resource: type.plural, group: type.group, namespaced: type.namespaced })}${said}`
      : `${server} answered ${a.status} to list ${kind}${said}`;
  return { kind, code: STATUS_CODES[a.status] ?? 'K8S_SERVER_ERROR', httpStatus: a.status, message };
}
