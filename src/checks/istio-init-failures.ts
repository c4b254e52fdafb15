// Seeds 003 and 004: a meshed pod cannot start when its traffic redirection cannot be installed:
// `istio-init` fails (no NET_ADMIN/NET_RAW, iptables kernel modules missing on the node), or with
// istio-cni the `istio-validation` init container finds no redirection because the node's CNI
// agent (DaemonSet istio-cni-node) is not ready or the plugin failed at sandbox creation.

import type { Evidence } from '../domain/finding.ts';
import type { K8sObject } from '../domain/k8s-object.ts';
import type { Snapshot } from '../k8s/snapshot.ts';
import { type ContainerStatus, evidenceOf, initContainerStatuses, logEvidence } from './lib/objects.ts';
import { exactLine, podLog, quoteLine } from './lib/pod-logs.ts';
import { describeWorkload, groupByWorkload, isFinished, plural } from './lib/workloads.ts';
import { type Check, type CheckResult, pass, skipped } from './types.ts';

const INIT_CONTAINERS = new Set(['istio-init', 'istio-validation']);
const CNI_DAEMONSET = 'istio-cni-node';
const CNI_NAMESPACES = new Set(['kube-system', 'istio-system']);
const REQUIRED_CAPS = ['NET_ADMIN', 'NET_RAW'];
/** Log lines worth quoting, most telling first. */
const PERMISSION = /operation not permitted|permission denied|EPERM/i;
const KERNEL_MODULES = /can't initialize ip6?tables|unable to initialize table|table does not exist|insmod|modprobe|module .* not found/i;
const TELLING_LINES = [PERMISSION, KERNEL_MODULES, /\berror\b.*(?:iptables|xtables|nft)/i, /\b(?:error|failed)\b/i];

export const check: Check = {
  id: 'istio-init-failures',
  title: 'Sidecar traffic redirection can be installed',
  description:
    'istio-init / istio-validation init containers are not failing, the istio-cni-node DaemonSet is fully ready, and no pod sandbox fails in the istio-cni plugin.',
  severity: 'critical',
  playbook: 'istio-init-failures',
  sources: ['003_87f8f8ea8e0ba1af.txt', '004_1361aa5f45758706.txt'],
  reads: ['pods', 'daemonsets.apps', 'events', 'replicasets.apps'],
  readsLogs: true,
  run,
};

interface FailingInit {
  pod: K8sObject;
  status: ContainerStatus;
}

function run(snapshot: Snapshot): CheckResult[] {
  const pods = snapshot.list('pods').filter((p) => !isFinished(p));
  const cni = snapshot.list('daemonsets.apps').find((d) => d.metadata.name === CNI_DAEMONSET && CNI_NAMESPACES.has(d.metadata.namespace ?? ''));
  const withInit = pods.filter((p) => initNames(p).length > 0);
  if (withInit.length === 0 && !cni) return [skipped('No pod has an istio-init or istio-validation container and istio-cni is not installed')];

  const results: CheckResult[] = [];
  const cniResult = cni ? cniDaemonSetResult(snapshot.cluster, cni) : undefined;
  if (cniResult) results.push(cniResult);
  const failing = withInit.flatMap((pod) => initContainerStatuses(pod).filter((s) => INIT_CONTAINERS.has(s.name) && isFailing(s)).map((status) => ({ pod, status })));
  const replicasets = snapshot.list('replicasets.apps');
  for (const group of groupFailures(failing, replicasets)) results.push(initFailureResult(snapshot, group, Boolean(cni)));
  results.push(...sandboxFailureResults(snapshot.cluster, snapshot.list('events'), pods, replicasets));
  if (results.length > 0) return results;
  const cniNote = cni ? `; DaemonSet ${cni.metadata.namespace}/${CNI_DAEMONSET} ready ${cni.status?.numberReady ?? 0}/${cni.status?.desiredNumberScheduled ?? 0}` : '';
  return [pass(`No failing istio-init/istio-validation container among ${plural(withInit.length, 'meshed pod')}${cniNote}`)];
}

function initNames(pod: K8sObject): string[] {
  const list: { name?: string }[] = Array.isArray(pod.spec?.initContainers) ? pod.spec.initContainers : [];
  return list.flatMap((c) => (c.name && INIT_CONTAINERS.has(c.name) ? [c.name] : []));
}

function isFailing(s: ContainerStatus): boolean {
  if (s.state?.waiting?.reason === 'CrashLoopBackOff') return true;
  const terminated = s.state?.terminated ?? (s.state?.running ? undefined : s.lastState?.terminated);
  return terminated !== undefined && (terminated.exitCode ?? 0) !== 0;
}

function cniDaemonSetResult(cluster: string, ds: K8sObject): CheckResult | undefined {
  const desired = Number(ds.status?.desiredNumberScheduled ?? 0);
  const ready = Number(ds.status?.numberReady ?? 0);
  if (ready >= desired) return undefined;
  return {
    status: 'fail',
    severity: 'high',
    summary: `DaemonSet ${ds.metadata.namespace}/${CNI_DAEMONSET} has ${ready}/${desired} pods ready: on nodes without a ready istio-cni agent, new meshed pods get no traffic redirection and their istio-validation init container fails`,
    evidence: [
      evidenceOf(cluster, ds, 'status.numberReady', String(ready)),
      evidenceOf(cluster, ds, 'status.desiredNumberScheduled', String(desired)),
    ],
  };
}

interface FailureGroup {
  label: string;
  container: string;
  failures: FailingInit[];
}

function groupFailures(failing: FailingInit[], replicasets: K8sObject[]): FailureGroup[] {
  const out: FailureGroup[] = [];
  for (const container of INIT_CONTAINERS) {
    const mine = failing.filter((f) => f.status.name === container);
    for (const { workload, pods } of groupByWorkload(mine.map((f) => f.pod), replicasets)) {
      out.push({ label: describeWorkload(workload), container, failures: mine.filter((f) => pods.includes(f.pod)) });
    }
  }
  return out;
}

