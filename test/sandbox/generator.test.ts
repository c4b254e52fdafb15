// The synthetic mesh generator: deterministic, proportional, internally consistent and healthy by
// the issue-3 check table, at benchmark scale.

import { describe, expect, it } from 'vitest';
import { MeshMedicError } from '../../src/domain/errors.ts';
import type { K8sObject } from '../../src/domain/k8s-object.ts';
import { type GenerateAppsOptions, generateApps, injectSubsetFailures } from '../../src/sandbox/generator.ts';

// biome-ignore lint/suspicious/noExplicitAny: test helpers read kind-specific fields
type Any = any;

const ofKind = (objects: K8sObject[], kind: string) => objects.filter((o) => o.kind === kind);
const ref = (o: K8sObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;

function countKinds(objects: K8sObject[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of objects) counts[o.kind] = (counts[o.kind] ?? 0) + 1;
  return counts;
}

function matches(labels: Record<string, string> | undefined, selector: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

function isReady(pod: K8sObject): boolean {
  return (pod.status?.conditions ?? []).some((c: Any) => c.type === 'Ready' && c.status === 'True');
}

/** Ready endpoint IPs of a Service, from its EndpointSlices (what the subset check should use). */
function readyEndpointIps(objects: K8sObject[], namespace: string, service: string): Set<string> {
  const slices = ofKind(objects, 'EndpointSlice').filter(
    (s) => s.metadata.namespace === namespace && s.metadata.labels?.['kubernetes.io/service-name'] === service,
  );
  return new Set(
    slices.flatMap((s) => (s.endpoints as Any[]).filter((e) => e.conditions.ready).flatMap((e) => e.addresses as string[])),
  );
}

/**
 * For every DestinationRule subset: the ready pods of the host Service (same namespace) that also
 * carry the subset labels and are ready endpoints of that Service. Returns subsets selecting none.
 */
function emptySubsets(objects: K8sObject[]): string[] {
  const empty: string[] = [];
  const pods = ofKind(objects, 'Pod');
  for (const dr of ofKind(objects, 'DestinationRule')) {
    const ns = dr.metadata.namespace!;
    const host: string = dr.spec.host;
    const serviceName = host.endsWith(`.${ns}.svc.cluster.local`) ? host.split('.')[0] : host;
    const service = ofKind(objects, 'Service').find((s) => s.metadata.namespace === ns && s.metadata.name === serviceName);
    if (!service) {
      empty.push(`${ns}/${dr.metadata.name}: host ${host} has no Service`);
      continue;
    }
    const endpoints = readyEndpointIps(objects, ns, serviceName!);
    for (const subset of dr.spec.subsets as Any[]) {
      const selector = { ...service.spec.selector, ...subset.labels };
      const selected = pods.filter(
        (p) => p.metadata.namespace === ns && isReady(p) && matches(p.metadata.labels, selector) && endpoints.has(p.status.podIP),
      );
      if (selected.length === 0) empty.push(`${ns}/${dr.metadata.name}/${subset.name}`);
    }
  }
  return empty.sort();
}

const BASE: GenerateAppsOptions = { seed: 42, cluster: 'bench-east', pods: 1000, network: 'net-east' };

describe('generateApps', () => {
  const objects = generateApps(BASE);

  it('is deterministic: same options, byte-identical output; another seed, other output', () => {
    const again = generateApps(BASE);
    expect(JSON.stringify(again)).toBe(JSON.stringify(objects));
    const other = generateApps({ ...BASE, seed: 43 });
    expect(JSON.stringify(other)).not.toBe(JSON.stringify(objects));
    expect(countKinds(other)).toEqual(countKinds(objects));
  });

  it('produces every kind in proportion to the pod count', () => {
    expect(countKinds(objects)).toEqual({
      Node: 10,
      Namespace: 5,
      ConfigMap: 5,
      ServiceAccount: 5,
      Service: 250,
      Endpoints: 250,
      EndpointSlice: 250,
      Deployment: 500,
      ReplicaSet: 500,
      Pod: 1000,
      DestinationRule: 250,
      VirtualService: 250,
    });
  });

  it('honours podsPerService, namespaces and nodeCount, including a remainder service', () => {
    const small = generateApps({ seed: 1, cluster: 'c1', pods: 10, podsPerService: 4, namespaces: 2, nodeCount: 3 });
    expect(countKinds(small)).toMatchObject({ Node: 3, Namespace: 2, Service: 3, Deployment: 6, Pod: 10 });
    const replicas = ofKind(small, 'Deployment').map((d) => d.spec.replicas as number);
    expect(replicas.reduce((a, b) => a + b, 0)).toBe(10);
    const singles = generateApps({ seed: 1, cluster: 'c1', pods: 5, podsPerService: 1 });
    expect(countKinds(singles)).toMatchObject({ Service: 5, Deployment: 5, Pod: 5 });
    for (const dr of ofKind(singles, 'DestinationRule')) expect(dr.spec.subsets.map((s: Any) => s.name)).toEqual(['v1']);
    const wide = generateApps({ seed: 1, cluster: 'c1', pods: 250, podsPerService: 250 });
    expect(countKinds(wide)).toMatchObject({ Service: 1, EndpointSlice: 3, Pod: 250 });
    expect(readyEndpointIps(wide, ofKind(wide, 'Service')[0]!.metadata.namespace!, ofKind(wide, 'Service')[0]!.metadata.name).size).toBe(250);
  });

  it('gives pods unique names, uids and IPs, inside the pod CIDR and their node block', () => {
    const pods = ofKind(objects, 'Pod');
    expect(new Set(pods.map(ref)).size).toBe(pods.length);
    expect(new Set(objects.map((o) => o.metadata.uid)).size).toBe(objects.length);
    const ips = pods.map((p) => p.status.podIP as string);
    expect(new Set(ips).size).toBe(pods.length);
    // Default pod CIDR 10.60.0.0/14 spans 10.60.0.0 - 10.63.255.255; nodes get /24 blocks.
    const nodes = new Map(ofKind(objects, 'Node').map((n) => [n.metadata.name, n.spec.podCIDR as string]));
    for (const pod of pods) {
      const [a, b, c] = (pod.status.podIP as string).split('.').map(Number);
      expect(a === 10 && b! >= 60 && b! <= 63).toBe(true);
      expect(nodes.get(pod.spec.nodeName)).toBe(`${a}.${b}.${c}.0/24`);
      expect(pod.status.hostIP).toBe(ofKind(objects, 'Node').find((n) => n.metadata.name === pod.spec.nodeName)!.status.addresses[0].address);
    }
  });

  it('makes every DestinationRule subset select at least one ready pod of its host Service', () => {
    expect(emptySubsets(objects)).toEqual([]);
    for (const vs of ofKind(objects, 'VirtualService')) {
      const dr = ofKind(objects, 'DestinationRule').find((d) => ref(d) === ref(vs))!;
      const subsets = new Set(dr.spec.subsets.map((s: Any) => s.name));
      const routes = vs.spec.http[0].route as Any[];
      expect(routes.every((r) => subsets.has(r.destination.subset) && r.destination.host === dr.spec.host)).toBe(true);
      expect(routes.reduce((sum, r) => sum + r.weight, 0)).toBe(100);
    }
  });

  it('keeps ownerReferences consistent: Pod -> ReplicaSet -> Deployment, EndpointSlice -> Service', () => {
    const byRef = (kind: string) => new Map(ofKind(objects, kind).map((o) => [ref(o), o]));
    const replicaSets = byRef('ReplicaSet');
    const deployments = byRef('Deployment');
    const services = byRef('Service');
    const podsPerRs = new Map<string, number>();
    for (const pod of ofKind(objects, 'Pod')) {
      const owner = pod.metadata.ownerReferences![0]!;
      const rs = replicaSets.get(`${pod.metadata.namespace}/${owner.name}`)!;
      expect(owner).toMatchObject({ kind: 'ReplicaSet', uid: rs.metadata.uid, controller: true });
      expect(matches(pod.metadata.labels, rs.spec.selector.matchLabels)).toBe(true);
      expect(pod.metadata.labels!['pod-template-hash']).toBe(rs.metadata.labels!['pod-template-hash']);
      podsPerRs.set(ref(rs), (podsPerRs.get(ref(rs)) ?? 0) + 1);
    }
    for (const rs of replicaSets.values()) {
      const owner = rs.metadata.ownerReferences![0]!;
      const deploy = deployments.get(`${rs.metadata.namespace}/${owner.name}`)!;
      expect(owner).toMatchObject({ kind: 'Deployment', uid: deploy.metadata.uid });
      expect(podsPerRs.get(ref(rs))).toBe(deploy.spec.replicas);
      expect(rs.spec.replicas).toBe(deploy.spec.replicas);
      expect(matches(deploy.spec.template.metadata.labels, deploy.spec.selector.matchLabels)).toBe(true);
    }
    for (const slice of ofKind(objects, 'EndpointSlice')) {
      const owner = slice.metadata.ownerReferences![0]!;
      const svc = services.get(`${slice.metadata.namespace}/${owner.name}`)!;
      expect(owner.uid).toBe(svc.metadata.uid);
    }
    const pods = new Map(ofKind(objects, 'Pod').map((p) => [p.metadata.uid, p]));
    for (const ep of ofKind(objects, 'Endpoints')) {
      for (const address of (ep.subsets as Any)[0].addresses as Any[]) {
        expect(pods.get(address.targetRef.uid)?.status.podIP).toBe(address.ip);
      }
    }
  });

  it('is healthy by the check table: injected, labelled, named ports, no failing init, networks set', () => {
    for (const ns of ofKind(objects, 'Namespace')) {
      expect(ns.metadata.labels!['istio-injection']).toBe('enabled');
      const cm = ofKind(objects, 'ConfigMap').find((c) => c.metadata.namespace === ns.metadata.name);
      expect(cm?.metadata.name).toBe('istio-ca-root-cert');
      expect((cm!.data as Any)['root-cert.pem']).toMatch(/^-----BEGIN CERTIFICATE-----/);
    }
    for (const pod of ofKind(objects, 'Pod')) {
      const labels = pod.metadata.labels!;
      expect(labels.app && labels.version).toBeTruthy();
      expect(pod.metadata.annotations!['sidecar.istio.io/status']).toContain('istio-proxy');
      const proxy = pod.spec.containers.find((c: Any) => c.name === 'istio-proxy');
      expect(proxy.env.find((e: Any) => e.name === 'ISTIO_META_NETWORK')?.value).toBe('net-east');
      expect(labels['topology.istio.io/network']).toBe('net-east');
      expect(pod.spec.initContainers[0].securityContext.capabilities.add).toContain('NET_ADMIN');
      const init = pod.status.initContainerStatuses[0];
      expect([init.name, init.state.terminated.exitCode]).toEqual(['istio-init', 0]);
      for (const c of pod.status.containerStatuses) expect([c.ready, c.restartCount]).toEqual([true, 0]);
      expect(pod.status.phase).toBe('Running');
    }
    for (const svc of ofKind(objects, 'Service')) {
      expect(svc.spec.type).toBe('ClusterIP');
      expect(svc.metadata.labels!.app).toBe(svc.metadata.name);
      for (const port of svc.spec.ports) expect(port.name).toMatch(/^(http|grpc)-/);
    }
  });

  it('omits the network when none is given', () => {
    const plain = generateApps({ seed: 5, cluster: 'flat', pods: 8 });
    const pod = ofKind(plain, 'Pod')[0]!;
    expect(pod.metadata.labels!['topology.istio.io/network']).toBeUndefined();
    expect(pod.spec.containers[1].env.some((e: Any) => e.name === 'ISTIO_META_NETWORK')).toBe(false);
  });

  it('refuses options it cannot honour, with a USAGE error', () => {
    const err = (opts: GenerateAppsOptions) => {
      try {
        generateApps(opts);
      } catch (e) {
        return e as MeshMedicError;
      }
      throw new Error('accepted');
    };
    expect(err({ ...BASE, podCidr: '10.0.0.0/24' })).toMatchObject({ code: 'USAGE', message: expect.stringMatching(/podCidr 10.0.0.0\/24 is too small/) });
    expect(err({ ...BASE, podCidr: '10.0.0/14' }).message).toContain('is not an IPv4 CIDR');
    expect(err({ ...BASE, cluster: 'Bad_Name' }).code).toBe('USAGE');
    expect(err({ ...BASE, pods: 0 }).message).toContain('pods must be a positive integer');
    expect(err({ ...BASE, pods: 0 })).toBeInstanceOf(MeshMedicError);
  });

  it('generates 20,000 pods with the right counts and unique addresses', () => {
    const big = generateApps({ seed: 2024, cluster: 'big', pods: 20_000 });
    expect(countKinds(big)).toMatchObject({ Pod: 20_000, Service: 5000, Deployment: 10_000, Namespace: 100, Node: 200 });
    expect(new Set(ofKind(big, 'Pod').map((p) => p.status.podIP)).size).toBe(20_000);
  });
});

describe('injectSubsetFailures', () => {
  const healthy = generateApps({ seed: 9, cluster: 'faulty', pods: 400 });

  it('empties exactly `count` subsets, deterministically, without touching the input', () => {
    const before = JSON.stringify(healthy);
    const broken = injectSubsetFailures(healthy, 3, 77);
    expect(JSON.stringify(healthy)).toBe(before);
    const empty = emptySubsets(broken);
    expect(empty).toHaveLength(3);
    expect(JSON.stringify(injectSubsetFailures(healthy, 3, 77))).toBe(JSON.stringify(broken));
    expect(emptySubsets(injectSubsetFailures(healthy, 3, 78))).not.toEqual(empty);
  });

  it('removes the version label from the chosen deployments, their ReplicaSets and pods only', () => {
    const broken = injectSubsetFailures(healthy, 2, 5);
    const stripped = ofKind(broken, 'Deployment').filter((d) => d.spec.template.metadata.labels.version === undefined);
    expect(stripped).toHaveLength(2);
    for (const deploy of stripped) {
      expect(deploy.spec.selector.matchLabels.version).toBeUndefined();
      const rs = ofKind(broken, 'ReplicaSet').find((r) => r.metadata.ownerReferences![0]!.uid === deploy.metadata.uid)!;
      expect(rs.spec.template.metadata.labels.version).toBeUndefined();
      const pods = ofKind(broken, 'Pod').filter((p) => p.metadata.ownerReferences![0]!.uid === rs.metadata.uid);
      expect(pods.length).toBe(deploy.spec.replicas);
      for (const pod of pods) {
        expect(pod.metadata.labels!.version).toBeUndefined();
        expect(pod.metadata.labels!['service.istio.io/canonical-revision']).toBe('latest');
      }
    }
    const podsWithoutVersion = ofKind(broken, 'Pod').filter((p) => p.metadata.labels!.version === undefined);
    expect(podsWithoutVersion.length).toBe(stripped.reduce((n, d) => n + d.spec.replicas, 0));
  });

  it('refuses more failures than there are deployments', () => {
    expect(() => injectSubsetFailures(healthy, 10_000, 1)).toThrow(/only 200 Deployments carry a version label/);
  });
});
