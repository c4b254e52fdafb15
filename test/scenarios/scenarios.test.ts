// The scenario files and their loader: every scenario loads, is self-consistent and shows the
// evidence its seed describes; the loader's validation, base overrides and timestamp shifting.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeshMedicError } from '../../src/domain/errors.ts';
import type { K8sObject } from '../../src/domain/k8s-object.ts';
import type { ClusterSpec, ScenarioSpec } from '../../src/sandbox/cluster-spec.ts';
import {
  listScenarios,
  loadScenario,
  loadScenarios,
  SCENARIOS_DIR,
  shiftLogTimestamps,
  shiftTimestamp,
} from '../../src/sandbox/scenarios.ts';

// The check ids of the issue-3 table (the catalog in src/checks/index.ts implements them).
const CHECK_IDS = [
  'istiod-remote-endpoints',
  'gateway-xds-unreachable',
  'gateway-readiness',
  'loadbalancer-pending',
  'eastwest-gateway',
  'trust-root-mismatch',
  'remote-secrets',
  'istiod-remote-cluster-errors',
  'remote-discovery-service',
  'network-labels',
  'subset-no-endpoints',
  'gateway-upstream-unhealthy',
  'workload-labels',
  'service-port-protocol',
  'istio-init-failures',
  'istiod-apiserver-errors',
  'app-starts-before-proxy',
  'gateway-crd-conflict',
  'sidecar-injection',
  'control-plane-health',
  'cluster-access',
];

const SCENARIO_NAMES = [
  'app-before-proxy',
  'gateway-crd-shadow',
  'healthy-hosted',
  'healthy-multi-primary',
  'healthy-single',
  'hosted-colocated-endpoint',
  'hosted-no-loadbalancer',
  'hosted-xds-timeout',
  'istio-init-failure',
  'istiod-apiserver-unreachable',
  'multicluster-eastwest-pending',
  'multicluster-network-labels',
  'multicluster-remote-secret',
  'multicluster-trust-mismatch',
  'subset-missing-version-label',
];

// ---------------------------------------------------------------------------------------------
// helpers

// biome-ignore lint/suspicious/noExplicitAny: scenario objects are free-form Kubernetes JSON
type Obj = K8sObject & Record<string, any>;

function find(c: ClusterSpec, kind: string, namespace: string | undefined, name: string): Obj | undefined {
  return c.objects.find((o) => o.kind === kind && o.metadata.name === name && o.metadata.namespace === namespace) as Obj | undefined;
}

function all(c: ClusterSpec, kind: string, namespace?: string): Obj[] {
  return c.objects.filter((o) => o.kind === kind && (namespace === undefined || o.metadata.namespace === namespace)) as Obj[];
}

function podOf(c: ClusterSpec, namespace: string, prefix: string): K8sObject {
  const pod = all(c, 'Pod', namespace).find((p) => p.metadata.name.startsWith(prefix));
  if (!pod) throw new Error(`${c.name}: no pod ${namespace}/${prefix}*`);
  return pod;
}

function logOf(c: ClusterSpec, pod: K8sObject, container: string, previous = false): string {
  const log = c.logs.find((l) => l.pod === pod.metadata.name && l.namespace === pod.metadata.namespace && l.container === container && l.previous === previous);
  if (!log) throw new Error(`${c.name}: no log ${pod.metadata.name}/${container}`);
  return log.text;
}

function isReady(pod: K8sObject): boolean {
  return (pod.status?.conditions ?? []).some((x: { type: string; status: string }) => x.type === 'Ready' && x.status === 'True');
}

function lbIngress(svc: K8sObject | undefined): string[] {
  return (svc?.status?.loadBalancer?.ingress ?? []).map((i: { ip?: string }) => i.ip);
}

function endpointIps(c: ClusterSpec, namespace: string, name: string): string[] {
  const ep = find(c, 'Endpoints', namespace, name);
  return (ep?.subsets ?? []).flatMap((s: { addresses?: { ip: string }[] }) => (s.addresses ?? []).map((a) => a.ip));
}

function labelsOf(o: K8sObject | undefined): Record<string, string> {
  return o?.metadata.labels ?? {};
}

function envOf(pod: K8sObject, container: string, name: string): string | undefined {
  const c = pod.spec.containers.find((x: { name: string }) => x.name === container);
  return c?.env?.find((e: { name: string }) => e.name === name)?.value;
}

function cacertsRoot(c: ClusterSpec): string {
  return find(c, 'Secret', 'istio-system', 'cacerts')?.stringData?.['root-cert.pem'];
}