function initFailureResult(snapshot: Snapshot, group: FailureGroup, cniInstalled: boolean): CheckResult {
  const cluster = snapshot.cluster;
  const first = group.failures[0]!;
  const terminated = first.status.state?.terminated ?? first.status.lastState?.terminated;
  const state = [terminated ? `exit ${terminated.exitCode ?? '?'}` : '', first.status.state?.waiting?.reason ?? ''].filter(Boolean).join(', ');
  const quoted = tellingLines(snapshot, group);
  const why = explain(group, quoted.map((q) => q.line), cniInstalled);
  const quote = quoted[0] ? `: \`${quoteLine(quoted[0].line, 160)}\`` : '';
  const evidence: Evidence[] = group.failures.slice(0, 3).map((f) => {
    const t = f.status.state?.terminated ?? f.status.lastState?.terminated;
    return evidenceOf(cluster, f.pod, `status.initContainerStatuses[${group.container}]`, `${f.status.state?.waiting?.reason ?? t?.reason ?? 'Error'}; exitCode ${t?.exitCode ?? '?'}; restarts ${f.status.restartCount ?? 0}`);
  });
  for (const q of quoted) evidence.push(logEvidence(cluster, q.pod.metadata.namespace ?? '', q.pod.metadata.name, group.container, exactLine(q.line)));
  const caps = missingCaps(first.pod);
  if (group.container === 'istio-init' && caps.length > 0) evidence.push(evidenceOf(cluster, first.pod, 'spec.initContainers[istio-init].securityContext.capabilities.add', `lacks ${caps.join(', ')}`));
  return {
    status: 'fail',
    summary: `${group.container} fails in ${plural(group.failures.length, 'pod')} of ${group.label} (${state || 'failed'})${quote}; ${why}`,
    evidence,
  };
}

/** Up to two telling lines from the failing containers' logs (current log of the init container). */
function tellingLines(snapshot: Snapshot, group: FailureGroup): { pod: K8sObject; line: string }[] {
  for (const f of group.failures) {
    const lines = podLog(snapshot, f.pod, group.container, false).lines ?? [];
    for (const pattern of TELLING_LINES) {
      const hits = lines.filter((l) => pattern.test(l));
      if (hits.length > 0) return hits.slice(-2).map((line) => ({ pod: f.pod, line }));
    }
  }
  return [];
}

function explain(group: FailureGroup, lines: string[], cniInstalled: boolean): string {
  const text = lines.join('\n');
  const caps = missingCaps(group.failures[0]!.pod);
  if (group.container === 'istio-validation') {
    return 'istio-cni did not set up redirection for these pods: check the istio-cni-node pod on their nodes and its log';
  }
  // The spec is firmer evidence than the log: without NET_ADMIN iptables fails whatever it prints.
  if (caps.length > 0 && !cniInstalled) {
    return `its securityContext lacks ${caps.join(' and ')} and istio-cni is not installed, so iptables cannot be changed (a policy may strip the capabilities the injector adds)`;
  }
  if (KERNEL_MODULES.test(text)) {
    return 'the node lacks iptables kernel modules (load iptable_nat, iptable_mangle, iptable_raw and friends on the node)';
  }
  if (PERMISSION.test(text)) {
    return 'iptables was denied: the pod lacks NET_ADMIN/NET_RAW or a security policy forbids them; install istio-cni or allow the capabilities';
  }
  return 'the pod cannot start until its traffic redirection is installed; read the full init container log';
}

function missingCaps(pod: K8sObject): string[] {
  const list: { name?: string; securityContext?: { privileged?: boolean; capabilities?: { add?: unknown } } }[] = Array.isArray(pod.spec?.initContainers)
    ? pod.spec.initContainers
    : [];
  const init = list.find((c) => c.name === 'istio-init');
  if (!init || init.securityContext?.privileged === true) return [];
  const add = Array.isArray(init.securityContext?.capabilities?.add) ? (init.securityContext.capabilities.add as unknown[]) : [];
  const have = new Set(add.map((c) => String(c).toUpperCase().replace(/^CAP_/, '')));
  return REQUIRED_CAPS.filter((c) => !have.has(c));
}

/** Pods whose sandbox the istio-cni plugin refused (events `FailedCreatePodSandBox`). */
function sandboxFailureResults(cluster: string, events: K8sObject[], pods: K8sObject[], replicasets: K8sObject[]): CheckResult[] {
  const failed = events.filter((e) => e.reason === 'FailedCreatePodSandBox' && typeof e.message === 'string' && /istio-cni/i.test(e.message));
  const affected = pods.filter((p) => failed.some((e) => involves(e, p)));
  return groupByWorkload(affected, replicasets).map(({ workload, pods: group }) => {
    const mine = failed.filter((e) => group.some((p) => involves(e, p)));
    return {
      status: 'fail' as const,
      summary: `The istio-cni plugin fails to set up the network of ${plural(group.length, 'pod')} of ${describeWorkload(workload)}, so they cannot start: \`${quoteLine(String(mine.at(-1)?.message ?? ''), 160)}\``,
      evidence: mine.slice(-3).map((e) => evidenceOf(cluster, e, 'message', exactLine(String(e.message)))),
    };
  });
}

function involves(event: K8sObject, pod: K8sObject): boolean {
  const io = event.involvedObject as { kind?: string; name?: string; namespace?: string } | undefined;
  return io?.kind === 'Pod' && io.name === pod.metadata.name && (io.namespace ?? event.metadata.namespace) === pod.metadata.namespace;
}
