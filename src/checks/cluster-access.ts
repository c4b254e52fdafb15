// General: before trusting any other finding, can we read the cluster at all? Beyond one list of
// namespaces it reads nothing itself: it judges the reads every other check caused (snapshot.data.failures). An
// unreachable server or rejected credentials fail; missing permissions on some kinds warn and
// name the RBAC rule to add, because every other check still reports what it could see.

import type { Evidence } from '../domain/finding.ts';
import type { ReadFailure, Snapshot } from '../k8s/snapshot.ts';
import { type Check, type CheckContext, type CheckResult, pass, skipped } from './types.ts';

const CONNECTION_CODES = new Set(['K8S_UNREACHABLE', 'K8S_TIMEOUT']);

export const check: Check = {
  id: 'cluster-access',
  title: 'mesh-medic can read the cluster',
  description: 'The API server is reachable, the credentials are accepted, and the permissions cover every kind the diagnosis reads.',
  severity: 'critical',
  playbook: 'cluster-access',
  sources: [],
  // Namespaces: one cheap list that every diagnosis makes anyway, so `--check cluster-access`
  // on its own still exercises the connection and the credentials.
  reads: ['namespaces'],
  run,
};

function run(snapshot: Snapshot, ctx: CheckContext): CheckResult[] {
  const { failures, objects, logs } = snapshot.data;
  const readKinds = Object.keys(objects).length + (snapshot.data.secrets ? 1 : 0);
  const kindFailures = failures.filter((f) => f.kind !== 'pods/log');
  if (readKinds === 0 && failures.length === 0) return [skipped('This diagnosis read no kinds from the cluster: access was not exercised')];
  const unauthorized = failures.filter((f) => f.code === 'K8S_UNAUTHORIZED');
  if (unauthorized.length > 0) {
    return [fail(ctx, `API server of ${ctx.cluster.name} rejected mesh-medic's credentials (401): ${unauthorized[0]!.message}`, unauthorized)];
  }
  if (readKinds === 0 && kindFailures.length > 0) {
    return [fail(ctx, `Cannot read ${ctx.cluster.name}: ${kindFailures[0]!.message}`, kindFailures)];
  }
  const results: CheckResult[] = [];
  const connection = failures.filter((f) => CONNECTION_CODES.has(f.code));
  if (connection.length > 0) results.push(warn(`${connection.length} read${connection.length > 1 ? 's' : ''} of ${ctx.cluster.name} timed out or could not connect (${names(connection)}): the API server is unstable or overloaded; findings that depend on them are errors`, ctx, connection));
  const forbidden = failures.filter((f) => f.code === 'K8S_FORBIDDEN');
  if (forbidden.length > 0) results.push(warn(`mesh-medic lacks permission to read ${names(forbidden)} in ${ctx.cluster.name}: ${forbidden.map((f) => f.message).join('; ')}`, ctx, forbidden));
  const other = failures.filter((f) => !CONNECTION_CODES.has(f.code) && f.code !== 'K8S_FORBIDDEN');
  if (other.length > 0) results.push(warn(`${other.length} read${other.length > 1 ? 's' : ''} of ${ctx.cluster.name} failed (${names(other)}): ${other[0]!.message}`, ctx, other));
  if (results.length > 0) return results;
  const objectCount = Object.values(objects).reduce((n, list) => n + (list?.length ?? 0), 0);
  return [pass(`Read ${readKinds} kind${readKinds === 1 ? '' : 's'} (${objectCount} object${objectCount === 1 ? '' : 's'}) and ${logs.length} container log${logs.length === 1 ? '' : 's'} from ${ctx.cluster.name} without errors`)];
}

function names(failures: ReadFailure[]): string {
  const list = [...new Set(failures.map((f) => (f.log ? `pods/log ${f.log.namespace}/${f.log.pod}` : f.kind)))];
  return list.length > 4 ? `${list.slice(0, 4).join(', ')} and ${list.length - 4} more` : list.join(', ');
}

function evidenceOf(ctx: CheckContext, failures: ReadFailure[]): Evidence[] {
  return failures.slice(0, 10).map((f) => ({
    cluster: ctx.cluster.name,
    kind: f.log ? 'Pod' : 'APIResource',
    ...(f.log ? { namespace: f.log.namespace } : {}),
    name: f.log ? f.log.pod : f.kind,
    field: f.httpStatus ? `HTTP ${f.httpStatus}` : f.code,
    value: f.message,
  }));
}

function fail(ctx: CheckContext, summary: string, failures: ReadFailure[]): CheckResult {
  return { status: 'fail', summary, evidence: evidenceOf(ctx, failures) };
}

function warn(summary: string, ctx: CheckContext, failures: ReadFailure[]): CheckResult {
  return { status: 'warn', severity: 'medium', summary, evidence: evidenceOf(ctx, failures) };
}
