// Kubernetes objects as `kubectl get -o yaml` shows them, built from the World model.

import { hex } from './util.ts';
import type { Item, J, NodeDef, PodModel, Run, ServiceModel, ServicePort, WorkloadModel, World } from './world.ts';

export function meta(w: World, kind: string, namespace: string | undefined, name: string, created: string, extra: J = {}): J {
  return {
    creationTimestamp: w.clock.at(created),
    name,
    ...(namespace ? { namespace } : {}),
    uid: w.uid(kind, namespace ?? '', name),
    ...extra,
  };
}

export function namespace(w: World, part: string, name: string, labels: Record<string, string> = {}, created = '-400d'): J {
  return w.add(part, 'namespaces', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: meta(w, 'Namespace', undefined, name, created, {
      labels: { 'kubernetes.io/metadata.name': name, ...labels },
    }),
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  });
}

export function serviceAccount(w: World, part: string, file: string, ns: string, name: string, created: string, labels: Record<string, string> = {}): J {
  return w.add(part, file, {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: meta(w, 'ServiceAccount', ns, name, created, Object.keys(labels).length ? { labels } : {}),
  });
}

export function configMap(w: World, part: string, file: string, ns: string, name: string, created: string, data: Record<string, string>, extra: J = {}): J {
  return w.add(part, file, {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: meta(w, 'ConfigMap', ns, name, created, extra),
    data,
  });
}

export function secret(w: World, part: string, file: string, ns: string, name: string, created: string, stringData: Record<string, string>, extra: J = {}, type = 'Opaque'): J {
  return w.add(part, file, {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: meta(w, 'Secret', ns, name, created, extra),
    stringData,
    type,
  });
}

export interface EventSpec {
  involved: { apiVersion: string; kind: string; namespace: string; name: string; uid: string; fieldPath?: string };
  reason: string;
  message: string;
  type?: 'Normal' | 'Warning';
  count?: number;
  first: string;
  last?: string;
  component: string;
  host?: string;
}

export function event(w: World, part: string, e: EventSpec): J {
  const name = `${e.involved.name}.${hex(w.key('event', e.involved.name, e.involved.fieldPath ?? '', e.reason, e.message, e.first), 16)}`;
  const first = w.clock.at(e.first);
  const last = w.clock.at(e.last ?? e.first);
  return w.add(part, 'events', {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: meta(w, 'Event', e.involved.namespace, name, e.first),
    count: e.count ?? 1,
    firstTimestamp: first,
    lastTimestamp: last,
    involvedObject: {
      apiVersion: e.involved.apiVersion,
      ...(e.involved.fieldPath ? { fieldPath: e.involved.fieldPath } : {}),
      kind: e.involved.kind,
      name: e.involved.name,
      namespace: e.involved.namespace,
      uid: e.involved.uid,
    },
    message: e.message,
    reason: e.reason,
    reportingComponent: e.component,
    reportingInstance: e.host ?? '',
    source: { component: e.component, ...(e.host ? { host: e.host } : {}) },
    type: e.type ?? 'Normal',
  });
}

export function podRef(w: World, pod: PodModel, fieldPath?: string): EventSpec['involved'] {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    namespace: pod.namespace,
    name: pod.name,
    uid: w.uid('Pod', pod.namespace, pod.name),
    ...(fieldPath ? { fieldPath } : {}),
  };
}

export function serviceRef(w: World, s: ServiceModel): EventSpec['involved'] {
  return { apiVersion: 'v1', kind: 'Service', namespace: s.namespace, name: s.name, uid: w.uid('Service', s.namespace, s.name) };
}

// ---------------------------------------------------------------------------------------------
// nodes