function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) strings(v, out);
  return out;
}

let specs: ScenarioSpec[] = [];
const byName = (name: string) => {
  const spec = specs.find((s) => s.name === name);
  if (!spec) throw new Error(`scenario ${name} not loaded`);
  return spec;
};
const cluster = (scenario: string, name: string) => {
  const c = byName(scenario).clusters.find((x) => x.name === name);
  if (!c) throw new Error(`no cluster ${name} in ${scenario}`);
  return c;
};
const clusters = () => specs.flatMap((s) => s.clusters.map((c) => ({ scenario: s.name, c })));

// A fixed "now", so that shifted timestamps can be asserted exactly.
const NOW = new Date('2030-01-01T00:00:00.000Z');

beforeAll(() => {
  specs = loadScenarios('all', { now: NOW });
});

// ---------------------------------------------------------------------------------------------

describe('the scenario catalog', () => {
  it('lists exactly the scenario directories, without _bases and _tools', () => {
    expect(listScenarios()).toEqual(SCENARIO_NAMES);
    expect(specs.map((s) => s.name)).toEqual(SCENARIO_NAMES);
  });

  it('names every cluster and mesh once across all scenarios', () => {
    const names = clusters().map(({ c }) => c.name);
    expect(new Set(names).size).toBe(names.length);
    const meshes = specs.flatMap((s) => s.meshes.map((m) => m.id));
    expect(new Set(meshes).size).toBe(meshes.length);
    expect(names).toContain('hosted-east');
  });

  it('expects only check ids of the catalog table, and every failure scenario expects some', () => {
    for (const { scenario, c } of clusters()) {
      for (const id of c.expectFail) expect(CHECK_IDS, `${scenario}/${c.name}`).toContain(id);
    }
    for (const spec of specs) {
      const expected = spec.clusters.flatMap((c) => c.expectFail);
      expect(expected.length === 0, spec.name).toBe(spec.name.startsWith('healthy-'));
    }
  });

  it('cites seed files and describes each scenario', () => {
    for (const spec of specs) {
      expect(spec.sources.length, spec.name).toBeGreaterThan(0);
      for (const s of spec.sources) expect(s).toMatch(/^00[0-4]_[0-9a-f]{16}\.txt$/);
      expect(spec.description.length, spec.name).toBeGreaterThan(100);
    }
  });
});

