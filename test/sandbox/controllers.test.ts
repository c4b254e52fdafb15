// The sandbox's controllers: a Deployment template patch rolls out (so a fix can be verified), and
// Endpoints/EndpointSlices follow pods and Services, including the mirroring of selectorless ones.

import { AppsV1Api, CoreV1Api, DiscoveryV1Api, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/sandbox.ts';
import { NOW, spokeCluster } from './fixtures.ts';
import { Kubectl, requireKubectl } from './kubectl.ts';

let sandbox: Sandbox;
let core: CoreV1Api;
let apps: AppsV1Api;
let discovery: DiscoveryV1Api;
const NS = 'bookinfo';
const strategic = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);
const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

beforeAll(async () => {
  requireKubectl();
  sandbox = await startSandbox({ clusters: [spokeCluster()], now: NOW });
  const kc = new KubeConfig();
  kc.loadFromFile(sandbox.cluster('spoke').kubeconfigPath);
  core = kc.makeApiClient(CoreV1Api);
  apps = kc.makeApiClient(AppsV1Api);
  discovery = kc.makeApiClient(DiscoveryV1Api);
});

afterAll(async () => {
  await sandbox?.stop();
});

describe('loading', () => {
  it('does not reconcile scenario data: a Service without an EndpointSlice keeps none', async () => {
    const slices = await discovery.listNamespacedEndpointSlice({ namespace: NS, labelSelector: 'kubernetes.io/service-name=reviews' });
    expect(slices.items).toEqual([]);
    const ep = await core.readNamespacedEndpoints({ name: 'reviews', namespace: NS });
    expect(ep.subsets?.[0]?.addresses?.map((a) => a.ip)).toEqual(['10.244.1.11', '10.244.1.12']);
  });
});

describe('deployment rollout', () => {
  it('rolls new Ready pods with the new template labels when the template is patched', async () => {
    const before = await apps.readNamespacedDeployment({ name: 'reviews-v1', namespace: NS });
    await apps.patchNamespacedDeployment(
      { name: 'reviews-v1', namespace: NS, body: { spec: { template: { metadata: { labels: { version: 'v1' } } } } } },
      strategic,
    );

    const deploy = await apps.readNamespacedDeployment({ name: 'reviews-v1', namespace: NS });
    expect(deploy.metadata?.generation).toBe((before.metadata?.generation ?? 0) + 1);
    expect(deploy.status).toMatchObject({ observedGeneration: deploy.metadata?.generation, replicas: 2, readyReplicas: 2, updatedReplicas: 2, availableReplicas: 2 });

    const rsList = await apps.listNamespacedReplicaSet({ namespace: NS });
    const newRs = rsList.items.find((rs) => rs.metadata?.name !== 'reviews-v1-7d9f8c6b5');
    const hash = newRs?.metadata?.labels?.['pod-template-hash'];
    expect(newRs?.metadata?.name).toBe(`reviews-v1-${hash}`);
    expect(newRs?.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'Deployment', name: 'reviews-v1', uid: 'deploy-reviews-v1', controller: true });
    expect(newRs?.spec?.replicas).toBe(2);
    expect(rsList.items.find((rs) => rs.metadata?.name === 'reviews-v1-7d9f8c6b5')?.spec?.replicas).toBe(0);

    const pods = (await core.listNamespacedPod({ namespace: NS, labelSelector: 'app=reviews' })).items;
    expect(pods).toHaveLength(2);
    for (const pod of pods) {
      expect(pod.metadata?.name).toMatch(new RegExp(`^reviews-v1-${hash}-[a-z0-9]{5}$`));
      expect(pod.metadata?.labels).toEqual({ app: 'reviews', version: 'v1', 'pod-template-hash': hash });
      expect(pod.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'ReplicaSet', name: newRs?.metadata?.name });
      expect(pod.spec?.nodeName).toBe('node-1');
      expect(pod.status?.phase).toBe('Running');
      expect(pod.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
      expect(pod.status?.containerStatuses?.map((c) => c.ready)).toEqual([true]);
    }
    const ips = pods.map((p) => p.status?.podIP as string).sort();
    expect(new Set(ips).size).toBe(2);
    expect(ips).not.toContain('10.244.1.11');

    const ep = await core.readNamespacedEndpoints({ name: 'reviews', namespace: NS });
    expect(ep.subsets?.[0]?.addresses?.map((a) => a.ip)).toEqual(ips);
    expect(ep.subsets?.[0]?.ports).toEqual([{ name: 'http', port: 9080, protocol: 'TCP' }]);
    const slices = await discovery.listNamespacedEndpointSlice({ namespace: NS, labelSelector: 'kubernetes.io/service-name=reviews' });
    expect(slices.items).toHaveLength(1);
    expect(slices.items[0]?.endpoints.map((e) => e.addresses[0]).sort()).toEqual(ips);
    expect(slices.items[0]?.endpoints.every((e) => e.conditions?.ready === true)).toBe(true);
  });

  it('shows the rolled pods to kubectl as Running', async () => {
    const kubectl = new Kubectl(sandbox.cluster('spoke').kubeconfigPath);
    try {
      const out = await kubectl.ok(['get', 'pods', '-n', NS, '-l', 'version=v1,app=reviews', '--no-headers']);
      const lines = out.trim().split('\n');
      expect(lines).toHaveLength(2);
      for (const line of lines) expect(line.split(/\s+/).slice(1, 4)).toEqual(['1/1', 'Running', '0']);
    } finally {
      kubectl.cleanup();
    }
  });

  it('does not roll when only the replica count or metadata changes', async () => {
    const podsBefore = (await core.listNamespacedPod({ namespace: NS, labelSelector: 'app=reviews' })).items.map((p) => p.metadata?.name);
    await apps.patchNamespacedDeployment({ name: 'reviews-v1', namespace: NS, body: { metadata: { annotations: { note: 'x' } } } }, merge);
    const podsAfter = (await core.listNamespacedPod({ namespace: NS, labelSelector: 'app=reviews' })).items.map((p) => p.metadata?.name);
    expect(podsAfter).toEqual(podsBefore);
  });
});

