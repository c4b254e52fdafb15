// Seed 004: "connection refused" right after a pod starts: the app container started before
// istio-proxy listened, its first outbound connections hit the iptables redirect with nobody behind
// it, and it crashed once. The fix is to hold the app until the proxy is ready
// (`holdApplicationUntilProxyStarts: true`). We require all of: a meshed pod not held, an app
// container whose previous instance died within a minute of starting, at about the time the proxy
// started, with a network error in its previous log.

import type { RemediationProposal } from '../domain/finding.ts';
import type { K8sObject } from '../domain/k8s-object.ts';
import type { Snapshot } from '../k8s/snapshot.ts';
import { type ContainerStatus, containerStatuses, evidenceOf, hasSidecar, logEvidence } from './lib/objects.ts';
import { exactLine, podLog, quoteMatch } from './lib/pod-logs.ts';
import { annotationHold, injectedHold, meshWideHold, PROXY_CONFIG_ANNOTATION, withHold } from './lib/proxy-config.ts';
import { describeWorkload, groupByWorkload, isFinished, listSome, parseTime, plural, type WorkloadRef } from './lib/workloads.ts';
import { type Check, type CheckResult, pass, skipped } from './types.ts';

const PROXY = 'istio-proxy';
/** A previous instance that lived longer than this did not die of start order. */
const SHORT_LIFE_MS = 60_000;
/** The app instance must have started this close to the proxy (both start with the pod). */
const START_SKEW_MS = 30_000;
const NETWORK_AT_START = /connection refused|ECONNREFUSED|connection reset by peer|ECONNRESET|upstream connect error|dial tcp [^ ]+: connect:/i;

export const check: Check = {
  id: 'app-starts-before-proxy',
  title: 'Apps wait for the sidecar at start',
  description:
    'No app container of a meshed pod restarts right after start with connection refused while the pod is not held until istio-proxy is ready (holdApplicationUntilProxyStarts).',
  severity: 'medium',
  playbook: 'app-starts-before-proxy',
  sources: ['004_1361aa5f45758706.txt'],
  reads: ['pods', 'replicasets.apps', 'deployments.apps', 'configmaps'],
  readsLogs: true,
  run,
};

interface EarlyCrash {
  pod: K8sObject;
  status: ContainerStatus;
  line: string;
  lifeMs?: number;
}

function run(snapshot: Snapshot): CheckResult[] {
  const meshed = snapshot.list('pods').filter((p) => hasSidecar(p) && !isFinished(p));
  if (meshed.length === 0) return [skipped('No pod in this cluster runs an istio-proxy sidecar')];
  const meshWide = meshWideHold(snapshot.list('configmaps'));
  const crashes = meshed.filter((p) => !isHeld(p, meshWide)).flatMap((p) => earlyCrashes(snapshot, p));
  if (crashes.length > 0) {
    const groups = groupByWorkload(
      crashes.map((c) => c.pod),
      snapshot.list('replicasets.apps'),
      snapshot.list('deployments.apps'),
    );
    return groups.map(({ workload, pods }) => crashResult(snapshot.cluster, workload, crashes.filter((c) => pods.includes(c.pod))));
  }
  const held = meshWide ? ` (apps are held until the proxy starts mesh-wide: ${meshWide})` : '';
  return [pass(`No app container of ${plural(meshed.length, 'meshed pod')} restarted with a connection error right after start${held}`)];
}

function isHeld(pod: K8sObject, meshWide: string | undefined): boolean {
  if (injectedHold(pod)) return true;
  const own = annotationHold(pod.metadata.annotations);
  return own ?? meshWide !== undefined;
}

