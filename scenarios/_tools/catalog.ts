// The scenario catalog: which clusters each scenario has, what its incident changes, what a
// correct diagnosis reports as `fail` (and why), and the notes check authors read.

import type { BuildOptions } from './clusters.ts';
import { COLO_HOSTED_POD_IP, HOSTED_ISTIOD_POD_IP, writeIstiodLog } from './clusters.ts';
import {
  appBeforeProxy,
  brokenRemoteSecret,
  eastwestPending,
  gatewayApiShadow,
  gatewayNeverReady,
  istiodApiserverErrors,
  istioInitWithoutNetAdmin,
  multiIstiodLog,
  noHealthyUpstreamLog,
  noLoadBalancer,
  noNetworkLabels,
  peerSecret,
  reviewWithoutVersion,
  rogueRoot,
  seed000GatewayLog,
} from './incidents.ts';
import { remoteSecret } from './istio.ts';
import { part } from './platform.ts';
import type { PodModel, World } from './world.ts';

export const SEEDS = {
  s000: '000_027c005dae3c2be1.txt',
  s001: '001_c88ccf11a5ff41e7.txt',
  s002: '002_557e5a8cb0948b31.txt',
  s003: '003_87f8f8ea8e0ba1af.txt',
  s004: '004_1361aa5f45758706.txt',
};

export interface ClusterDef {
  name: string;
  role: 'primary' | 'remote' | 'control-plane';
  network?: string;
  controlPlane?: string;
  slot: string;
  build?: BuildOptions;
  /** [check id, one-line reason]. */
  expectFail: [string, string][];
}

export interface ScenarioDef {
  name: string;
  family: 'single' | 'multi' | 'hosted';
  mesh: string;
  sources: string[];
  description: string;
  clusters: ClusterDef[];
  /** Healthy cross-cluster wiring and the incident, with every cluster of the scenario at hand. */
  apply?: (worlds: Record<string, World>) => void;
  notes: string;
}

const w = (worlds: Record<string, World>, name: string): World => {
  const world = worlds[name];
  if (!world) throw new Error(`no cluster ${name}`);
  return world;
};

function meshPods(world: World): PodModel[] {
  return world.workloads.flatMap((m) => m.pods).filter((p) => p.spec.containers.some((c: { name: string }) => c.name === 'istio-proxy'));
}

/** Multi-primary wiring: a remote secret for the peer in each cluster; each istiod adds the peer. */
function multiWire(worlds: Record<string, World>, east: string, west: string): void {
  peerSecret(w(worlds, east), west);
  peerSecret(w(worlds, west), east);
  multiIstiodLog(w(worlds, east), [{ name: west }]);
  multiIstiodLog(w(worlds, west), [{ name: east }]);
}

/** Hosted wiring: the control plane holds a remote secret per workload cluster. */
function hostedWire(worlds: Record<string, World>, cp: string, remotes: string[], connected: string[]): void {
  const control = w(worlds, cp);
  // The workload clusters joined the mesh 60 days ago (their Istio objects date from then).
  for (const r of remotes) remoteSecret(control, part(control, 'istio'), r, '-60d');
  const proxies = connected.flatMap((r) => meshPods(w(worlds, r)));
  const pod = control.workloads.find((m) => m.name === 'istiod-{{mesh}}-hosted')?.pods[0];
  if (!pod) throw new Error('no hosted istiod');
  writeIstiodLog(control, pod, { remotes: remotes.map((name) => ({ name, at: '-60d' })), proxies, revision: '{{mesh}}-hosted' });
}

const HEALTHY_TRAPS = `Things on this healthy cluster that a check must NOT flag:
- Gateway pods (istio-ingressgateway, istio-eastwestgateway) carry \`app\` and \`istio\` labels and
  \`service.istio.io/canonical-revision: latest\`, but no \`version\` label: they are Istio's own
  workloads, not application workloads.
- Gateway and istiod Services name ports \`status-port\`, \`tls\`, \`https-webhook\`...: istio-system and
  kube-system are platform namespaces (istioctl's port-name analyzer skips them too).
- istiod's log shows \`ADS: "<proxy>" terminated\` followed by \`ADS: new connection\` every 30 minutes:
  the normal reconnect after \`keepaliveMaxServerConnectionAge\`, not an error.`;