export function node(w: World, part: string, n: NodeDef): J {
  const f = w.slot.family;
  const gke = w.slot.platform === 'gke';
  const labels: Record<string, string> = {
    'beta.kubernetes.io/arch': 'amd64',
    ...(n.instanceType ? { 'beta.kubernetes.io/instance-type': n.instanceType } : {}),
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64',
    'kubernetes.io/hostname': n.name,
    'kubernetes.io/os': 'linux',
    ...(n.instanceType ? { 'node.kubernetes.io/instance-type': n.instanceType } : {}),
    ...(gke || w.slot.lb.kind === 'cloud'
      ? {
          'failure-domain.beta.kubernetes.io/region': w.slot.region,
          'failure-domain.beta.kubernetes.io/zone': n.zone,
          'topology.kubernetes.io/region': w.slot.region,
          'topology.kubernetes.io/zone': n.zone,
        }
      : {}),
    ...(n.controlPlane ? { 'node-role.kubernetes.io/control-plane': '', 'node.kubernetes.io/exclude-from-external-load-balancers': '' } : {}),
    ...(n.labels ?? {}),
  };
  const heartbeat = w.clock.at('-42s');
  const since = w.clock.at('-400d');
  const cond = (type: string, status: string, reason: string, message: string) => ({
    lastHeartbeatTime: heartbeat,
    lastTransitionTime: since,
    message,
    reason,
    status,
    type,
  });
  const cpu = n.instanceType?.endsWith('-4') ? '4' : '8';
  return w.add(part, 'nodes', {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: meta(w, 'Node', undefined, n.name, '-400d', {
      annotations: {
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
        ...(gke ? { 'container.googleapis.com/instance_id': String(BigInt(`0x${hex(n.name, 15)}`)) } : {}),
        ...(!gke ? { 'kubeadm.alpha.kubernetes.io/cri-socket': 'unix:///run/containerd/containerd.sock' } : {}),
      },
      labels,
    }),
    spec: {
      podCIDR: n.podCidr,
      podCIDRs: [n.podCidr],
      ...(n.providerID ? { providerID: n.providerID } : {}),
      // Small clusters (DCE all-in-one style) schedule workloads on the control-plane node: no taint.
      ...(n.controlPlane && w.slot.nodes.length > 2 ? { taints: [{ effect: 'NoSchedule', key: 'node-role.kubernetes.io/control-plane' }] } : {}),
    },
    status: {
      addresses: [
        { address: n.ip, type: 'InternalIP' },
        ...(n.externalIp ? [{ address: n.externalIp, type: 'ExternalIP' }] : []),
        { address: n.name, type: 'Hostname' },
      ],
      allocatable: { cpu: `${Number(cpu) * 1000 - 60}m`, 'ephemeral-storage': '47060071478', memory: `${Number(cpu) * 3_800_000}Ki`, pods: '110' },
      capacity: { cpu, 'ephemeral-storage': '98831908Ki', memory: `${Number(cpu) * 4_028_000}Ki`, pods: '110' },
      conditions: [
        cond('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
        cond('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        cond('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        { ...cond('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'), lastTransitionTime: w.clock.at('-31d') },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        architecture: 'amd64',
        bootID: w.uid('boot', n.name),
        containerRuntimeVersion: f.containerRuntime,
        kernelVersion: w.slot.kernel,
        kubeProxyVersion: w.slot.k8sVersion ?? f.k8s,
        kubeletVersion: w.slot.k8sVersion ?? f.k8s,
        machineID: hex(w.key('machine', n.name), 32),
        operatingSystem: 'linux',
        osImage: w.slot.osImage,
        systemUUID: w.uid('system', n.name),
      },
    },
  });
}

// ---------------------------------------------------------------------------------------------
// container runs

export function running(w: World, startedAt: string, ready = true): Run {
  return { ready, restartCount: 0, started: true, state: { running: { startedAt: w.clock.at(startedAt) } } };
}

export function completed(w: World, startedAt: string, finishedAt: string): Run {
  return {
    ready: true,
    restartCount: 0,
    state: { terminated: { exitCode: 0, finishedAt: w.clock.at(finishedAt), reason: 'Completed', startedAt: w.clock.at(startedAt) } },
  };
}

/** A container that exited `restarts` times; now waiting in back-off or running again. */
export function restarted(
  w: World,
  restarts: number,
  last: { startedAt: string; finishedAt: string; exitCode: number; reason?: string },
  now: { runningSince?: string; waitingMessage?: string; ready?: boolean },
): Run {
  const lastState = {
    terminated: {
      exitCode: last.exitCode,
      finishedAt: w.clock.at(last.finishedAt),
      reason: last.reason ?? (last.exitCode === 0 ? 'Completed' : 'Error'),
      startedAt: w.clock.at(last.startedAt),
    },
  };
  if (now.runningSince) {
    return {
      ready: now.ready ?? true,
      restartCount: restarts,
      started: true,
      state: { running: { startedAt: w.clock.at(now.runningSince) } },
      lastState,
    };
  }
  return {
    ready: false,
    restartCount: restarts,
    started: false,
    state: { waiting: { message: now.waitingMessage ?? '', reason: 'CrashLoopBackOff' } },
    lastState,
  };
}

export function waitingInit(): Run {
  return { ready: false, restartCount: 0, started: false, state: { waiting: { reason: 'PodInitializing' } } };
}

// ---------------------------------------------------------------------------------------------
// workloads

export interface WorkloadSpec {
  part: string;
  file: string;
  kind?: 'Deployment' | 'DaemonSet';
  namespace: string;
  name: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  selector: Record<string, string>;
  podLabels: Record<string, string>;
  podAnnotations?: Record<string, string>;
  spec: J;
  replicas?: number;
  nodes: string[];
  created: string;
  podsCreated?: string;
  /** Fixed pod IPs (the sources name some), by replica index. */
  podIps?: (string | undefined)[];
  /** Turns the app pod spec into the pod actually running (sidecar injection). */
  mutatePod?: (pod: PodModel) => void;
}

function containerDefaults(c: J): J {
  return {
    imagePullPolicy: 'IfNotPresent',
    resources: {},
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
    ...c,
    ...(c.ports ? { ports: c.ports.map((p: J) => ({ protocol: 'TCP', ...p })) } : {}),
  };
}

export function templateSpecDefaults(spec: J): J {
  return {
    dnsPolicy: 'ClusterFirst',
    restartPolicy: 'Always',
    schedulerName: 'default-scheduler',
    securityContext: {},
    terminationGracePeriodSeconds: 30,
    ...spec,
    ...(spec.serviceAccountName ? { serviceAccount: spec.serviceAccountName } : {}),
    containers: spec.containers.map(containerDefaults),
    ...(spec.initContainers ? { initContainers: spec.initContainers.map(containerDefaults) } : {}),
  };
}

export function addWorkload(w: World, s: WorkloadSpec): WorkloadModel {
  const kind = s.kind ?? 'Deployment';
  const hash = w.suffix(`hash/${s.namespace}/${s.name}`, kind === 'Deployment' ? 10 : 10);
  const model: WorkloadModel = {
    kind,
    namespace: s.namespace,
    name: s.name,
    labels: s.labels ?? s.podLabels,
    annotations: s.annotations ?? {},
    selector: s.selector,
    template: { labels: s.podLabels, annotations: s.podAnnotations ?? {}, spec: templateSpecDefaults(s.spec) },
    replicas: kind === 'Deployment' ? (s.replicas ?? 1) : s.nodes.length,
    hash,
    created: s.created,
    pods: [],
    part: s.part,
    file: s.file,
    progressing: 'complete',
  };
  const count = kind === 'Deployment' ? (s.replicas ?? 1) : s.nodes.length;
  for (let i = 0; i < count; i++) {
    const nodeName = s.nodes[i % s.nodes.length] ?? '';
    const node = w.node(nodeName);
    const podName = kind === 'Deployment' ? `${s.name}-${hash}-${w.suffix(`pod/${s.namespace}/${s.name}/${i}`)}` : `${s.name}-${w.suffix(`pod/${s.namespace}/${s.name}/${i}`)}`;
    const created = s.podsCreated ?? s.created;
    const pod: PodModel = {
      name: podName,
      namespace: s.namespace,
      node,
      ip: s.spec.hostNetwork ? node.ip : w.podIp(node, `${s.namespace}/${podName}`, s.podIps?.[i]),
      labels: {
        ...s.podLabels,
        ...(kind === 'Deployment' ? { 'pod-template-hash': hash } : { 'controller-revision-hash': hash, 'pod-template-generation': '1' }),
      },
      annotations: { ...(s.podAnnotations ?? {}) },
      spec: structuredClone(model.template.spec),
      created,
      owner:
        kind === 'Deployment'
          ? { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${s.name}-${hash}`, uid: w.uid('ReplicaSet', s.namespace, `${s.name}-${hash}`) }
          : { apiVersion: 'apps/v1', kind: 'DaemonSet', name: s.name, uid: w.uid('DaemonSet', s.namespace, s.name) },
      init: {},
      containers: {},
      part: s.part,
      file: s.file,
    };
    s.mutatePod?.(pod);
    for (const c of pod.spec.containers) pod.containers[c.name] ??= running(w, shift(created, 3));
    for (const c of pod.spec.initContainers ?? []) pod.init[c.name] ??= completed(w, shift(created, 1), shift(created, 2));
    model.pods.push(pod);
  }
  w.workloads.push(model);
  return model;
}

/** '-6d' + 3 seconds -> '-6d-3s' style offsets are awkward; offsets are composed as strings. */
export function shift(offset: string, seconds: number): string {
  return seconds === 0 ? offset.replace(/\+0s$/, '') : `${offset}+${seconds}s`;
}

export function addService(w: World, s: Omit<ServiceModel, 'clusterIP' | 'labels' | 'annotations'> & Partial<Pick<ServiceModel, 'labels' | 'annotations'>> & { clusterIP?: string }): ServiceModel {
  const model: ServiceModel = {
    labels: {},
    annotations: {},
    ...s,
    clusterIP: s.headless ? 'None' : (s.clusterIP ?? w.serviceIp(s.namespace, s.name)),
    ports: s.ports.map((p) => ({
      protocol: 'TCP',
      ...p,
      ...(s.type !== 'ClusterIP' ? { nodePort: p.nodePort ?? w.nodePort(s.namespace, s.name, p.port) } : {}),
    })),
  };
  w.services.push(model);
  return model;
}

// ---------------------------------------------------------------------------------------------
// render: models -> objects

function kubeApiAccess(w: World, pod: PodModel): string {
  return `kube-api-access-${w.suffix(`kaa/${pod.namespace}/${pod.name}`)}`;
}

function renderPodSpec(w: World, pod: PodModel): J {
  const vol = kubeApiAccess(w, pod);
  const mount = { mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', name: vol, readOnly: true };
  const addMount = (c: J) => ({ ...c, volumeMounts: [...(c.volumeMounts ?? []), mount] });
  const spec = pod.spec;
  const tolerations = spec.tolerations ?? [
    { effect: 'NoExecute', key: 'node.kubernetes.io/not-ready', operator: 'Exists', tolerationSeconds: 300 },
    { effect: 'NoExecute', key: 'node.kubernetes.io/unreachable', operator: 'Exists', tolerationSeconds: 300 },
  ];
  return {
    ...spec,
    containers: spec.containers.map(addMount),
    ...(spec.initContainers ? { initContainers: spec.initContainers.map(addMount) } : {}),
    enableServiceLinks: true,
    nodeName: pod.node.name,
    preemptionPolicy: 'PreemptLowerPriority',
    priority: spec.priorityClassName === 'system-node-critical' ? 2000001000 : spec.priorityClassName === 'system-cluster-critical' ? 2000000000 : 0,
    tolerations,
    volumes: [
      ...(spec.volumes ?? []),
      {
        name: vol,
        projected: {
          defaultMode: 420,
          sources: [
            { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
            { configMap: { items: [{ key: 'ca.crt', path: 'ca.crt' }], name: 'kube-root-ca.crt' } },
            { downwardAPI: { items: [{ fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' }, path: 'namespace' }] } },
          ],
        },
      },
    ],
  };
}

function imageId(image: string): string {
  const repo = image.replace(/:[^:/]+$/, '');
  const registry = repo.includes('.') && repo.split('/')[0]?.includes('.') ? repo : `docker.io/${repo}`;
  return `${registry}@sha256:${hex(`image:${image}`, 64)}`;
}

function containerStatus(w: World, pod: PodModel, c: J, run: Run): J {
  const running = run.state.running !== undefined || run.state.terminated !== undefined;
  return {
    ...(running || run.lastState ? { containerID: w.containerId(`${pod.namespace}/${pod.name}/${c.name}/${run.restartCount}`) } : {}),
    image: c.image.includes('/') && c.image.split('/')[0].includes('.') ? c.image : `docker.io/${c.image.includes('/') ? '' : 'library/'}${c.image}`,
    imageID: running || run.lastState ? imageId(c.image) : '',
    lastState: run.lastState ?? {},
    name: c.name,
    ready: run.ready,
    restartCount: run.restartCount,
    ...(run.started !== undefined ? { started: run.started } : {}),
    state: run.state,
  };
}

function podPhase(pod: PodModel): string {
  if (pod.phase) return pod.phase;
  const initDone = Object.values(pod.init).every((r) => r.state.terminated?.exitCode === 0);
  return initDone ? 'Running' : 'Pending';
}

function condition(type: string, status: boolean, at: string, reason?: string, message?: string): J {
  return {
    lastProbeTime: null,
    lastTransitionTime: at,
    ...(message ? { message } : {}),
    ...(reason ? { reason } : {}),
    status: status ? 'True' : 'False',
    type,
  };
}

export function isPodReady(pod: PodModel): boolean {
  return podPhase(pod) === 'Running' && Object.values(pod.containers).every((r) => r.ready);
}

function renderPod(w: World, pod: PodModel): J {
  const spec = renderPodSpec(w, pod);
  const initNames = (spec.initContainers ?? []).map((c: J) => c.name);
  const initPending = initNames.filter((n: string) => pod.init[n]?.state.terminated?.exitCode !== 0);
  const unready = spec.containers.map((c: J) => c.name).filter((n: string) => !pod.containers[n]?.ready);
  const ready = initPending.length === 0 && unready.length === 0;
  const created = w.clock.at(pod.created);
  const at = (s: number) => w.clock.at(shift(pod.created, s));
  const readyAt = pod.readySince ? w.clock.at(pod.readySince) : at(8);
  const phase = podPhase(pod);
  const conditions = [
    ...(w.slot.family.k8sMinor >= 29 ? [condition('PodReadyToStartContainers', true, at(1))] : []),
    initPending.length
      ? condition('Initialized', false, at(1), 'ContainersNotInitialized', `containers with incomplete status: [${initPending.join(' ')}]`)
      : condition('Initialized', true, at(initNames.length ? 3 : 0)),
    ready ? condition('Ready', true, readyAt) : condition('Ready', false, readyAt, 'ContainersNotReady', `containers with unready status: [${unready.join(' ')}]`),
    ready
      ? condition('ContainersReady', true, readyAt)
      : condition('ContainersReady', false, readyAt, 'ContainersNotReady', `containers with unready status: [${unready.join(' ')}]`),
    condition('PodScheduled', true, created),
  ];
  const status: J = {
    conditions,
    containerStatuses: spec.containers.map((c: J) => containerStatus(w, pod, c, pod.containers[c.name] ?? running(w, pod.created))),
    hostIP: pod.node.ip,
    ...(w.slot.family.k8sMinor >= 28 ? { hostIPs: [{ ip: pod.node.ip }] } : {}),
    ...(initNames.length
      ? { initContainerStatuses: (spec.initContainers ?? []).map((c: J) => containerStatus(w, pod, c, pod.init[c.name] ?? completed(w, pod.created, pod.created))) }
      : {}),
    phase,
    podIP: pod.ip,
    podIPs: [{ ip: pod.ip }],
    qosClass: qosClass(spec),
    startTime: created,
  };
  const hash = pod.labels['pod-template-hash'];
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: meta(w, 'Pod', pod.namespace, pod.name, pod.created, {
      ...(Object.keys(pod.annotations).length ? { annotations: pod.annotations } : {}),
      generateName: hash ? `${pod.name.slice(0, pod.name.lastIndexOf('-'))}-` : `${pod.owner?.name ?? pod.name}-`,
      labels: pod.labels,
      ...(pod.owner ? { ownerReferences: [{ ...pod.owner, blockOwnerDeletion: true, controller: true }] } : {}),
    }),
    spec,
    status,
  };
}

function qosClass(spec: J): string {
  const all = [...spec.containers, ...(spec.initContainers ?? [])];
  const guaranteed = all.every((c: J) => c.resources?.limits?.cpu && c.resources?.limits?.cpu === c.resources?.requests?.cpu);
  if (guaranteed) return 'Guaranteed';
  const any = all.some((c: J) => c.resources?.requests || c.resources?.limits);
  return any ? 'Burstable' : 'BestEffort';
}

function renderWorkload(w: World, m: WorkloadModel): Item[] {
  const items: Item[] = [];
  const ready = m.pods.filter((p) => isPodReady(p)).length;
  const template = {
    metadata: {
      ...(Object.keys(m.template.annotations).length ? { annotations: m.template.annotations } : {}),
      creationTimestamp: null,
      labels: m.template.labels,
    },
    spec: m.template.spec,
  };
  if (m.kind === 'DaemonSet') {
    items.push({
      part: m.part,
      file: m.file,
      obj: {
        apiVersion: 'apps/v1',
        kind: 'DaemonSet',
        metadata: meta(w, 'DaemonSet', m.namespace, m.name, m.created, {
          annotations: { 'deprecated.daemonset.template.generation': '1', ...m.annotations },
          generation: 1,
          labels: m.labels,
        }),
        spec: {
          revisionHistoryLimit: 10,
          selector: { matchLabels: m.selector },
          template,
          updateStrategy: { rollingUpdate: { maxSurge: 0, maxUnavailable: 1 }, type: 'RollingUpdate' },
        },
        status: {
          currentNumberScheduled: m.pods.length,
          desiredNumberScheduled: m.pods.length,
          numberAvailable: ready,
          numberMisscheduled: 0,
          numberReady: ready,
          ...(ready < m.pods.length ? { numberUnavailable: m.pods.length - ready } : {}),
          observedGeneration: 1,
          updatedNumberScheduled: m.pods.length,
        },
      },
    });
  } else {
    const rsName = `${m.name}-${m.hash}`;
    const available = ready >= m.replicas;
    const progressing =
      m.progressing === 'deadline-exceeded'
        ? condition2('Progressing', 'False', 'ProgressDeadlineExceeded', `ReplicaSet "${rsName}" has timed out progressing.`)
        : available || m.progressing === 'complete'
          ? condition2('Progressing', 'True', 'NewReplicaSetAvailable', `ReplicaSet "${rsName}" has successfully progressed.`)
          : condition2('Progressing', 'True', 'ReplicaSetUpdated', `ReplicaSet "${rsName}" is progressing.`);
    const times = { created: w.clock.at(m.created), ready: w.clock.at(shift(m.pods[0]?.readySince ?? m.created, 9)) };
    items.push({
      part: m.part,
      file: m.file,
      obj: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: meta(w, 'Deployment', m.namespace, m.name, m.created, {
          annotations: { 'deployment.kubernetes.io/revision': '1', ...m.annotations },
          generation: 1,
          labels: m.labels,
        }),
        spec: {
          progressDeadlineSeconds: 600,
          replicas: m.replicas,
          revisionHistoryLimit: 10,
          selector: { matchLabels: m.selector },
          strategy: { rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' }, type: 'RollingUpdate' },
          template,
        },
        status: {
          ...(ready ? { availableReplicas: ready } : {}),
          conditions: [
            available
              ? { ...condition2('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.'), lastTransitionTime: times.ready, lastUpdateTime: times.ready }
              : { ...condition2('Available', 'False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.'), lastTransitionTime: times.ready, lastUpdateTime: times.ready },
            { ...progressing, lastTransitionTime: times.created, lastUpdateTime: times.ready },
          ],
          observedGeneration: 1,
          ...(ready ? { readyReplicas: ready } : {}),
          replicas: m.pods.length,
          ...(m.pods.length - ready > 0 ? { unavailableReplicas: m.pods.length - ready } : {}),
          updatedReplicas: m.pods.length,
        },
      },
    });
    items.push({
      part: m.part,
      file: m.file,
      obj: {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: meta(w, 'ReplicaSet', m.namespace, rsName, m.created, {
          annotations: {
            'deployment.kubernetes.io/desired-replicas': String(m.replicas),
            'deployment.kubernetes.io/max-replicas': String(m.replicas + Math.ceil(m.replicas / 4)),
            'deployment.kubernetes.io/revision': '1',
          },
          generation: 1,
          labels: { ...m.template.labels, 'pod-template-hash': m.hash },
          ownerReferences: [
            { apiVersion: 'apps/v1', blockOwnerDeletion: true, controller: true, kind: 'Deployment', name: m.name, uid: w.uid('Deployment', m.namespace, m.name) },
          ],
        }),
        spec: {
          replicas: m.replicas,
          selector: { matchLabels: { ...m.selector, 'pod-template-hash': m.hash } },
          template: { ...template, metadata: { ...template.metadata, labels: { ...m.template.labels, 'pod-template-hash': m.hash } } },
        },
        status: {
          ...(ready ? { availableReplicas: ready } : {}),
          fullyLabeledReplicas: m.pods.length,
          observedGeneration: 1,
          ...(ready ? { readyReplicas: ready } : {}),
          replicas: m.pods.length,
        },
      },
    });
  }
  for (const pod of m.pods) items.push({ part: pod.part, file: pod.file, obj: renderPod(w, pod) });
  return items;
}

function condition2(type: string, status: string, reason: string, message: string): J {
  return { message, reason, status, type };
}

function servicePortsSpec(s: ServiceModel): J[] {
  return s.ports.map((p) => ({
    ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}),
    ...(p.name ? { name: p.name } : {}),
    ...(p.nodePort ? { nodePort: p.nodePort } : {}),
    port: p.port,
    protocol: p.protocol ?? 'TCP',
    targetPort: p.targetPort,
  }));
}

function renderService(w: World, s: ServiceModel, pods: PodModel[]): Item[] {
  const lb = s.type === 'LoadBalancer';
  const svc = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(w, 'Service', s.namespace, s.name, s.created, {
      ...(Object.keys(s.annotations).length ? { annotations: s.annotations } : {}),
      ...(Object.keys(s.labels).length ? { labels: s.labels } : {}),
    }),
    spec: {
      ...(lb ? { allocateLoadBalancerNodePorts: true } : {}),
      clusterIP: s.clusterIP,
      clusterIPs: [s.clusterIP],
      ...(s.type !== 'ClusterIP' ? { externalTrafficPolicy: 'Cluster' } : {}),
      internalTrafficPolicy: 'Cluster',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      ports: servicePortsSpec(s),
      ...(s.selector ? { selector: s.selector } : {}),
      sessionAffinity: 'None',
      type: s.type,
    },
    status: { loadBalancer: lb && s.ingress?.length ? { ingress: s.ingress.map((ip) => ({ ip, ...(w.slot.family.k8sMinor >= 30 ? { ipMode: 'VIP' } : {}) })) } : {} },
  };
  const items: Item[] = [{ part: s.part, file: s.file, obj: svc }];
  const targets = endpointTargets(s, pods);
  const trigger = w.clock.at(s.manualEndpoints ? s.created : latestPodChange(w, targets.map((t) => t.pod).filter((p): p is PodModel => !!p), s.created));
  const headless = s.headless ? { 'service.kubernetes.io/headless': '' } : {};
  const epPorts = s.ports.map((p) => ({ ...(p.name ? { name: p.name } : {}), port: p.targetPort, protocol: p.protocol ?? 'TCP' }));
  const address = (t: (typeof targets)[number]) => ({
    ip: t.ip,
    ...(t.pod ? { nodeName: t.pod.node.name, targetRef: { kind: 'Pod', name: t.pod.name, namespace: t.pod.namespace, uid: w.uid('Pod', t.pod.namespace, t.pod.name) } } : {}),
  });
  const readyT = targets.filter((t) => t.ready);
  const notReadyT = targets.filter((t) => !t.ready);
  items.push({
    part: s.part,
    file: s.file,
    obj: {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: meta(w, 'Endpoints', s.namespace, s.name, s.created, {
        ...(s.manualEndpoints ? {} : { annotations: { 'endpoints.kubernetes.io/last-change-trigger-time': trigger } }),
        ...(Object.keys({ ...s.labels, ...headless }).length ? { labels: { ...s.labels, ...headless } } : {}),
      }),
      ...(targets.length
        ? {
            subsets: [
              {
                ...(readyT.length ? { addresses: readyT.map(address) } : {}),
                ...(notReadyT.length ? { notReadyAddresses: notReadyT.map(address) } : {}),
                ports: epPorts,
              },
            ],
          }
        : {}),
    },
  });
  const sliceName = s.name === 'kubernetes' && s.namespace === 'default' ? 'kubernetes' : `${s.name}-${w.suffix(`slice/${s.namespace}/${s.name}`)}`;
  const managedBy = s.manualEndpoints ? (s.manualEndpointsManagedBy ?? 'endpointslicemirroring-controller.k8s.io') : 'endpointslice-controller.k8s.io';
  items.push({
    part: s.part,
    file: s.file,
    obj: {
      addressType: 'IPv4',
      apiVersion: 'discovery.k8s.io/v1',
      endpoints: targets.map((t) => ({
        addresses: [t.ip],
        conditions: { ready: t.ready, serving: t.ready, terminating: false },
        ...(t.pod
          ? {
              nodeName: t.pod.node.name,
              targetRef: { kind: 'Pod', name: t.pod.name, namespace: t.pod.namespace, uid: w.uid('Pod', t.pod.namespace, t.pod.name) },
              ...(w.slot.lb.kind === 'cloud' ? { zone: t.pod.node.zone } : {}),
            }
          : {}),
      })),
      kind: 'EndpointSlice',
      metadata: meta(w, 'EndpointSlice', s.namespace, sliceName, s.created, {
        ...(s.name === 'kubernetes' ? {} : { annotations: { 'endpoints.kubernetes.io/last-change-trigger-time': trigger } }),
        ...(sliceName === 'kubernetes' ? {} : { generateName: `${s.name}-` }),
        generation: 1,
        labels: {
          ...s.labels,
          ...headless,
          ...(s.name === 'kubernetes' && s.namespace === 'default' ? {} : { 'endpointslice.kubernetes.io/managed-by': managedBy }),
          'kubernetes.io/service-name': s.name,
        },
        ownerReferences: [
          s.manualEndpoints
            ? { apiVersion: 'v1', blockOwnerDeletion: true, controller: true, kind: 'Endpoints', name: s.name, uid: w.uid('Endpoints', s.namespace, s.name) }
            : { apiVersion: 'v1', blockOwnerDeletion: true, controller: true, kind: 'Service', name: s.name, uid: w.uid('Service', s.namespace, s.name) },
        ],
      }),
      ports: s.ports.map((p) => ({
        ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}),
        ...(p.name ? { name: p.name } : {}),
        port: p.targetPort,
        protocol: p.protocol ?? 'TCP',
      })),
    },
  });
  return items;
}

function latestPodChange(w: World, pods: PodModel[], fallback: string): string {
  let best = fallback;
  let bestMs = w.clock.date(fallback).getTime();
  for (const p of pods) {
    const t = p.readySince ?? shift(p.created, 8);
    const ms = w.clock.date(t).getTime();
    if (ms > bestMs) {
      best = t;
      bestMs = ms;
    }
  }
  return best;
}

function endpointTargets(s: ServiceModel, pods: PodModel[]): { ip: string; ready: boolean; pod?: PodModel }[] {
  if (s.manualEndpoints) return s.manualEndpoints.map((ip) => ({ ip, ready: true }));
  if (!s.selector) return [];
  const selector = s.selector;
  return pods
    .filter((p) => p.namespace === s.namespace && Object.entries(selector).every(([k, v]) => p.labels[k] === v))
    .filter((p) => p.ip && podPhase(p) !== 'Succeeded' && podPhase(p) !== 'Failed')
    .map((p) => ({ ip: p.ip, ready: isPodReady(p), pod: p }));
}

/** Every object of the world, statuses and endpoints derived from the current pod models. */
export function render(w: World): Item[] {
  const pods = w.workloads.flatMap((m) => m.pods);
  return [...w.items, ...w.workloads.flatMap((m) => renderWorkload(w, m)), ...w.services.flatMap((s) => renderService(w, s, pods))];
}

export type { ServicePort };