function earlyCrashes(snapshot: Snapshot, pod: K8sObject): EarlyCrash[] {
  const statuses = containerStatuses(pod);
  const proxyStart = parseTime(statuses.find((s) => s.name === PROXY)?.state?.running?.startedAt);
  return statuses.flatMap((status) => {
    const last = status.lastState?.terminated;
    if (status.name === PROXY || (status.restartCount ?? 0) === 0 || !last) return [];
    const started = parseTime(last.startedAt);
    const finished = parseTime(last.finishedAt);
    const lifeMs = started && finished ? finished.getTime() - started.getTime() : undefined;
    if (lifeMs !== undefined && lifeMs > SHORT_LIFE_MS) return [];
    if (started && proxyStart && Math.abs(started.getTime() - proxyStart.getTime()) > START_SKEW_MS) return [];
    const lines = podLog(snapshot, pod, status.name, true).lines ?? [];
    const line = lines.find((l) => NETWORK_AT_START.test(l));
    return line ? [{ pod, status, line, ...(lifeMs !== undefined ? { lifeMs } : {}) }] : [];
  });
}

function crashResult(cluster: string, workload: WorkloadRef, crashes: EarlyCrash[]): CheckResult {
  const first = crashes[0]!;
  const containers = [...new Set(crashes.map((c) => c.status.name))];
  const life = first.lifeMs !== undefined ? `, ${Math.round(first.lifeMs / 1000)}s after start` : '';
  const proposal = holdProposal(cluster, workload);
  const fix = proposal
    ? 'proposed fix: set holdApplicationUntilProxyStarts: true in its proxy.istio.io/config annotation'
    : `fix by hand: add holdApplicationUntilProxyStarts: true to the ${PROXY_CONFIG_ANNOTATION} annotation of its pod template (${whyManual(workload)})`;
  const evidence = crashes.slice(0, 3).flatMap((c) => [
    evidenceOf(cluster, c.pod, `status.containerStatuses[${c.status.name}].lastState.terminated`, `exitCode ${c.status.lastState?.terminated?.exitCode ?? '?'}; restarts ${c.status.restartCount ?? 0}`),
    logEvidence(cluster, c.pod.metadata.namespace ?? '', c.pod.metadata.name, `${c.status.name}, previous`, exactLine(c.line)),
  ]);
  return {
    status: 'fail',
    summary: `Container ${listSome(containers)} of ${plural(new Set(crashes.map((c) => c.pod)).size, 'pod')} of ${describeWorkload(workload)} crashed right after start (exit ${first.status.lastState?.terminated?.exitCode ?? '?'}${life}) with \`${quoteMatch(first.line, NETWORK_AT_START, 140)}\` while istio-proxy was still starting: the app is not held until the proxy is ready; ${fix}`,
    evidence,
    remediation: proposal ?? null,
  };
}

function whyManual(workload: WorkloadRef): string {
  if (workload.kind !== 'Deployment') return `a ${workload.kind} is not patched automatically`;
  if (!workload.object) return 'the Deployment was not in the snapshot';
  return 'its current annotation could not be parsed';
}

/** `hold-app-until-proxy` on the owning Deployment, merged into its existing annotation. */
function holdProposal(cluster: string, workload: WorkloadRef): RemediationProposal | undefined {
  const deployment = workload.kind === 'Deployment' ? workload.object : undefined;
  if (!deployment) return undefined;
  const annotations = deployment.spec?.template?.metadata?.annotations as Record<string, string> | undefined;
  const merged = withHold(annotations?.[PROXY_CONFIG_ANNOTATION]);
  if (merged === undefined) return undefined;
  return {
    id: 'hold-app-until-proxy',
    target: {
      cluster,
      apiVersion: deployment.apiVersion,
      kind: 'Deployment',
      namespace: workload.namespace,
      name: workload.name,
      resourceVersion: deployment.metadata.resourceVersion ?? '',
    },
    patchType: 'strategic',
    patch: { spec: { template: { metadata: { annotations: { [PROXY_CONFIG_ANNOTATION]: merged } } } } },
    reason: `Hold the app containers of ${describeWorkload(workload)} until istio-proxy is ready, keeping the other settings of its ${PROXY_CONFIG_ANNOTATION} annotation; the pods roll once.`,
  };
}