describe('every cluster of every scenario', () => {
  it('has what a mesh cluster needs: namespaces, ready nodes, istiod, Istio CRDs, a CA', () => {
    for (const { scenario, c } of clusters()) {
      const at = `${scenario}/${c.name}`;
      for (const ns of ['default', 'kube-system', 'istio-system']) expect(find(c, 'Namespace', undefined, ns), `${at} ns ${ns}`).toBeDefined();
      const nodes = all(c, 'Node');
      expect(nodes.length, at).toBeGreaterThan(0);
      for (const n of nodes) expect(n.status.conditions.find((x: { type: string }) => x.type === 'Ready')?.status, at).toBe('True');
      expect(find(c, 'Service', 'default', 'kubernetes'), at).toBeDefined();
      const istiods = all(c, 'Pod', 'istio-system').filter((p) => labelsOf(p).app === 'istiod');
      expect(istiods.length, `${at} istiod pods`).toBeGreaterThan(0);
      for (const crd of ['gateways', 'destinationrules', 'virtualservices']) {
        expect(find(c, 'CustomResourceDefinition', undefined, `${crd}.networking.istio.io`), `${at} ${crd}`).toBeDefined();
      }
      expect(cacertsRoot(c), at).toMatch(/^-----BEGIN CERTIFICATE-----/);
      expect(find(c, 'ConfigMap', 'istio-system', 'istio-ca-root-cert')?.data['root-cert.pem'], at).toBe(cacertsRoot(c));
      expect(all(c, 'MutatingWebhookConfiguration').some((w) => w.metadata.name.startsWith('istio-sidecar-injector')), at).toBe(true);
    }
  });

  it('has logs only for pods and containers it defines, and a log for every gateway and istiod pod', () => {
    for (const { scenario, c } of clusters()) {
      for (const log of c.logs) {
        const pod = find(c, 'Pod', log.namespace, log.pod);
        expect(pod, `${scenario}/${c.name} ${log.namespace}/${log.pod}`).toBeDefined();
        const names = [...(pod?.spec.containers ?? []), ...(pod?.spec.initContainers ?? [])].map((x: { name: string }) => x.name);
        expect(names, `${scenario}/${c.name} ${log.pod}`).toContain(log.container);
      }
      const wanted = all(c, 'Pod', 'istio-system').filter((p) => /gateway$/.test(labelsOf(p).istio ?? '') || labelsOf(p).app === 'istiod');
      for (const pod of wanted) {
        const container = labelsOf(pod).app === 'istiod' ? 'discovery' : 'istio-proxy';
        expect(c.logs.some((l) => l.pod === pod.metadata.name && l.container === container && !l.previous), `${scenario}/${c.name} ${pod.metadata.name}`).toBe(true);
      }
    }
  });

  it('is self-consistent: owners, endpoints and events point at objects that exist, with their uids', () => {
    for (const { scenario, c } of clusters()) {
      const at = `${scenario}/${c.name}`;
      const byUid = new Map(c.objects.map((o) => [o.metadata.uid, o]));
      expect(byUid.size, `${at}: uids unique`).toBe(c.objects.length);
      for (const o of c.objects) {
        for (const ref of o.metadata.ownerReferences ?? []) {
          const owner = byUid.get(ref.uid);
          expect(owner?.kind, `${at}: owner of ${o.kind} ${o.metadata.name}`).toBe(ref.kind);
          expect(owner?.metadata.name).toBe(ref.name);
        }
      }
      for (const slice of all(c, 'EndpointSlice')) {
        for (const e of slice.endpoints ?? []) {
          if (!e.targetRef) continue;
          const pod = byUid.get(e.targetRef.uid);
          expect(pod?.metadata.name, `${at}: ${slice.metadata.name}`).toBe(e.targetRef.name);
          expect(pod?.status.podIP).toBe(e.addresses[0]);
          expect(e.conditions.ready, `${at}: ${pod?.metadata.name} readiness`).toBe(pod ? isReady(pod) : false);
        }
      }
      for (const ev of all(c, 'Event')) {
        const target = byUid.get(ev.involvedObject.uid);
        expect(target?.metadata.name, `${at}: event ${ev.metadata.name}`).toBe(ev.involvedObject.name);
      }
    }
  });

  it('leaves no placeholder behind except the kubeconfigs of remote secrets, which name peers of the scenario', () => {
    for (const spec of specs) {
      const names = new Set(spec.clusters.map((c) => c.name));
      for (const c of spec.clusters) {
        for (const o of c.objects) {
          for (const s of strings(o)) {
            const left = s.match(/\{\{[A-Za-z][A-Za-z0-9]*(:[^{}\s]*)?\}\}/g) ?? [];
            for (const p of left) {
              expect(o.kind, `${c.name}: ${p} in ${o.kind} ${o.metadata.name}`).toBe('Secret');
              expect(labelsOf(o)['istio/multiCluster']).toBe('true');
              expect(names.has(p.slice('{{kubeconfig:'.length, -2))).toBe(true);
            }
          }
        }
        for (const l of c.logs) expect(l.text, `${c.name} ${l.pod}`).not.toMatch(/\{\{[a-zA-Z]+\}\}/);
      }
    }
  });

  it('shifts all timestamps so that nothing lies in the future', () => {
    for (const { scenario, c } of clusters()) {
      for (const o of c.objects) {
        for (const s of strings(o)) {
          if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(s)) expect(Date.parse(s), `${scenario}/${c.name} ${o.kind} ${o.metadata.name}: ${s}`).toBeLessThanOrEqual(NOW.getTime());
        }
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------
// the evidence each seed describes, as a person with kubectl would see it

describe('healthy baselines', () => {
  it('have every pod ready, no warning event and every LoadBalancer addressed', () => {
    for (const spec of specs.filter((s) => s.name.startsWith('healthy-'))) {
      for (const c of spec.clusters) {
        for (const pod of all(c, 'Pod')) expect(isReady(pod), `${c.name} ${pod.metadata.name}`).toBe(true);
        expect(all(c, 'Event').filter((e) => e.type === 'Warning'), c.name).toEqual([]);
        for (const svc of all(c, 'Service').filter((s) => s.spec.type === 'LoadBalancer')) {
          expect(lbIngress(svc).length, `${c.name} ${svc.metadata.name}`).toBeGreaterThan(0);
        }
        for (const log of c.logs) expect(log.text, `${c.name} ${log.pod}`).not.toMatch(/\t(error|warning|warn)\t|i\/o timeout|no_healthy_upstream|Failed to/);
      }
    }
  });

  it('wire remote clusters of a hosted mesh to the hosted-lb LoadBalancer IP on 15012 and 15017', () => {
    const cp = cluster('healthy-hosted', 'mesh-cp');
    const lb = lbIngress(find(cp, 'Service', 'istio-system', 'istiod-prod-mesh-hosted-lb'));
    expect(lb).toEqual(['10.6.112.201']);
    for (const name of ['workload-east', 'workload-west']) {
      const c = cluster('healthy-hosted', name);
      expect(endpointIps(c, 'istio-system', 'istiod-remote')).toEqual(lb);
      const ports = find(c, 'Endpoints', 'istio-system', 'istiod-remote')?.subsets[0].ports.map((p: { port: number }) => p.port);
      expect(ports).toEqual([15012, 15017]);
      const secret = find(cp, 'Secret', 'istio-system', `istio-remote-secret-${name}`);
      expect(Object.keys(secret?.stringData ?? {})).toEqual([name]);
    }
  });

  it('give a multi-primary mesh one root, labelled networks, addressed east-west gateways and remote secrets both ways', () => {
    const east = cluster('healthy-multi-primary', 'mp-east');
    const west = cluster('healthy-multi-primary', 'mp-west');
    expect(cacertsRoot(east)).toBe(cacertsRoot(west));
    for (const [c, peer, net] of [
      [east, 'mp-west', 'network1'],
      [west, 'mp-east', 'network2'],
    ] as const) {
      expect(labelsOf(find(c, 'Namespace', undefined, 'istio-system'))['topology.istio.io/network']).toBe(net);
      const ew = find(c, 'Service', 'istio-system', 'istio-eastwestgateway');
      expect(ew?.spec.ports.map((p: { port: number }) => p.port)).toEqual([15021, 15443, 15012, 15017]);
      expect(lbIngress(ew).length).toBe(1);
      const gw = find(c, 'Gateway', 'istio-system', 'cross-network-gateway');
      expect(gw?.spec.servers[0]).toMatchObject({ port: { number: 15443 }, tls: { mode: 'AUTO_PASSTHROUGH' } });
      expect(Object.keys(find(c, 'Secret', 'istio-system', `istio-remote-secret-${peer}`)?.stringData ?? {})).toEqual([peer]);
      expect(envOf(podOf(c, 'sample', 'helloworld'), 'istio-proxy', 'ISTIO_META_NETWORK')).toBe(net);
    }
  });
});

describe('failure scenarios', () => {
  it('hosted-xds-timeout: istiod-remote holds the hosted istiod Pod IP and the gateway times out dialing its ClusterIP', () => {
    const cp = cluster('hosted-xds-timeout', 'hosted-cp');
    const east = cluster('hosted-xds-timeout', 'hosted-east');
    const hostedPod = podOf(cp, 'istio-system', 'istiod-ywistio-hosted-');
    expect(endpointIps(east, 'istio-system', 'istiod-remote')).toEqual([hostedPod.status.podIP]);
    expect(lbIngress(find(cp, 'Service', 'istio-system', 'istiod-ywistio-hosted-lb'))).toEqual(['10.6.112.201']);
    expect(find(east, 'Service', 'istio-system', 'istiod-remote')?.spec.clusterIP).toBe('10.233.48.75');
    const gw = podOf(east, 'istio-system', 'istio-ingressgateway-');
    expect(isReady(gw)).toBe(false);
    const log = logOf(east, gw, 'istio-proxy');
    expect(log.match(/dial tcp 10\.233\.48\.75:15012: i\/o timeout/g)?.length).toBe(6);
    // The seed's lines keep their microseconds, shifted to the fixed now (recordedAt 12:21:30Z).
    expect(log).toContain('2029-12-31T23:57:37.664759Z\twarning\tenvoy config\tStreamAggregatedResources gRPC config stream to xds-grpc closed since 40s ago');
    expect(all(east, 'Event').some((e) => e.reason === 'Unhealthy' && e.involvedObject.name === gw.metadata.name)).toBe(true);
  });

  it('hosted-no-loadbalancer: no LoadBalancer implementation, the gateway Service pending and its pod unready', () => {
    const c = cluster('hosted-no-loadbalancer', 'nolb-workload');
    expect(find(c, 'Namespace', undefined, 'metallb-system')).toBeUndefined();
    for (const n of all(c, 'Node')) expect(n.spec.providerID).toBeUndefined();
    expect(lbIngress(find(c, 'Service', 'istio-system', 'istio-ingressgateway'))).toEqual([]);
    const gw = podOf(c, 'istio-system', 'istio-ingressgateway-');
    expect([gw.status.phase, isReady(gw), gw.status.podIP]).toEqual(['Running', false, '10.244.0.17']);
    const unhealthy = all(c, 'Event').find((e) => e.reason === 'Unhealthy');
    expect(unhealthy?.message).toBe('Readiness probe failed: Get "http://10.244.0.17:15021/healthz/ready": dial tcp 10.244.0.17:15021: connect: connection refused');
  });

  it('hosted-colocated-endpoint: istiod-remote holds its own hosted-lb IP instead of the hosted istiod Pod IP', () => {
    const c = cluster('hosted-colocated-endpoint', 'colo-1');
    expect(c.role).toBe('remote');
    expect(c.controlPlane).toBe('colo-1');
    const lb = lbIngress(find(c, 'Service', 'istio-system', 'istiod-colo-hosted-lb'));
    expect(endpointIps(c, 'istio-system', 'istiod-remote')).toEqual(lb);
    expect(podOf(c, 'istio-system', 'istiod-colo-hosted-').status.podIP).toBe('10.236.96.23');
  });

  it('multicluster-trust-mismatch: the clusters carry different roots, in cacerts and istio-ca-root-cert', () => {
    const east = cluster('multicluster-trust-mismatch', 'trust-east');
    const west = cluster('multicluster-trust-mismatch', 'trust-west');
    expect(cacertsRoot(east)).not.toBe(cacertsRoot(west));
    for (const cm of all(west, 'ConfigMap').filter((x) => x.metadata.name === 'istio-ca-root-cert')) expect(cm.data['root-cert.pem']).toBe(cacertsRoot(west));
  });

  it('multicluster-remote-secret: the secret for secret-west is keyed "west" and istiod says it failed to add it', () => {
    const east = cluster('multicluster-remote-secret', 'secret-east');
    const secrets = all(east, 'Secret', 'istio-system').filter((s) => labelsOf(s)['istio/multiCluster'] === 'true');
    expect(secrets.map((s) => Object.keys(s.stringData ?? {}))).toEqual([['west']]);
    const log = logOf(east, podOf(east, 'istio-system', 'istiod-'), 'discovery');
    expect(log).toMatch(/\terror\tFailed to add remote cluster from secret=istio-system\/istio-remote-secret-secret-west for cluster_id=west: /);
  });

  it('multicluster-network-labels: istio-system and the sidecars of netlabel-west carry no network', () => {
    const west = cluster('multicluster-network-labels', 'netlabel-west');
    expect(labelsOf(find(west, 'Namespace', undefined, 'istio-system'))['topology.istio.io/network']).toBeUndefined();
    expect(envOf(podOf(west, 'sample', 'helloworld-v2'), 'istio-proxy', 'ISTIO_META_NETWORK')).toBeUndefined();
    expect(labelsOf(podOf(west, 'istio-system', 'istio-eastwestgateway'))['topology.istio.io/network']).toBe('network2');
  });

  it('multicluster-eastwest-pending: the east-west gateway Service has no EXTERNAL-IP and the cloud says why', () => {
    const west = cluster('multicluster-eastwest-pending', 'ewpending-west');
    expect(lbIngress(find(west, 'Service', 'istio-system', 'istio-eastwestgateway'))).toEqual([]);
    const failed = all(west, 'Event').find((e) => e.reason === 'SyncLoadBalancerFailed');
    expect(failed?.message).toContain("QUOTA_EXCEEDED - Quota 'IN_USE_ADDRESSES' exceeded");
  });

  it('subset-missing-version-label: review pods lack `version`, the gateway logs 503 UH for the v1 subset', () => {
    const c = cluster('subset-missing-version-label', 'review-prod');
    const dr = find(c, 'DestinationRule', 'review', 'review');
    expect(dr?.spec.subsets).toEqual([{ labels: { version: 'v1' }, name: 'v1' }]);
    const review = podOf(c, 'review', 'review-');
    expect(labelsOf(review).app).toBe('review');
    expect(labelsOf(review).version).toBeUndefined();
    const log = logOf(c, podOf(c, 'istio-system', 'istio-ingressgateway-'), 'istio-proxy');
    expect(log).toMatch(/" 503 UH no_healthy_upstream .* outbound\|80\|v1\|review\.review\.svc\.cluster\.local /);
    expect(log).toContain('no healthy host for HTTP connection pool');
  });

  it('istio-init-failure: istio-init crash-loops without NET_ADMIN and logs the iptables-restore failure', () => {
    const c = cluster('istio-init-failure', 'init-prod');
    const pod = podOf(c, 'review', 'notify-');
    const init = pod.status.initContainerStatuses.find((s: { name: string }) => s.name === 'istio-init');
    expect([pod.status.phase, init.state.waiting.reason, init.lastState.terminated.exitCode]).toEqual(['Pending', 'CrashLoopBackOff', 1]);
    const spec = pod.spec.initContainers.find((s: { name: string }) => s.name === 'istio-init');
    expect(spec.securityContext.capabilities).toEqual({ drop: ['ALL'] });
    expect(logOf(c, pod, 'istio-init')).toContain("iptables-restore: unable to initialize table 'nat'");
  });

  it('istiod-apiserver-unreachable: istiod keeps failing to watch the API server until the end of its log', () => {
    const c = cluster('istiod-apiserver-unreachable', 'apiserver-prod');
    const lines = logOf(c, podOf(c, 'istio-system', 'istiod-'), 'discovery').trim().split('\n');
    expect(lines.filter((l) => /Failed to watch .*connect: connection refused/.test(l)).length).toBeGreaterThan(10);
    expect(lines.filter((l) => /error.*cannot list resource/.test(l)).length).toBeGreaterThan(10);
    const lastError = lines.filter((l) => /\terror\t/.test(l)).at(-1) ?? '';
    expect(NOW.getTime() - Date.parse(lastError.slice(0, 27))).toBeLessThan(5 * 60_000);
  });

  it('app-before-proxy: the app restarted right after start with connection refused, nothing holds it', () => {
    const c = cluster('app-before-proxy', 'startup-prod');
    const pod = podOf(c, 'review', 'review-');
    const app = pod.status.containerStatuses.find((s: { name: string }) => s.name === 'review');
    expect(app.restartCount).toBe(2);
    expect(Date.parse(app.lastState.terminated.finishedAt) - Date.parse(pod.metadata.creationTimestamp ?? '')).toBeLessThan(10_000);
    expect(logOf(c, pod, 'review', true)).toContain('connect: connection refused');
    expect(pod.metadata.annotations?.['proxy.istio.io/config']).toBeUndefined();
    expect(find(c, 'ConfigMap', 'istio-system', 'istio')?.data.mesh).not.toContain('holdApplicationUntilProxyStarts');
  });

  it('gateway-crd-shadow: a second `gateways` CRD exists beside Istio\'s', () => {
    const c = cluster('gateway-crd-shadow', 'gwcrd-prod');
    const gateways = all(c, 'CustomResourceDefinition').filter((x) => x.spec.names.plural === 'gateways').map((x) => x.metadata.name);
    expect(gateways.sort()).toEqual(['gateways.gateway.networking.k8s.io', 'gateways.networking.istio.io']);
    expect(find(c, 'Gateway', 'review', 'review-gateway')?.apiVersion).toMatch(/^networking\.istio\.io\//);
  });
});

// ---------------------------------------------------------------------------------------------
// the loader

describe('timestamp shifting', () => {
  const hour = 3_600_000;

  it('keeps the format of each timestamp', () => {
    expect(shiftTimestamp('2023-04-25T12:18:04.657568Z', hour)).toBe('2023-04-25T13:18:04.657568Z');
    expect(shiftTimestamp('2023-04-25T12:18:04Z', hour + 999)).toBe('2023-04-25T13:18:04Z');
    expect(shiftTimestamp('2023-04-25T12:18:04.5Z', 250)).toBe('2023-04-25T12:18:04.7Z');
    expect(shiftTimestamp('2023-02-24T10:51:22+08:00', 14 * hour)).toBe('2023-02-25T00:51:22+08:00');
    expect(shiftTimestamp('2023-12-31T23:59:59.999Z', 2)).toBe('2024-01-01T00:00:00.001Z');
    expect(shiftTimestamp('Fri, 24 Feb 2023 10:51:22 +0800', hour)).toBeUndefined();
    expect(shiftTimestamp('2023-04-25', hour)).toBeUndefined();
  });

  it('shifts the leading timestamp of each log line, Envoy brackets included, and nothing inside a line', () => {
    const text = [
      '2023-04-25T12:19:07.664759Z\twarning\tenvoy config\tclosed at 2023-04-25T12:19:07Z',
      '[2023-07-03T04:12:02.106Z] "GET / HTTP/1.1" 503 UH',
      'ENVOY_PORT=',
      '',
    ].join('\n');
    expect(shiftLogTimestamps(text, -hour)).toBe(
      [
        '2023-04-25T11:19:07.664759Z\twarning\tenvoy config\tclosed at 2023-04-25T12:19:07Z',
        '[2023-07-03T03:12:02.106Z] "GET / HTTP/1.1" 503 UH',
        'ENVOY_PORT=',
        '',
      ].join('\n'),
    );
  });

  it('moves a scenario so that recordedAt becomes now', () => {
    const spec = loadScenario('hosted-xds-timeout', { now: new Date('2023-04-25T13:21:30Z') });
    const east = spec.clusters.find((c) => c.name === 'hosted-east')!;
    const gw = podOf(east, 'istio-system', 'istio-ingressgateway-');
    expect(gw.metadata.creationTimestamp).toBe('2023-04-25T13:18:02Z');
    expect(logOf(east, gw, 'istio-proxy').split('\n')[0]).toBe('2023-04-25T13:18:04.657568Z\tinfo\tJWT policy is third-party-jwt');
  });
});

describe('scenario files (temporary fixtures)', () => {
  let root = '';
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  const scenarioYaml = (name: string, clusters: string) =>
    `name: ${name}\ndescription: a fixture\nsources: [003_87f8f8ea8e0ba1af.txt]\nrecordedAt: "2024-01-01T00:00:00Z"\nmeshes:\n  - id: mesh-${name}\nclusters:\n${clusters}`;
  const svc = (name: string, port: number, version = 'v1') =>
    `apiVersion: ${version}\nkind: Service\nmetadata:\n  name: ${name}\n  namespace: default\n  creationTimestamp: "2023-12-31T00:00:00Z"\nspec:\n  ports:\n    - port: ${port}\n`;
  const pod = `apiVersion: v1\nkind: Pod\nmetadata:\n  name: web-1\n  namespace: default\nspec:\n  containers:\n    - name: web\n      image: nginx\n`;

  beforeAll(() => {
    root = join(mkdtempSync(join(tmpdir(), 'mesh-medic-scenarios-')), 'scenarios');
  });
  afterAll(() => rmSync(dirname(root), { recursive: true, force: true }));

  const error = (fn: () => unknown): MeshMedicError => {
    try {
      fn();
    } catch (err) {
      if (err instanceof MeshMedicError) return err;
      throw err;
    }
    throw new Error('expected a MeshMedicError');
  };

  it('names the file and the path of an invalid field', () => {
    write('x/scenario.yaml', scenarioYaml('x', '  - name: a\n    mesh: mesh-x\n    role: primary\n    expectFail: []\n  - name: b\n    mesh: mesh-x\n    role: master\n    expectFail: []\n'));
    const err = error(() => loadScenario('x', { root }));
    expect(err.code).toBe('SCENARIO_INVALID');
    expect(err.message).toContain('scenarios/x/scenario.yaml: clusters[1].role: invalid value "master"');
  });

  it('rejects unknown keys, unknown check-id shapes and a remote without controlPlane', () => {
    write('y/scenario.yaml', scenarioYaml('y', '  - name: a\n    mesh: mesh-y\n    role: primary\n    expectFail: [Not_A_Check]\n    color: blue\n'));
    const err = error(() => loadScenario('y', { root }));
    expect(err.message).toContain('scenarios/y/scenario.yaml: ');
    expect(err.message).toContain('clusters[0].color: unknown key');
    expect(err.message).toContain('clusters[0].expectFail[0]: must be a kebab-case check id');
    write('y/scenario.yaml', scenarioYaml('y', '  - name: a\n    mesh: mesh-y\n    role: remote\n    expectFail: []\n'));
    expect(error(() => loadScenario('y', { root })).message).toContain('clusters[0].controlPlane: required for role remote');
  });

  it('requires cluster directories, known bases and logs of existing pods and containers', () => {
    write('z/scenario.yaml', scenarioYaml('z', '  - name: z1\n    mesh: mesh-z\n    role: primary\n    bases: [nope]\n    expectFail: []\n'));
    expect(error(() => loadScenario('z', { root })).message).toContain("clusters[0].bases[0]: base 'nope' not found");
    write('z/scenario.yaml', scenarioYaml('z', '  - name: z1\n    mesh: mesh-z\n    role: primary\n    expectFail: []\n'));
    expect(error(() => loadScenario('z', { root })).message).toContain('cluster directory scenarios/z/z1 not found');
    write('z/z1/pods.yaml', pod);
    write('z/z1/logs/default/web-1/sidecar.log', 'hello\n');
    expect(error(() => loadScenario('z', { root })).message).toContain('log for container sidecar, which pod default/web-1 does not have');
    rmSync(join(root, 'z/z1/logs/default/web-1/sidecar.log'));
    write('z/z1/logs/default/web-2/web.log', 'hello\n');
    expect(error(() => loadScenario('z', { root })).message).toContain('log for pod default/web-2, which this cluster does not define');
  });

  it('reports broken manifests with their file', () => {
    write('m/scenario.yaml', scenarioYaml('m', '  - name: m1\n    mesh: mesh-m\n    role: primary\n    expectFail: []\n'));
    write('m/m1/bad.yaml', 'apiVersion: v1\nkind: Service\nmetadata: {}\n');
    expect(error(() => loadScenario('m', { root })).message).toMatch(/scenarios\/m\/m1\/bad\.yaml: document 1 \(Service\): metadata\.name is required/);
    write('m/m1/bad.yaml', 'apiVersion: v1\nkind: Widget\nmetadata:\n  name: w\n');
    expect(error(() => loadScenario('m', { root })).message).toContain('v1 Widget is neither a built-in type');
    write('m/m1/bad.yaml', 'kind: [unclosed\n');
    expect(error(() => loadScenario('m', { root })).message).toContain('scenarios/m/m1/bad.yaml: invalid YAML');
  });

  it('includes bases in order; a later object of the same group, kind, namespace and name replaces the earlier', () => {
    write('_bases/web/services.yaml', `${svc('web', 80)}---\n${svc('db', 5432)}`);
    write('_bases/web/pods.yaml', pod);
    write('_bases/web/logs/default/web-1/web.log', '2023-12-31T23:00:00.000001Z\tinfo\tfrom the base\n');
    write('o/scenario.yaml', scenarioYaml('o', '  - name: o1\n    mesh: mesh-o\n    role: primary\n    bases: [web]\n    expectFail: []\n'));
    write('o/o1/override.yaml', `kind: List\napiVersion: v1\nitems:\n  - ${svc('web', 8080).replace(/\n/g, '\n    ')}`);
    write('o/o1/logs/default/web-1/web.log', '2023-12-31T23:59:00.000001Z\tinfo\tfrom the scenario\n');
    const spec = loadScenario('o', { root, now: new Date('2024-01-01T00:00:00Z') });
    const c = spec.clusters[0]!;
    expect(c.objects.filter((o) => o.kind === 'Service').map((o) => [o.metadata.name, o.spec.ports[0].port])).toEqual([
      ['web', 8080],
      ['db', 5432],
    ]);
    expect(c.logs.map((l) => l.text)).toEqual(['2023-12-31T23:59:00.000001Z\tinfo\tfrom the scenario\n']);
    expect(listScenarios(root)).not.toContain('_bases');
  });

  it('fills {{cluster}}-style placeholders and rejects unknown ones', () => {
    write('p/scenario.yaml', scenarioYaml('p', '  - name: p1\n    mesh: mesh-p\n    role: primary\n    expectFail: []\n'));
    write('p/p1/cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ids\n  namespace: default\ndata:\n  id: "{{cluster}}/{{mesh}}"\n');
    const c = loadScenario('p', { root }).clusters[0]!;
    expect(c.objects[0]?.data).toEqual({ id: 'p1/mesh-p' });
    write('p/p1/cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ids\n  namespace: default\ndata:\n  id: "{{network}}"\n');
    expect(error(() => loadScenario('p', { root })).message).toContain('{{network}}: this cluster has no network in scenario.yaml');
    write('p/p1/cm.yaml', 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  namespace: default\nstringData:\n  other: "{{kubeconfig:elsewhere}}"\n');
    expect(error(() => loadScenario('p', { root })).message).toContain("'elsewhere' is not a cluster of this scenario");
  });

  it('refuses cluster names or mesh ids used by two scenarios', () => {
    write('d1/scenario.yaml', scenarioYaml('d1', '  - name: same\n    mesh: mesh-d1\n    role: primary\n    expectFail: []\n'));
    write('d1/same/.gitkeep', '');
    write('d2/scenario.yaml', scenarioYaml('d2', '  - name: same\n    mesh: mesh-d2\n    role: primary\n    expectFail: []\n'));
    write('d2/same/.gitkeep', '');
    expect(error(() => loadScenarios(['d1', 'd2'], { root })).message).toBe(
      "cluster name 'same' is used by scenarios d1 and d2: cluster names must be unique across all scenarios",
    );
  });

  it('says which scenarios exist when asked for an unknown one', () => {
    const err = error(() => loadScenario('no-such-scenario'));
    expect(err.code).toBe('SCENARIO_INVALID');
    expect(err.message).toContain('healthy-single');
    expect(SCENARIOS_DIR.endsWith('/scenarios')).toBe(true);
  });
});