export const CATALOG: ScenarioDef[] = [
  // ------------------------------------------------------------------------------------------
  {
    name: 'healthy-single',
    family: 'single',
    mesh: 'single',
    sources: [SEEDS.s003, SEEDS.s004],
    description:
      'Baseline: one GKE cluster (single-prod) running Istio 1.22 as its own primary, with the review/rating application of seed 003 behind the ingress gateway. Nothing is wrong: every check passes or is skipped.',
    clusters: [{ name: 'single-prod', role: 'primary', slot: 'gke-single', expectFail: [] }],
    notes: `${HEALTHY_TRAPS}
- review/mysql runs without a sidecar in the injected namespace \`review\` on purpose (label
  \`sidecar.istio.io/inject: "false"\`, as the seed's \`mysql 1/1\`): an opt-out, not a missed injection.
- The ingress gateway's access log holds \`200 - via_upstream\` lines for
  \`outbound|80|v1|review.review.svc.cluster.local\`: healthy traffic.
- No LoadBalancer is pending; the implementation is GKE's cloud provider (nodes have
  \`spec.providerID: gce://...\`).`,
  },
  {
    name: 'subset-missing-version-label',
    family: 'single',
    mesh: 'review',
    sources: [SEEDS.s003],
    description:
      'Requests through the ingress gateway to /review get 503 "no healthy upstream" since review was reinstalled 43 minutes ago from a chart whose pod template carries only `app: review`. The VirtualService routes to subset v1, the DestinationRule defines v1 as `version: v1`, so the Envoy cluster outbound|80|v1|review.review.svc.cluster.local has no endpoint (seed 003_87f8f8ea8e0ba1af.txt).',
    clusters: [
      {
        name: 'review-prod',
        role: 'primary',
        slot: 'gke-single',
        expectFail: [
          ['subset-no-endpoints', 'DestinationRule review/review subset v1 (version=v1) selects no ready pod of Service review/review'],
          ['gateway-upstream-unhealthy', 'ingress gateway access log: 503 UH no_healthy_upstream for outbound|80|v1|review.review.svc.cluster.local'],
        ],
      },
    ],
    apply: (worlds) => {
      reviewWithoutVersion(w(worlds, 'review-prod'));
      noHealthyUpstreamLog(w(worlds, 'review-prod'));
    },
    notes: `Evidence per expected failure:
- \`subset-no-endpoints\`: DestinationRule \`review/review\` (host review.review.svc.cluster.local,
  subset \`v1\` with labels \`version: v1\`); Service \`review/review\` selects \`app: review\`; its only pod
  \`review-...\` (Endpoints/EndpointSlice: ready) has labels \`app: review\` and
  \`service.istio.io/canonical-revision: latest\` but no \`version\`. VirtualService \`review/review\` routes
  \`/review\` to subset v1. Envoy cluster name: \`outbound|80|v1|review.review.svc.cluster.local\`.
  DestinationRule \`review/rating\` subset v1 still matches rating-v1's pod: it must pass.
- \`gateway-upstream-unhealthy\`: istio-system/istio-ingressgateway-.../istio-proxy log: access-log lines
  \`"GET /review/N HTTP/1.1" 503 UH no_healthy_upstream ... outbound|80|v1|review.review.svc.cluster.local\`
  (9 of them in the last 40 minutes), plus the seed's debug lines
  \`debug\tenvoy upstream\tno healthy host for HTTP connection pool\`. Older lines (before the reinstall)
  are \`200 - via_upstream\`.
Expected \`warn\`, not \`fail\`: \`workload-labels\` on Deployment \`review/review\` (labels, selector and pod
template carry only \`app\`). The missing label is the seed's root cause, but on its own it is hygiene;
what breaks traffic is the subset that needs it, which \`subset-no-endpoints\` reports. rating-v1 has
\`app\` and \`version\`; mysql is outside the mesh.
Not failing: the gateway itself is Ready (its own health is fine), so \`gateway-readiness\` passes.`,
  },
  {
    name: 'istio-init-failure',
    family: 'single',
    mesh: 'initfail',
    sources: [SEEDS.s004, SEEDS.s003],
    description:
      "A new Deployment review/notify never starts: its pod stays in Init:CrashLoopBackOff because istio-init cannot program iptables (`iptables-restore: unable to initialize table 'nat'`). A Kyverno ClusterPolicy added the day before replaces the init container's capabilities with `drop: [ALL]`, taking away the NET_ADMIN and NET_RAW the sidecar injector granted (seed 004_1361aa5f45758706.txt: istio-init fails without CAP_NET_ADMIN; seed 003 names the iptables requirement).",
    clusters: [
      {
        name: 'init-prod',
        role: 'primary',
        slot: 'gke-single',
        expectFail: [['istio-init-failures', 'pod review/notify-...: istio-init exits 1 (9 restarts, CrashLoopBackOff), securityContext lacks NET_ADMIN, log shows iptables-restore failing']],
      },
    ],
    apply: (worlds) => istioInitWithoutNetAdmin(w(worlds, 'init-prod')),
    notes: `Evidence for \`istio-init-failures\`:
- Pod \`review/notify-...\`: \`status.phase: Pending\`, condition Initialized False
  (\`containers with incomplete status: [istio-init]\`), \`initContainerStatuses[istio-init]\`:
  \`restartCount: 9\`, \`state.waiting.reason: CrashLoopBackOff\`, \`lastState.terminated.exitCode: 1\`;
  app and proxy containers wait in \`PodInitializing\`.
- \`spec.initContainers[istio-init].securityContext.capabilities\` is \`{drop: [ALL]}\` (no \`add\`):
  NET_ADMIN/NET_RAW missing. Annotation \`policies.kyverno.io/last-applied-patches\` names the mutation;
  ClusterPolicy \`restrict-capabilities\` (kyverno.io/v1, CRD present) and the webhook
  \`kyverno-resource-mutating-webhook-cfg\` exist.
- Log \`review/notify-.../istio-init\` (current and previous): \`Running iptables-restore ...\`, then
  \`error\tCommand error output: xtables parameter problem: iptables-restore: unable to initialize table 'nat'\`
  and \`error\tFailed to execute: iptables-restore --noflush --wait=30, exit status 2\`.
- Events: \`BackOff\` (Warning, x112) \`Back-off restarting failed container istio-init in pod ...\`.
- No istio-cni DaemonSet exists (the cluster uses istio-init, not the CNI plugin).
Knock-on, not a separate failure: Service review/notify has only a not-ready address, Deployment
review/notify is unavailable (ProgressDeadlineExceeded). No DestinationRule references notify.`,
  },
  {
    name: 'istiod-apiserver-unreachable',
    family: 'single',
    mesh: 'apiserver',
    sources: [SEEDS.s004],
    description:
      "For the last 17 minutes istiod's watches on the Kubernetes API keep failing: `Failed to watch ... dial tcp 10.43.240.1:443: connect: connection refused` while the (zonal, non-HA) API server restarts, and each time it comes back `... cannot list resource ...` until its RBAC caches have synced. Configuration changes reach the proxies late or not at all, and it is still going on at the time of recording (seed 004_1361aa5f45758706.txt: usually transient, here it is not).",
    clusters: [
      {
        name: 'apiserver-prod',
        role: 'primary',
        slot: 'gke-single',
        expectFail: [['istiod-apiserver-errors', 'istiod log: `Failed to watch ... connection refused` and `error ... cannot list resource` in 7 cycles over 17 minutes, the last one 1m40s ago']],
      },
    ],
    apply: (worlds) => istiodApiserverErrors(w(worlds, 'apiserver-prod')),
    notes: `Evidence for \`istiod-apiserver-errors\`: log \`istio-system/istiod-.../discovery\`:
- connectivity: \`warn\tklog\t...reflector.go:232: failed to list *v1.Service: Get "https://10.43.240.1:443/api/v1/services?...": dial tcp 10.43.240.1:443: connect: connection refused\`
  and the matching \`error\tklog\t... Failed to watch *v1.Service: failed to list *v1.Service: ... connection refused\`
  (Service, Pod, EndpointSlice, Namespace, ConfigMap, Node). 10.43.240.1 is the ClusterIP of
  \`default/kubernetes\`.
- RBAC-shaped: \`error\tklog\t... Failed to watch *v1alpha3.DestinationRule: ... is forbidden: User "system:serviceaccount:istio-system:istiod" cannot list resource "destinationrules" in API group "networking.istio.io" at the cluster scope: RBAC: [clusterrole.rbac.authorization.k8s.io "istiod-clusterrole-istio-system" not found, ...]\`
  ~38 s after each refused burst: the API server answering before its RBAC caches synced, so the
  cause is connectivity/availability, not a missing ClusterRole.
- Ongoing: 7 cycles from -17m to -1m40s (relative to recordedAt), matching lines in every cycle.
istiod stays Ready (its readiness does not depend on the watches): \`control-plane-health\` passes.`,
  },
  {
    name: 'app-before-proxy',
    family: 'single',
    mesh: 'startup',
    sources: [SEEDS.s004],
    description:
      'The review pod was rescheduled 14 minutes ago. Its app container exited twice right after starting with `dial tcp <rating ClusterIP>:8888: connect: connection refused`: it called rating before istio-proxy was listening, and only came up on the third attempt. Nothing holds the application until the proxy is ready (no holdApplicationUntilProxyStarts in the pod annotations or the mesh config) (seed 004_1361aa5f45758706.txt).',
    clusters: [
      {
        name: 'startup-prod',
        role: 'primary',
        slot: 'gke-single',
        expectFail: [['app-starts-before-proxy', 'pod review/review-...: container review restarted twice within seconds of start, previous log ends in connection refused; proxy not held first']],
      },
    ],
    apply: (worlds) => appBeforeProxy(w(worlds, 'startup-prod')),
    notes: `Evidence for \`app-starts-before-proxy\`:
- Pod \`review/review-...\` (created 14 minutes before recordedAt): \`containerStatuses[review]\`:
  \`restartCount: 2\`, \`lastState.terminated\` exit 1, started and finished within the same second,
  4 s after the pod was created; now running and Ready. \`istio-proxy\` started at +3 s, restartCount 0.
- Previous log \`review/review-.../review\` (\`previous=true\`): ends with
  \`FATAL ... cannot warm rating cache {"error": "Get \\"http://rating.review.svc.cluster.local:8888/ratings\\": dial tcp 10.43.x.x:8888: connect: connection refused"}\`
  (the ClusterIP of Service review/rating). The current log shows a clean start.
- No \`proxy.istio.io/config\` annotation on the pod, no \`holdApplicationUntilProxyStarts\` in ConfigMap
  istio-system/istio (key \`mesh\`); containers are ordered app first, istio-proxy second.
- Events: \`BackOff\` (Warning, x1) \`Back-off restarting failed container review ...\`; \`Started\` x3 for review.`,
  },
  {
    name: 'gateway-crd-shadow',
    family: 'single',
    mesh: 'gwcrd',
    sources: [SEEDS.s004],
    description:
      '`kubectl get gateway -A` answers "No resources found" although the Istio Gateway review/review-gateway exists and routes traffic. Nine days ago the GKE Gateway API was enabled; it installed gateways.gateway.networking.k8s.io, whose resource `gateways` (kind Gateway) now wins kubectl\'s resolution of `gateway` over gateways.networking.istio.io (seed 004_1361aa5f45758706.txt; there the shadowing CRD was networking.x-k8s.io on GKE 1.20, same mechanism).',
    clusters: [
      {
        name: 'gwcrd-prod',
        role: 'primary',
        slot: 'gke-single',
        expectFail: [['gateway-crd-conflict', 'CRD gateways.gateway.networking.k8s.io (kind Gateway) shadows gateways.networking.istio.io for `kubectl get gateway`']],
      },
    ],
    apply: (worlds) => gatewayApiShadow(w(worlds, 'gwcrd-prod')),
    notes: `Evidence for \`gateway-crd-conflict\`: CustomResourceDefinitions \`gateways.gateway.networking.k8s.io\`
(names: plural \`gateways\`, singular \`gateway\`, kind \`Gateway\`, shortNames \`[gtw]\`, versions v1, v1beta1;
annotation \`gateway.networking.k8s.io/bundle-version: v1.0.0\`) next to \`gateways.networking.istio.io\`
(shortNames \`[gw]\`). Also installed: gatewayclasses, httproutes, referencegrants and two GKE
GatewayClass objects. No Gateway API Gateway objects exist, which is why the shadowed
\`kubectl get gateway -A\` shows nothing. The sandbox lists API groups alphabetically, so real kubectl
against it resolves \`gateway\` to gateway.networking.k8s.io, reproducing the symptom.`,
  },
  // ------------------------------------------------------------------------------------------
  {
    name: 'healthy-multi-primary',
    family: 'multi',
    mesh: 'mp',
    sources: [SEEDS.s002],
    description:
      'Baseline: two primary clusters of one mesh on two networks (mp-east: kubeadm on-premises with MetalLB, network1; mp-west: GKE, network2), Istio 1.11 with east-west gateways exposing the 15443 AUTO_PASSTHROUGH Gateway, remote secrets both ways and one plug-in root CA. helloworld v1 runs in east and v2 in west, as in the multicluster verification guide that seed 002 builds on. Every check passes or is skipped.',
    clusters: [
      { name: 'mp-east', role: 'primary', network: 'network1', slot: 'mc-east', expectFail: [] },
      { name: 'mp-west', role: 'primary', network: 'network2', slot: 'mc-west', expectFail: [] },
    ],
    apply: (worlds) => multiWire(worlds, 'mp-east', 'mp-west'),
    notes: `${HEALTHY_TRAPS}
- Istio 1.11: the validating webhook is named \`istiod-istio-system\` (1.12+ renamed it
  \`istio-validator-istio-system\`); find webhooks by \`clientConfig.service\`, not by name.
- mp-east gets LoadBalancer IPs from MetalLB 0.12, configured by ConfigMap \`metallb-system/config\`
  (no MetalLB CRDs before 0.13); mp-west from GKE (nodes \`spec.providerID: gce://...\`).
- Remote secrets: \`istio-system/istio-remote-secret-<peer>\`, label \`istio/multiCluster: "true"\`,
  annotation \`networking.istio.io/cluster: <peer>\`, one \`stringData\` key = peer name, value
  \`{{kubeconfig:<peer>}}\` (filled in by the sandbox). istiod logs \`Adding cluster_id=<peer> from secret=...\`.
- No DestinationRule subsets in these meshes: helloworld v1 and v2 live in different clusters, and a
  subset check that looked at one cluster only would misjudge them.`,
  },
  {
    name: 'multicluster-trust-mismatch',
    family: 'multi',
    mesh: 'trust',
    sources: [SEEDS.s002],
    description:
      "helloworld answers only from the local cluster: calls across the networks fail the mTLS handshake because trust-west's istiod signs with a different root CA than trust-east. The `cacerts` Secret (root-cert.pem) and every istio-ca-root-cert ConfigMap in trust-west carry a root that trust-east does not know (seed 002_557e5a8cb0948b31.txt, trust configuration: compare root-cert.pem between the clusters).",
    clusters: [
      { name: 'trust-east', role: 'primary', network: 'network1', slot: 'mc-east', expectFail: [['trust-root-mismatch', "cacerts root-cert.pem differs from trust-west's (different fingerprint)"]] },
      { name: 'trust-west', role: 'primary', network: 'network2', slot: 'mc-west', expectFail: [['trust-root-mismatch', "cacerts root-cert.pem and istio-ca-root-cert differ from trust-east's"]] },
    ],
    apply: (worlds) => {
      rogueRoot(w(worlds, 'trust-west'));
      multiWire(worlds, 'trust-east', 'trust-west');
      multiIstiodLog(w(worlds, 'trust-west'), [{ name: 'trust-east' }], undefined, 'mc-west-rogue');
    },
    notes: `Evidence for \`trust-root-mismatch\` (both clusters, one finding each):
- Secret \`istio-system/cacerts\` key \`root-cert.pem\`: trust-east holds the "mesh-medic TEST FIXTURE
  multi" root, trust-west the "mesh-medic TEST FIXTURE rogue" root (different SHA-256 fingerprints).
- ConfigMaps \`istio-ca-root-cert\` (key \`root-cert.pem\`) in every namespace of trust-west (default,
  istio-system, sample) hold the rogue root; the webhooks' \`caBundle\` too.
- Each cluster's \`ca-cert.pem\` chains to its own root only (\`cert-chain.pem\` = intermediate + root).
Everything else (remote secrets, networks, gateways) is healthy in both clusters.`,
  },
  {
    name: 'multicluster-remote-secret',
    family: 'multi',
    mesh: 'rsecret',
    sources: [SEEDS.s002],
    description:
      "From secret-east, helloworld answers only v1 (local): secret-east's istiod never discovered secret-west. When secret-west joined the mesh yesterday, its remote secret in secret-east was made by hand from `kubectl config view --minify` output: the data key is `west` instead of the cluster name `secret-west`, and the kubeconfig holds `DATA+OMITTED` and `REDACTED`, so istiod logs `Failed to add remote cluster from secret=istio-system/istio-remote-secret-secret-west for cluster_id=west: ...` (seed 002_557e5a8cb0948b31.txt).",
    clusters: [
      {
        name: 'secret-east',
        role: 'primary',
        network: 'network1',
        slot: 'mc-east',
        expectFail: [
          ['remote-secrets', 'no istio/multiCluster secret keyed `secret-west`; the one present is keyed `west` and its server is not secret-west'],
          ['istiod-remote-cluster-errors', 'istiod: Failed to add remote cluster from secret=istio-system/istio-remote-secret-secret-west for cluster_id=west'],
        ],
      },
      { name: 'secret-west', role: 'primary', network: 'network2', slot: 'mc-west', expectFail: [] },
    ],
    apply: (worlds) => {
      const east = w(worlds, 'secret-east');
      const west = w(worlds, 'secret-west');
      brokenRemoteSecret(east, 'secret-west', '-26h');
      peerSecret(west, 'secret-east', '-26h');
      const secretKey = 'istio-system/istio-remote-secret-secret-west';
      multiIstiodLog(east, [], (l) => {
        l.at('-26h', 'info', '', `Adding cluster_id=west from secret=${secretKey}`);
        l.at('-26h+0.0004s', 'error', '', `Failed to add remote cluster from secret=${secretKey} for cluster_id=west: kubeconfig cannot be loaded: v1.Config.Clusters: []v1.NamedCluster: v1.NamedCluster.Cluster: v1.Cluster.CertificateAuthorityData: decode base64: illegal base64 data at input byte 4, error found in #10 byte of ...|ity-data":"DATA+OMITTED","server":"htt|..., bigger context ...|{"cluster":{"certificate-authority-data":"DATA+OMITTED","server":"https://34.83.117.92"},"name":"gke_acme-mesh_us|...`);
        l.at('-26h+0.0005s', 'info', '', 'Number of remote clusters: 0');
      });
      multiIstiodLog(west, [], (l) => {
        l.at('-26h+3s', 'info', '', 'Adding cluster_id=secret-east from secret=istio-system/istio-remote-secret-secret-east');
        l.at('-26h+3.2s', 'info', '', 'Number of remote clusters: 1');
        l.at('-26h+3.9s', 'info', '', 'kube controller for secret-east synced after 402.11ms');
      });
    },
    notes: `Evidence:
- \`remote-secrets\` (secret-east): Secret \`istio-system/istio-remote-secret-secret-west\`, label
  \`istio/multiCluster: "true"\`, no \`networking.istio.io/cluster\` annotation, one key \`west\` (not the
  registered name \`secret-west\`); its kubeconfig's server is \`https://34.83.117.92\`, not secret-west's
  sandbox URL, with \`certificate-authority-data: DATA+OMITTED\` and \`token: REDACTED\`.
- \`istiod-remote-cluster-errors\` (secret-east): log \`istio-system/istiod-.../discovery\`, 26 hours
  before recordedAt: \`error\tFailed to add remote cluster from secret=istio-system/istio-remote-secret-secret-west for cluster_id=west: kubeconfig cannot be loaded: ... illegal base64 data at input byte 4 ...\`
  then \`Number of remote clusters: 0\`. Istio 1.11 does not retry: the line is the latest word.
- secret-west is healthy: its secret for secret-east is keyed \`secret-east\`, value
  \`{{kubeconfig:secret-east}}\`, and its istiod logs \`Adding cluster_id=secret-east ...\`.`,
  },
  {
    name: 'multicluster-network-labels',
    family: 'multi',
    mesh: 'netlabel',
    sources: [SEEDS.s002],
    description:
      "Calls from netlabel-east to helloworld v2 in netlabel-west go straight to pod IPs of the other network and time out. netlabel-west's control plane was installed without values.global.network and its istio-system namespace was never labelled topology.istio.io/network, so its sidecars carry no ISTIO_META_NETWORK and istiod cannot place them on network2; only the east-west gateway (generated with --network network2) is labelled (seed 002_557e5a8cb0948b31.txt; its fix: `kubectl label namespace istio-system topology.istio.io/network=network2`).",
    clusters: [
      { name: 'netlabel-east', role: 'primary', network: 'network1', slot: 'mc-east', expectFail: [] },
      {
        name: 'netlabel-west',
        role: 'primary',
        network: 'network2',
        slot: 'mc-west',
        expectFail: [['network-labels', 'namespace istio-system has no topology.istio.io/network; sidecars in sample lack ISTIO_META_NETWORK (registered network: network2)']],
      },
    ],
    apply: (worlds) => {
      noNetworkLabels(w(worlds, 'netlabel-west'));
      multiWire(worlds, 'netlabel-east', 'netlabel-west');
    },
    notes: `Evidence for \`network-labels\` (netlabel-west, registered network \`network2\`):
- Namespace \`istio-system\`: no \`topology.istio.io/network\` label (netlabel-east's says \`network1\`).
- Pods \`sample/helloworld-v2-...\` and \`sample/sleep-...\`: no \`topology.istio.io/network\` label and no
  \`ISTIO_META_NETWORK\` env on \`istio-proxy\`.
- The injector webhook path ends in \`/net/\` (empty network), consistent with the install.
- The east-west gateway (pods, Service, Deployment) is labelled \`topology.istio.io/network: network2\` and
  has \`ISTIO_META_NETWORK=network2\`: it is right, and \`eastwest-gateway\` passes.
netlabel-east is fully labelled with \`network1\` and must pass.`,
  },
  {
    name: 'multicluster-eastwest-pending',
    family: 'multi',
    mesh: 'ewpending',
    sources: [SEEDS.s002],
    description:
      "ewpending-east cannot reach helloworld v2 in ewpending-west: the west east-west gateway Service was re-created 41 minutes ago and its EXTERNAL-IP stays <pending>, so no cluster can address network2; GKE's service controller keeps failing with QUOTA_EXCEEDED for IN_USE_ADDRESSES (seed 002_557e5a8cb0948b31.txt: `istio-eastwestgateway ... EXTERNAL-IP <PENDING>`).",
    clusters: [
      { name: 'ewpending-east', role: 'primary', network: 'network1', slot: 'mc-east', expectFail: [] },
      {
        name: 'ewpending-west',
        role: 'primary',
        network: 'network2',
        slot: 'mc-west',
        expectFail: [
          ['eastwest-gateway', 'Service istio-system/istio-eastwestgateway (istio=eastwestgateway) has no external address'],
          ['loadbalancer-pending', 'LoadBalancer Service istio-system/istio-eastwestgateway pending for 41m; SyncLoadBalancerFailed QUOTA_EXCEEDED events'],
        ],
      },
    ],
    apply: (worlds) => {
      eastwestPending(w(worlds, 'ewpending-west'));
      multiWire(worlds, 'ewpending-east', 'ewpending-west');
    },
    notes: `Evidence (ewpending-west):
- \`eastwest-gateway\` and \`loadbalancer-pending\`: Service \`istio-system/istio-eastwestgateway\`
  (type LoadBalancer, ports 15021/15443/15012/15017, label \`istio: eastwestgateway\`),
  \`status.loadBalancer: {}\`, created 41 minutes before recordedAt.
- Events on that Service (\`involvedObject.kind: Service\`): \`EnsuringLoadBalancer\` (Normal, x15) and
  \`SyncLoadBalancerFailed\` (Warning, x15): \`... googleapi: Error 403: QUOTA_EXCEEDED - Quota 'IN_USE_ADDRESSES' exceeded.  Limit: 8.0 in region us-west1.\`
- A LoadBalancer implementation exists (GKE: nodes \`spec.providerID: gce://...\`): it is failing, not missing.
- The gateway pod is Ready and the cross-network Gateway (15443, AUTO_PASSTHROUGH) exists: the only
  missing piece is the address.
ewpending-east is healthy (its own east-west gateway has 172.20.1.245).`,
  },
  // ------------------------------------------------------------------------------------------
  {
    name: 'healthy-hosted',
    family: 'hosted',
    mesh: 'prod-mesh',
    sources: [SEEDS.s000, SEEDS.s001],
    description:
      'Baseline: a hosted (managed) mesh on DaoCloud MSpider 1.16. mesh-cp hosts istiod-prod-mesh-hosted behind the LoadBalancer Service istiod-prod-mesh-hosted-lb (MetalLB IP 10.6.112.201); workload-east and workload-west run a local istiod for certificates and injection, and their istio-system/istiod-remote Endpoints hold that LoadBalancer IP on ports 15012 and 15017, as seeds 000 and 001 say they must. Every check passes or is skipped.',
    clusters: [
      { name: 'mesh-cp', role: 'control-plane', slot: 'hosted-cp', expectFail: [] },
      { name: 'workload-east', role: 'remote', controlPlane: 'mesh-cp', slot: 'hosted-east', expectFail: [] },
      { name: 'workload-west', role: 'remote', controlPlane: 'mesh-cp', slot: 'hosted-west', expectFail: [] },
    ],
    apply: (worlds) => hostedWire(worlds, 'mesh-cp', ['workload-east', 'workload-west'], ['workload-east', 'workload-west']),
    notes: `${HEALTHY_TRAPS}
- Each workload cluster runs its own \`istiod\` (pods \`app: istiod\`, \`istio: pilot\`): MSpider keeps one
  per workload cluster for the CA and sidecar injection (seed 000 lists its endpoints); proxies get xDS
  from \`istiod-remote.istio-system.svc:15012\` (mesh config \`discoveryAddress\`).
- mesh-cp's hosted istiod pods are \`istiod-prod-mesh-hosted-...\` with labels \`app: istiod\`,
  \`istio.io/rev: prod-mesh-hosted\` (no \`istio: pilot\`); Services \`istiod-prod-mesh-hosted\` (ClusterIP)
  and \`istiod-prod-mesh-hosted-lb\` (LoadBalancer, ports tcp-istiod 15012, tcp-webhook 15017,
  \`status.loadBalancer.ingress[0].ip: 10.6.112.201\`); revisioned webhooks
  \`istio-sidecar-injector-prod-mesh-hosted\` / \`istio-validator-prod-mesh-hosted-istio-system\`.
- mesh-cp holds remote secrets for both workload clusters; it runs no gateway and no application.
- Single network: no cluster registers a network, no east-west gateway exists.
- All three clusters share one root CA (\`hosted\` fixture), each with its own intermediate.`,
  },
  {
    name: 'hosted-xds-timeout',
    family: 'hosted',
    mesh: 'ywistio',
    sources: [SEEDS.s000],
    description:
      "After hosted-east was (re)joined to the hosted mesh ywistio, its istio-ingressgateway stays unready. The gateway's xDS stream to istiod-remote (ClusterIP 10.233.48.75) times out: the Endpoints istio-system/istiod-remote hold 10.234.95.141, the Pod IP of the hosted istiod in hosted-cp, which hosted-east cannot reach, instead of the LoadBalancer IP 10.6.112.201 of istiod-ywistio-hosted-lb (seed 000_027c005dae3c2be1.txt; fix: set the mesh's control-plane address to that LoadBalancer IP).",
    clusters: [
      { name: 'hosted-cp', role: 'control-plane', slot: 'hosted-cp', expectFail: [] },
      {
        name: 'hosted-east',
        role: 'remote',
        controlPlane: 'hosted-cp',
        slot: 'hosted-east',
        build: { app: false },
        expectFail: [
          ['istiod-remote-endpoints', "istiod-remote Endpoints hold 10.234.95.141 (hosted-cp's istiod Pod IP), expected the hosted-lb IP 10.6.112.201"],
          ['gateway-xds-unreachable', 'istio-ingressgateway log: xds-grpc stream closed, dial tcp 10.233.48.75:15012 (Service istiod-remote): i/o timeout'],
          ['gateway-readiness', 'istio-ingressgateway pod Running but not Ready; Unhealthy readiness probe :15021 connection refused (x100)'],
        ],
      },
    ],
    apply: (worlds) => {
      const east = w(worlds, 'hosted-east');
      const remote = east.service('istio-system', 'istiod-remote');
      remote.manualEndpoints = [HOSTED_ISTIOD_POD_IP];
      remote.created = '-10m';
      const gw = east.pod('istio-system', 'istio-ingressgateway');
      gatewayNeverReady(east, gw, '-3m28s', 100);
      seed000GatewayLog(east, gw);
      hostedWire(worlds, 'hosted-cp', ['hosted-east'], []);
    },
    notes: `Evidence (hosted-east):
- \`istiod-remote-endpoints\`: Endpoints and EndpointSlice \`istio-system/istiod-remote\` (selector-less
  Service, ports tcp-istiod 15012 / tcp-webhook 15017) hold \`10.234.95.141\`. In hosted-cp that is the
  Pod IP of \`istio-system/istiod-ywistio-hosted-...\` (pod CIDR 10.234.x; hosted-east's pods are
  10.233.64.0/18). The right address: \`status.loadBalancer.ingress[0].ip\` = \`10.6.112.201\` of Service
  \`istio-system/istiod-ywistio-hosted-lb\` in hosted-cp.
- \`gateway-xds-unreachable\`: log \`istio-system/istio-ingressgateway-.../istio-proxy\`, the seed's lines
  with the seed's timestamps: \`warning\tenvoy config\tStreamAggregatedResources gRPC config stream to xds-grpc closed since 40s ago: 14, connection error: desc = "transport: Error while dialing dial tcp 10.233.48.75:15012: i/o timeout"\`
  (6 lines, 40s..168s); 10.233.48.75 is the ClusterIP of Service \`istio-system/istiod-remote\`.
  Earlier: \`xdsproxy\tInitializing with upstream address "istiod-remote.istio-system.svc:15012"\`.
- \`gateway-readiness\`: pod \`istio-system/istio-ingressgateway-...\` Running, Ready False
  (\`containers with unready status: [istio-proxy]\`), restartCount 0; Event \`Unhealthy\` (Warning, x100):
  \`Readiness probe failed: Get "http://10.233.105.x:15021/healthz/ready": dial tcp ...:15021: connect: connection refused\`.
  Its Service's Endpoints list the pod under \`notReadyAddresses\`.
hosted-cp is healthy: its hosted-lb has its IP and its remote secret for hosted-east is correct. No
application is deployed in hosted-east yet (just joined), so no sidecar is affected.`,
  },
  {
    name: 'hosted-no-loadbalancer',
    family: 'hosted',
    mesh: 'fupan-mesh',
    sources: [SEEDS.s001],
    description:
      "nolb-workload, just added to the hosted mesh fupan-mesh, has no LoadBalancer implementation (no MetalLB, no cloud provider): istio-ingressgateway's EXTERNAL-IP stays <pending> and the gateway pod runs but never becomes Ready (`Readiness probe failed: ... :15021/healthz/ready: connect: connection refused`) (seed 001_c88ccf11a5ff41e7.txt, case 1; its fix: install MetalLB).",
    clusters: [
      { name: 'nolb-cp', role: 'control-plane', slot: 'hosted-cp', expectFail: [] },
      {
        name: 'nolb-workload',
        role: 'remote',
        controlPlane: 'nolb-cp',
        slot: 'hosted-west',
        build: { app: false, lb: false },
        expectFail: [
          ['loadbalancer-pending', 'LoadBalancer Service istio-system/istio-ingressgateway has no address and the cluster has no LoadBalancer implementation'],
          ['gateway-readiness', 'istio-ingressgateway pod Running but not Ready; Unhealthy readiness probe :15021 connection refused (x268)'],
        ],
      },
    ],
    apply: (worlds) => {
      noLoadBalancer(w(worlds, 'nolb-workload'));
      hostedWire(worlds, 'nolb-cp', ['nolb-workload'], []);
    },
    notes: `Evidence (nolb-workload):
- \`loadbalancer-pending\`: Service \`istio-system/istio-ingressgateway\` (type LoadBalancer)
  \`status.loadBalancer: {}\`. No implementation: no \`metallb-system\` namespace, no MetalLB CRDs or pods,
  nodes \`dce88\`/\`dce89\` have no \`spec.providerID\`, no service-controller events.
- \`gateway-readiness\`: pod \`istio-system/istio-ingressgateway-...\` on dce88 (10.244.0.17, as in the
  seed) Running, Ready False, restartCount 0 (the seed's \`kubectl describe\` shows exactly this; its
  prose says CrashLoopBackOff); Event \`Unhealthy\` (Warning, x268) \`Readiness probe failed: Get "http://10.244.0.17:15021/healthz/ready": dial tcp 10.244.0.17:15021: connect: connection refused\`.
- The gateway's log holds only pilot-agent's start-up (the seed shows none): \`gateway-xds-unreachable\`
  has no dial errors to report and passes.
- istiod-remote points at nolb-cp's hosted-lb IP 10.6.112.201: \`istiod-remote-endpoints\` passes.
nolb-cp is healthy (it has MetalLB; its hosted-lb has 10.6.112.201).`,
  },
  {
    name: 'hosted-colocated-endpoint',
    family: 'hosted',
    mesh: 'colo',
    sources: [SEEDS.s001],
    description:
      "colo-1 hosts the control plane of mesh colo and is also one of its workload clusters. Its istio-system/istiod-remote Endpoints point at 10.6.116.201, the MetalLB IP of istiod-colo-hosted-lb; for a co-located cluster they must hold the hosted istiod's Pod IP (10.236.96.23). Traffic still flows for now (kube-proxy short-circuits a LoadBalancer IP inside its own cluster), so the gateway is Ready; the wiring is wrong all the same (seed 001_c88ccf11a5ff41e7.txt, case 2).",
    clusters: [
      {
        name: 'colo-1',
        role: 'remote',
        controlPlane: 'colo-1',
        slot: 'colo',
        expectFail: [['istiod-remote-endpoints', 'co-located: istiod-remote holds the hosted-lb MetalLB IP 10.6.116.201, expected the hosted istiod Pod IP 10.236.96.23']],
      },
    ],
    apply: (worlds) => {
      const colo = w(worlds, 'colo-1');
      colo.service('istio-system', 'istiod-remote').manualEndpoints = ['10.6.116.201'];
      void COLO_HOSTED_POD_IP;
    },
    notes: `Evidence for \`istiod-remote-endpoints\` (co-located: registry \`role: remote\`, \`controlPlane: colo-1\`):
- Endpoints and EndpointSlice \`istio-system/istiod-remote\` hold \`10.6.116.201\` (ports 15012, 15017).
- That address is \`status.loadBalancer.ingress[0].ip\` of \`istio-system/istiod-colo-hosted-lb\` (selector
  \`app: istiod, istio.io/rev: colo-hosted\`) in this same cluster; the pod behind it,
  \`istio-system/istiod-colo-hosted-...\`, has Pod IP \`10.236.96.23\`, the expected value.
- The cluster also runs its own \`istiod\` (CA and injection, selector \`app: istiod, istio: pilot\`), the
  ingress gateway (Ready) and bookinfo; all healthy.
The hosted istiod's log shows the gateway and the sidecars connected: no other check fails.`,
  },
];