describe('endpoints', () => {
  it('moves a pod to notReadyAddresses when it stops being Ready', async () => {
    const ratingsSvc = {
      metadata: { name: 'ratings', labels: { app: 'ratings' } },
      spec: { selector: { app: 'ratings' }, ports: [{ name: 'http', port: 9080, targetPort: 'http' }] },
    };
    await core.createNamespacedPod({
      namespace: NS,
      body: {
        metadata: { name: 'ratings-ready', labels: { app: 'ratings' } },
        spec: { containers: [{ name: 'ratings', image: 'ratings:1', ports: [{ name: 'http', containerPort: 9081 }] }] },
        status: { phase: 'Running', podIP: '10.244.9.9', conditions: [{ type: 'Ready', status: 'True' }] },
      },
    });
    await core.createNamespacedService({ namespace: NS, body: ratingsSvc });
    let ep = await core.readNamespacedEndpoints({ name: 'ratings', namespace: NS });
    expect(ep.subsets).toEqual([
      {
        addresses: [{ ip: '10.244.9.9', targetRef: expect.objectContaining({ kind: 'Pod', name: 'ratings-ready' }) }],
        ports: [{ name: 'http', port: 9081, protocol: 'TCP' }],
      },
    ]);
    await core.patchNamespacedPodStatus(
      { name: 'ratings-ready', namespace: NS, body: { status: { conditions: [{ type: 'Ready', status: 'False' }] } } },
      strategic,
    );
    ep = await core.readNamespacedEndpoints({ name: 'ratings', namespace: NS });
    expect(ep.subsets?.[0]?.addresses).toBeUndefined();
    expect(ep.subsets?.[0]?.notReadyAddresses?.map((a) => a.ip)).toEqual(['10.244.9.9']);
  });

  it('mirrors an Endpoints write of a selectorless Service into its EndpointSlice', async () => {
    await core.patchNamespacedEndpoints(
      {
        name: 'istiod-remote',
        namespace: 'istio-system',
        body: [{ op: 'replace', path: '/subsets/0/addresses', value: [{ ip: '172.18.0.200' }] }],
      },
    );
    const slices = await discovery.listNamespacedEndpointSlice({ namespace: 'istio-system', labelSelector: 'kubernetes.io/service-name=istiod-remote' });
    expect(slices.items).toHaveLength(1);
    const slice = slices.items[0];
    expect(slice?.metadata?.name).toBe('istiod-remote-h7k2p');
    expect(slice?.metadata?.labels?.['endpointslice.kubernetes.io/managed-by']).toBe('endpointslicemirroring-controller.k8s.io');
    expect(slice?.endpoints).toEqual([{ addresses: ['172.18.0.200'], conditions: { ready: true } }]);
    expect(slice?.ports?.map((p) => p.port)).toEqual([15012, 15017]);
    expect(slice?.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'Endpoints', name: 'istiod-remote' });
  });

  it('changes nothing but the object written for unrelated writes', async () => {
    const store = sandbox.cluster('spoke').store;
    const revision = Number(store.revision);
    await core.patchNamespacedConfigMap(
      { name: 'unrelated', namespace: NS, body: { data: { a: '1' } } },
      merge,
    ).catch(() => core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'unrelated' }, data: { a: '1' } } }));
    expect(Number(store.revision)).toBe(revision + 1);
  });
});
