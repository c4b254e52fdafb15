// What each incident changes in an otherwise healthy cluster. Every function here reproduces
// evidence a seed file shows (../shared/seeds); the comments say which.

import { appService, appWorkload } from './apps.ts';
import { byTimestamp, writeIstiodLog } from './clusters.ts';
import { addService, addWorkload, completed, event, meta, namespace, podRef, restarted, running, secret, serviceAccount, serviceRef, shift, waitingInit } from './k8s.ts';
import { cacerts, crd, gatewayApiCrds, pem, remoteSecret, rootCertConfigMap, setWebhookCaBundles } from './istio.ts';
import { LogWriter, accessLine, proxyStartup } from './logs.ts';
import { part } from './platform.ts';
import type { J, PodModel, World } from './world.ts';

const INCIDENT = 'incident';

// ---------------------------------------------------------------------------------------------
// shared

export function podEvents(w: World, pod: PodModel, containers: { name: string; image: string; count?: number }[], at: string): void {
  const host = pod.node.name;
  event(w, INCIDENT, { involved: podRef(w, pod), reason: 'Scheduled', message: `Successfully assigned ${pod.namespace}/${pod.name} to ${host}`, first: at, component: 'default-scheduler' });
  for (const c of containers) {
    const ref = podRef(w, pod, `spec.${c.name === 'istio-init' ? 'initContainers' : 'containers'}{${c.name}}`);
    const last = c.count && c.count > 1 ? '-30s' : at;
    event(w, INCIDENT, { involved: ref, reason: 'Pulled', message: `Container image "${c.image}" already present on machine`, first: shift(at, 1), last, count: c.count ?? 1, component: 'kubelet', host });
    event(w, INCIDENT, { involved: ref, reason: 'Created', message: `Created container ${c.name}`, first: shift(at, 1), last, count: c.count ?? 1, component: 'kubelet', host });
    event(w, INCIDENT, { involved: ref, reason: 'Started', message: `Started container ${c.name}`, first: shift(at, 2), last, count: c.count ?? 1, component: 'kubelet', host });
  }
}

function image(pod: PodModel, container: string): string {
  const all = [...pod.spec.containers, ...(pod.spec.initContainers ?? [])];
  return all.find((c: J) => c.name === container)?.image ?? '';
}

/** A proxy whose Envoy never gets its listeners: Running, not Ready, the kubelet's probe refused. */
export function gatewayNeverReady(w: World, pod: PodModel, created: string, probes: number): void {
  pod.created = created;
  pod.containers['istio-proxy'] = running(w, shift(created, 2), false);
  pod.readySince = shift(created, 2);
  podEvents(w, pod, [{ name: 'istio-proxy', image: image(pod, 'istio-proxy') }], created);
  event(w, INCIDENT, {
    involved: podRef(w, pod, 'spec.containers{istio-proxy}'),
    reason: 'Unhealthy',
    type: 'Warning',
    message: `Readiness probe failed: Get "http://${pod.ip}:15021/healthz/ready": dial tcp ${pod.ip}:15021: connect: connection refused`,
    first: shift(created, 3),
    last: '-2s',
    count: probes,
    component: 'kubelet',
    host: pod.node.name,
  });
}

// ---------------------------------------------------------------------------------------------
// seed 000: hosted mesh, istiod-remote holds the hosted istiod Pod IP, the gateway's xDS times out

/** The seed's ingress gateway log, with its own timestamps (recordedAt is 12:21:30Z that day). */
export function seed000GatewayLog(w: World, pod: PodModel): void {
  const l = new LogWriter(w.clock, 'seed000');
  const lines: [string, string, string, string][] = [
    ['2023-04-25T12:18:04.657568Z', 'info', '', 'JWT policy is third-party-jwt'],
    ['2023-04-25T12:18:04.657573Z', 'info', '', 'using credential fetcher of JWT type in cluster.local trust domain'],
    ['2023-04-25T12:18:06.658680Z', 'info', '', 'Workload SDS socket not found. Starting Istio SDS Server'],
    ['2023-04-25T12:18:06.658716Z', 'info', '', 'CA Endpoint istiod.istio-system.svc:15012, provider Citadel'],
    ['2023-04-25T12:18:06.658747Z', 'info', '', 'Using CA istiod.istio-system.svc:15012 cert with certs: var/run/secrets/istio/root-cert.pem'],
    ['2023-04-25T12:18:06.667981Z', 'info', '', 'Opening status port 15020'],
    ['2023-04-25T12:18:06.694111Z', 'info', 'ads', 'All caches have been synced up in 2.053719558s, marking server ready'],
    ['2023-04-25T12:18:06.694864Z', 'info', 'xdsproxy', 'Initializing with upstream address "istiod-remote.istio-system.svc:15012" and cluster "{{cluster}}"'],
    ['2023-04-25T12:18:06.696385Z', 'info', 'sds', 'Starting SDS grpc server'],
    ['2023-04-25T12:18:06.696568Z', 'info', '', 'starting Http service at 127.0.0.1:15004'],
    ['2023-04-25T12:18:06.698950Z', 'info', '', 'Pilot SAN: [istiod-remote.istio-system.svc]'],
    ['2023-04-25T12:18:06.705118Z', 'info', '', 'Starting proxy agent'],
    ['2023-04-25T12:18:06.705177Z', 'info', '', 'starting'],
    ['2023-04-25T12:18:06.705214Z', 'info', '', 'Envoy command: [-c etc/istio/proxy/envoy-rev.json --restart-epoch 0 --drain-time-s 45 --parent-shutdown-time-s 60 --local-address-ip-version v4 --file-flush-interval-msec 1000 --log-format %Y-%m-%dT%T.%fZ\t%l\tenvoy %n\t%v -l warning --component-log-level misc:error]'],
    ['2023-04-25T12:18:07.696708Z', 'info', 'cache', 'generated new workload certificate\tlatency=1.001557215s ttl=23h59m59.303308657s'],
    ['2023-04-25T12:18:07.696756Z', 'info', 'cache', 'Root cert has changed, start rotating root cert'],
    ['2023-04-25T12:18:07.696785Z', 'info', 'ads', 'XDS: Incremental Pushing:0 ConnectedEndpoints:0 Version:'],
    ['2023-04-25T12:18:07.696896Z', 'info', 'cache', 'returned workload trust anchor from cache\tttl=23h59m59.303107754s'],
  ];
  for (const [ts, level, scope, msg] of lines) l.exact(ts, level, scope, msg);
  const timeouts: [string, number][] = [
    ['2023-04-25T12:19:07.664759Z', 40],
    ['2023-04-25T12:19:29.530922Z', 62],
    ['2023-04-25T12:19:51.228936Z', 84],
    ['2023-04-25T12:20:11.732449Z', 104],
    ['2023-04-25T12:20:41.426914Z', 134],
    ['2023-04-25T12:21:15.199447Z', 168],
  ];
  const ip = w.service('istio-system', 'istiod-remote').clusterIP;
  for (const [ts, since] of timeouts) {
    l.exact(ts, 'warning', 'envoy config', `StreamAggregatedResources gRPC config stream to xds-grpc closed since ${since}s ago: 14, connection error: desc = "transport: Error while dialing dial tcp ${ip}:15012: i/o timeout"`);
  }
  w.log(INCIDENT, 'istio-system', pod.name, 'istio-proxy', l.lines);
}

// ---------------------------------------------------------------------------------------------
// seed 001

/** Case 1: no LoadBalancer implementation; the gateway Service never gets an address. */
export function noLoadBalancer(w: World): void {
  const svc = w.service('istio-system', 'istio-ingressgateway');
  svc.ingress = [];
  const pod = w.pod('istio-system', 'istio-ingressgateway');
  gatewayNeverReady(w, pod, '-9m2s', 268);
  // The seed shows no proxy log for this case: pilot-agent's start-up, then nothing.
  const l = new LogWriter(w.clock, w.key('log', pod.name));
  proxyStartup(l, { start: shift(pod.created, 3), version: w.slot.family.istioTag, pod: pod.name, ip: pod.ip, cpu: 2, discovery: 'istiod-remote.istio-system.svc:15012' });
  w.log(INCIDENT, 'istio-system', pod.name, 'istio-proxy', l.lines);
}

// ---------------------------------------------------------------------------------------------
// seed 003: DestinationRule subset v1, review pods without `version`

export function reviewWithoutVersion(w: World): void {
  const wl = w.workload('review', 'review');
  wl.labels = { app: 'review' };
  wl.selector = { app: 'review' };
  wl.template.labels = { app: 'review' };
  wl.created = '-43m';
  for (const pod of wl.pods) {
    const { version: _dropped, ...labels } = pod.labels;
    pod.labels = { ...labels, 'service.istio.io/canonical-revision': 'latest' };
    pod.created = '-43m';
    pod.init = { 'istio-init': completed(w, shift(pod.created, 1), shift(pod.created, 2)) };
    pod.containers = {};
    for (const c of pod.spec.containers) pod.containers[c.name] = running(w, shift(pod.created, 3));
    pod.readySince = undefined;
  }
}

/** The gateway's access log turns to 503 UH for the v1 subset; the user turned on upstream debug. */
export function noHealthyUpstreamLog(w: World): void {
  const gw = w.pod('istio-system', 'istio-ingressgateway');
  const review = w.pod('review', 'review');
  const existing = w.logs.find((l) => l.pod === gw.name && l.container === 'istio-proxy');
  const before = (existing?.text.trim().split('\n') ?? []).filter((line) => !line.startsWith('[') || w.clock.date('-43m').toISOString() > line.slice(1, 25));
  const failing = ['-39m12s', '-31m40s', '-22m5s', '-12m48s', '-4m31s', '-4m30.3s', '-4m29.8s', '-4m28.4s', '-1m2s'].map((offset, i) =>
    accessLine(w.clock, w.key('uh', String(i)), {
      offset,
      path: `/review/${1 + (i % 3)}`,
      code: 503,
      flags: 'UH',
      details: 'no_healthy_upstream',
      bytesSent: 19,
      duration: 0,
      client: '10.128.0.5',
      ua: i >= 4 && i <= 7 ? 'curl/8.5.0' : undefined,
      authority: 'shop.acme.example',
      cluster: 'outbound|80|v1|review.review.svc.cluster.local',
      gatewayIp: gw.ip,
    }),
  );
  const debug = new LogWriter(w.clock, w.key('debug', gw.name));
  for (const offset of ['-4m31s', '-4m30.3s', '-4m29.8s', '-4m28.4s', '-1m2s']) {
    debug.at(offset, 'debug', 'envoy upstream', 'no healthy host for HTTP connection pool');
  }
  void review;
  w.log(INCIDENT, 'istio-system', gw.name, 'istio-proxy', [...before, ...failing, ...debug.lines].sort(byTimestamp));
}

// ---------------------------------------------------------------------------------------------
// seed 004

/** istio-init cannot program iptables: a policy engine stripped NET_ADMIN from the new workload. */
export function istioInitWithoutNetAdmin(w: World): void {
  const ns = 'review';
  // Kyverno, with the mutating policy that replaced istio-init's capabilities.
  namespace(w, INCIDENT, 'kyverno', { 'app.kubernetes.io/instance': 'kyverno', 'app.kubernetes.io/part-of': 'kyverno' }, '-2d');
  rootCertConfigMap(w, INCIDENT, 'kyverno', w.slot.certs, '-2d');
  serviceAccount(w, INCIDENT, 'kyverno', 'kyverno', 'kyverno-admission-controller', '-2d', { 'app.kubernetes.io/component': 'admission-controller' });
  const kyvernoLabels = { 'app.kubernetes.io/component': 'admission-controller', 'app.kubernetes.io/instance': 'kyverno', 'app.kubernetes.io/part-of': 'kyverno' };
  addWorkload(w, {
    part: INCIDENT,
    file: 'kyverno',
    namespace: 'kyverno',
    name: 'kyverno-admission-controller',
    labels: kyvernoLabels,
    selector: { 'app.kubernetes.io/component': 'admission-controller', 'app.kubernetes.io/instance': 'kyverno' },
    podLabels: kyvernoLabels,
    spec: {
      containers: [
        {
          args: ['--caSecretName=kyverno-svc.kyverno.svc.kyverno-tls-ca', '--tlsSecretName=kyverno-svc.kyverno.svc.kyverno-tls-pair', '--servicePort=443', '--webhookServerPort=9443'],
          image: 'ghcr.io/kyverno/kyverno:v1.12.5',
          name: 'kyverno',
          ports: [{ containerPort: 9443, name: 'https' }, { containerPort: 8000, name: 'metrics-port' }],
          readinessProbe: { failureThreshold: 6, httpGet: { path: '/health/readiness', port: 9443, scheme: 'HTTPS' }, initialDelaySeconds: 5, periodSeconds: 10, successThreshold: 1, timeoutSeconds: 5 },
          resources: { limits: { memory: '384Mi' }, requests: { cpu: '100m', memory: '128Mi' } },
        },
      ],
      serviceAccountName: 'kyverno-admission-controller',
    },
    nodes: [w.slot.nodes[0]?.name ?? ''],
    created: '-2d',
  });
  addService(w, {
    namespace: 'kyverno',
    name: 'kyverno-svc',
    labels: kyvernoLabels,
    type: 'ClusterIP',
    selector: { 'app.kubernetes.io/component': 'admission-controller', 'app.kubernetes.io/instance': 'kyverno' },
    ports: [{ name: 'https', port: 443, targetPort: 9443, appProtocol: 'https' }],
    created: '-2d',
    part: INCIDENT,
    file: 'kyverno',
  });
  crd(w, INCIDENT, 'kyverno', { group: 'kyverno.io', kind: 'ClusterPolicy', plural: 'clusterpolicies', short: ['cpol'], versions: ['v1'], storage: 'v1', scope: 'Cluster', categories: ['kyverno'] }, { labels: { 'app.kubernetes.io/part-of': 'kyverno' } }, '-2d');
  w.add(INCIDENT, 'kyverno', {
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    metadata: meta(w, 'ClusterPolicy', undefined, 'restrict-capabilities', '-26m', {
      annotations: { 'policies.kyverno.io/description': 'Drop every Linux capability from init containers.', 'policies.kyverno.io/title': 'Restrict capabilities' },
      generation: 1,
    }),
    spec: {
      background: false,
      rules: [
        {
          match: { any: [{ resources: { kinds: ['Pod'], operations: ['CREATE'] } }] },
          mutate: { patchesJson6902: '- op: replace\n  path: /spec/initContainers/0/securityContext/capabilities\n  value:\n    drop: ["ALL"]\n' },
          name: 'drop-all-capabilities',
          preconditions: { all: [{ key: '{{ request.object.spec.initContainers[] | length(@) }}', operator: 'GreaterThan', value: 0 }] },
        },
      ],
    },
  });
  w.add(INCIDENT, 'kyverno', {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: meta(w, 'MutatingWebhookConfiguration', undefined, 'kyverno-resource-mutating-webhook-cfg', '-2d', {
      generation: 4,
      labels: { 'webhook.kyverno.io/managed-by': 'kyverno' },
    }),
    webhooks: [
      {
        admissionReviewVersions: ['v1'],
        clientConfig: { caBundle: Buffer.from(pem('single-root-cert')).toString('base64'), service: { name: 'kyverno-svc', namespace: 'kyverno', path: '/mutate/fail', port: 443 } },
        failurePolicy: 'Fail',
        matchPolicy: 'Equivalent',
        name: 'mutate.kyverno.svc-fail',
        namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kyverno'] }] },
        objectSelector: {},
        reinvocationPolicy: 'IfNeeded',
        rules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'], scope: '*' }],
        sideEffects: 'NoneOnDryRun',
        timeoutSeconds: 10,
      },
    ],
  });

  // The new workload: created 25 minutes ago, its pod never got past istio-init.
  const created = '-25m';
  const wl = appWorkload(w, INCIDENT, { ns, name: 'notify', app: 'notify', version: 'v1', image: 'zackzhangkai/notify:v0.3.1', port: 8080, node: w.slot.nodes[2]?.name ?? '', created, probe: '/healthz' });
  wl.file = 'notify';
  wl.part = INCIDENT;
  wl.progressing = 'deadline-exceeded';
  appService(w, INCIDENT, ns, 'notify', { name: 'http-notify', port: 8080, targetPort: 8080 }, { created });
  w.services.at(-1)!.file = 'notify';
  const pod = wl.pods[0]!;
  pod.file = 'notify';
  pod.phase = 'Pending';
  const init = pod.spec.initContainers.find((c: J) => c.name === 'istio-init');
  init.securityContext = { ...init.securityContext, capabilities: { drop: ['ALL'] } };
  pod.annotations['policies.kyverno.io/last-applied-patches'] = 'drop-all-capabilities.restrict-capabilities.kyverno.io: replaced /spec/initContainers/0/securityContext/capabilities\n';
  pod.init['istio-init'] = restarted(w, 9, { startedAt: '-3m12s', finishedAt: '-3m12s', exitCode: 1 }, {
    waitingMessage: `back-off 5m0s restarting failed container=istio-init pod=${pod.name}_${ns}(${w.uid('Pod', ns, pod.name)})`,
  });
  for (const c of pod.spec.containers) pod.containers[c.name] = waitingInit();
  pod.readySince = shift(created, 1);
  podEvents(w, pod, [{ name: 'istio-init', image: image(pod, 'istio-init'), count: 10 }], created);
  event(w, INCIDENT, {
    involved: podRef(w, pod, 'spec.initContainers{istio-init}'),
    reason: 'BackOff',
    type: 'Warning',
    message: `Back-off restarting failed container istio-init in pod ${pod.name}_${ns}(${w.uid('Pod', ns, pod.name)})`,
    first: shift(created, 5),
    last: '-14s',
    count: 112,
    component: 'kubelet',
    host: pod.node.name,
  });
  const rs = `notify-${wl.hash}`;
  event(w, INCIDENT, { involved: { apiVersion: 'apps/v1', kind: 'ReplicaSet', namespace: ns, name: rs, uid: w.uid('ReplicaSet', ns, rs) }, reason: 'SuccessfulCreate', message: `Created pod: ${pod.name}`, first: created, component: 'replicaset-controller' });
  event(w, INCIDENT, { involved: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: ns, name: 'notify', uid: w.uid('Deployment', ns, 'notify') }, reason: 'ScalingReplicaSet', message: `Scaled up replica set ${rs} to 1`, first: created, component: 'deployment-controller' });
  const log = (offset: string, key: string) => istioInitFailureLog(w, offset, key);
  w.log(INCIDENT, ns, pod.name, 'istio-init', log('-3m12s', 'current'));
  w.log(INCIDENT, ns, pod.name, 'istio-init', log('-8m13s', 'previous'), true);
}

function istioInitFailureLog(w: World, offset: string, key: string): string[] {
  const l = new LogWriter(w.clock, w.key('init', key));
  l.at(offset, 'info', '', 'Istio iptables environment:');
  l.raw('ENVOY_PORT=\nINBOUND_CAPTURE_PORT=\nISTIO_INBOUND_INTERCEPTION_MODE=\nISTIO_INBOUND_TPROXY_ROUTE_TABLE=\nISTIO_INBOUND_PORTS=\nISTIO_OUTBOUND_PORTS=\nISTIO_LOCAL_EXCLUDE_PORTS=\nISTIO_EXCLUDE_INTERFACES=\nISTIO_SERVICE_CIDR=\nISTIO_SERVICE_EXCLUDE_CIDR=\nISTIO_META_DNS_CAPTURE=\nINVALID_DROP=\n');
  l.at(`${offset}+0.001s`, 'info', '', 'Istio iptables variables:');
  l.raw('PROXY_PORT=15001\nPROXY_INBOUND_CAPTURE_PORT=15006\nPROXY_TUNNEL_PORT=15008\nPROXY_UID=1337\nPROXY_GID=1337\nINBOUND_INTERCEPTION_MODE=REDIRECT\nINBOUND_TPROXY_MARK=1337\nINBOUND_TPROXY_ROUTE_TABLE=133\nINBOUND_PORTS_INCLUDE=*\nINBOUND_PORTS_EXCLUDE=15090,15021,15020\nOUTBOUND_OWNER_GROUPS_INCLUDE=*\nOUTBOUND_OWNER_GROUPS_EXCLUDE=\nOUTBOUND_IP_RANGES_INCLUDE=*\nOUTBOUND_IP_RANGES_EXCLUDE=\nOUTBOUND_PORTS_INCLUDE=\nOUTBOUND_PORTS_EXCLUDE=\nKUBE_VIRT_INTERFACES=\nENABLE_INBOUND_IPV6=false\nDUAL_STACK=false\nDNS_CAPTURE=false\nDROP_INVALID=false\nCAPTURE_ALL_DNS=false\nDNS_SERVERS=[],[]\nNETWORK_NAMESPACE=\nCNI_MODE=false\nEXCLUDE_INTERFACES=\n');
  l.at(`${offset}+0.002s`, 'info', '', 'Running iptables-restore with the following input:');
  l.raw(
    '* nat\n-N ISTIO_INBOUND\n-N ISTIO_REDIRECT\n-N ISTIO_IN_REDIRECT\n-N ISTIO_OUTPUT\n-A ISTIO_INBOUND -p tcp --dport 15008 -j RETURN\n-A ISTIO_REDIRECT -p tcp -j REDIRECT --to-ports 15001\n-A ISTIO_IN_REDIRECT -p tcp -j REDIRECT --to-ports 15006\n-A PREROUTING -p tcp -j ISTIO_INBOUND\n-A ISTIO_INBOUND -p tcp --dport 15090 -j RETURN\n-A ISTIO_INBOUND -p tcp --dport 15021 -j RETURN\n-A ISTIO_INBOUND -p tcp --dport 15020 -j RETURN\n-A ISTIO_INBOUND -p tcp -j ISTIO_IN_REDIRECT\n-A OUTPUT -p tcp -j ISTIO_OUTPUT\n-A ISTIO_OUTPUT -o lo -s 127.0.0.6/32 -j RETURN\n-A ISTIO_OUTPUT -o lo ! -d 127.0.0.1/32 -m owner --uid-owner 1337 -j ISTIO_IN_REDIRECT\n-A ISTIO_OUTPUT -o lo -m owner ! --uid-owner 1337 -j RETURN\n-A ISTIO_OUTPUT -m owner --uid-owner 1337 -j RETURN\n-A ISTIO_OUTPUT -o lo ! -d 127.0.0.1/32 -m owner --gid-owner 1337 -j ISTIO_IN_REDIRECT\n-A ISTIO_OUTPUT -o lo -m owner ! --gid-owner 1337 -j RETURN\n-A ISTIO_OUTPUT -m owner --gid-owner 1337 -j RETURN\n-A ISTIO_OUTPUT -d 127.0.0.1/32 -j RETURN\n-A ISTIO_OUTPUT -j ISTIO_REDIRECT\nCOMMIT',
  );
  l.at(`${offset}+0.002s`, 'info', '', 'Running command (with wait lock): iptables-restore --noflush --wait=30');
  l.at(`${offset}+0.004s`, 'error', '', "Command error output: xtables parameter problem: iptables-restore: unable to initialize table 'nat'");
  l.raw('\nError occurred at line: 1\nTry `iptables-restore -h\' or \'iptables-restore --help\' for more information.');
  l.at(`${offset}+0.004s`, 'error', '', 'Failed to execute: iptables-restore --noflush --wait=30, exit status 2');
  return l.lines;
}

/** The app dials its dependency before Envoy listens: connection refused, exit 1, restart. */
export function appBeforeProxy(w: World): void {
  const pod = w.pod('review', 'review');
  const created = '-14m';
  pod.created = created;
  pod.init['istio-init'] = { ...pod.init['istio-init']!, state: { terminated: { exitCode: 0, finishedAt: w.clock.at(shift(created, 2)), reason: 'Completed', startedAt: w.clock.at(shift(created, 1)) } } };
  pod.containers.review = restarted(w, 2, { startedAt: shift(created, 4), finishedAt: shift(created, 4), exitCode: 1 }, { runningSince: shift(created, 15) });
  pod.containers['istio-proxy'] = running(w, shift(created, 3));
  pod.readySince = shift(created, 16);
  podEvents(w, pod, [
    { name: 'istio-init', image: image(pod, 'istio-init') },
    { name: 'review', image: image(pod, 'review'), count: 3 },
    { name: 'istio-proxy', image: image(pod, 'istio-proxy') },
  ], created);
  event(w, INCIDENT, {
    involved: podRef(w, pod, 'spec.containers{review}'),
    reason: 'BackOff',
    type: 'Warning',
    message: `Back-off restarting failed container review in pod ${pod.name}_review(${w.uid('Pod', 'review', pod.name)})`,
    first: shift(created, 5),
    last: shift(created, 5),
    count: 1,
    component: 'kubelet',
    host: pod.node.name,
  });
  const rating = w.service('review', 'rating').clusterIP;
  const app = (offset: string, fail: boolean) => {
    const at = (s: number) => w.clock.date(shift(offset, s)).toISOString();
    const lines = [
      `${at(0)}\tINFO\treview/main.go:41\tstarting review service\t{"port": 8080, "rating": "http://rating.review.svc.cluster.local:8888"}`,
      `${at(0.003)}\tINFO\treview/main.go:58\twarming rating cache`,
    ];
    if (fail) {
      lines.push(`${at(0.006)}\tFATAL\treview/main.go:61\tcannot warm rating cache\t{"error": "Get \\"http://rating.review.svc.cluster.local:8888/ratings\\": dial tcp ${rating}:8888: connect: connection refused"}`);
    } else {
      lines.push(`${at(0.019)}\tINFO\treview/main.go:64\trating cache warmed\t{"entries": 1842}`, `${at(0.02)}\tINFO\treview/main.go:72\tlistening\t{"addr": ":8080"}`);
    }
    return lines;
  };
  w.log(INCIDENT, 'review', pod.name, 'review', app(shift(created, 4), true), true);
  w.log(INCIDENT, 'review', pod.name, 'review', app(shift(created, 15), false));
}

/** istiod's watches against the API server fail: refused while it restarts, RBAC not yet synced after. */
export function istiodApiserverErrors(w: World): void {
  const pod = w.pod('istio-system', 'istiod');
  const existing = w.logs.find((l) => l.pod === pod.name && l.container === 'discovery');
  const lines = existing?.text.trim().split('\n') ?? [];
  const api = `${w.slot.serviceIps['default/kubernetes']}:443`;
  const reflector = 'k8s.io/client-go@v0.30.1/tools/cache/reflector.go';
  const core: [string, string][] = [
    ['*v1.Service', 'services'],
    ['*v1.Pod', 'pods'],
    ['*v1.EndpointSlice', 'apis/discovery.k8s.io/v1/endpointslices'],
    ['*v1.Namespace', 'namespaces'],
    ['*v1.ConfigMap', 'namespaces/istio-system/configmaps'],
    ['*v1.Node', 'nodes'],
  ];
  const crds: [string, string, string][] = [
    ['*v1alpha3.DestinationRule', 'destinationrules', 'networking.istio.io'],
    ['*v1alpha3.VirtualService', 'virtualservices', 'networking.istio.io'],
    ['*v1alpha3.Gateway', 'gateways', 'networking.istio.io'],
    ['*v1beta1.PeerAuthentication', 'peerauthentications', 'security.istio.io'],
  ];
  const l = new LogWriter(w.clock, w.key('apiserver', pod.name));
  // Each cycle: the API server goes away (refused), comes back with RBAC caches not yet synced
  // (forbidden), then serves again. The cycles continue up to the moment of recording.
  const cycles = ['-17m4s', '-14m31s', '-11m52s', '-9m20s', '-6m47s', '-4m13s', '-1m40s'];
  cycles.forEach((start, c) => {
    core.forEach(([type, path], i) => {
      const url = path.startsWith('apis/') ? `https://${api}/${path}?limit=500&resourceVersion=0` : `https://${api}/api/v1/${path}?limit=500&resourceVersion=0`;
      const t = `${start}+${(i * 1.7 + c * 0.13).toFixed(3)}s`;
      l.at(t, 'warn', 'klog', `${reflector}:232: failed to list ${type}: Get "${url}": dial tcp ${api}: connect: connection refused`);
      l.at(`${t}+0.000041s`, 'error', 'klog', `${reflector}:232: Failed to watch ${type}: failed to list ${type}: Get "${url}": dial tcp ${api}: connect: connection refused`);
    });
    crds.forEach(([type, plural, group], i) => {
      const t = `${start}+${(38 + i * 0.9 + c * 0.07).toFixed(3)}s`;
      const forbidden = `${plural}.${group} is forbidden: User "system:serviceaccount:istio-system:istiod" cannot list resource "${plural}" in API group "${group}" at the cluster scope: RBAC: [clusterrole.rbac.authorization.k8s.io "istiod-clusterrole-istio-system" not found, clusterrole.rbac.authorization.k8s.io "istiod-gateway-controller-istio-system" not found]`;
      l.at(t, 'warn', 'klog', `${reflector}:232: failed to list ${type}: ${forbidden}`);
      l.at(`${t}+0.000038s`, 'error', 'klog', `${reflector}:232: Failed to watch ${type}: failed to list ${type}: ${forbidden}`);
    });
  });
  w.log(INCIDENT, 'istio-system', pod.name, 'discovery', [...lines, ...l.lines].sort(byTimestamp));
}

export function gatewayApiShadow(w: World): void {
  gatewayApiCrds(w, INCIDENT, '-9d');
}

// ---------------------------------------------------------------------------------------------
// seed 002

/** Both primaries discover each other through remote secrets (the healthy wiring). */
export function peerSecret(w: World, peer: string, created = '-119d'): void {
  remoteSecret(w, part(w, 'istio'), peer, created);
}

export function multiIstiodLog(w: World, remotes: { name: string; at?: string }[], extra: (l: LogWriter) => void = () => {}, certSet?: string): void {
  const pod = w.pod('istio-system', 'istiod');
  const proxies = w.workloads.flatMap((m) => m.pods).filter((p) => p.spec.containers.some((c: J) => c.name === 'istio-proxy'));
  writeIstiodLog(w, pod, { remotes, proxies, multiNetwork: true, ...(certSet ? { certSet } : {}) });
  const l = new LogWriter(w.clock, w.key('extra', pod.name));
  extra(l);
  if (l.lines.length) {
    const log = w.logs.find((x) => x.pod === pod.name && x.container === 'discovery');
    if (log) log.text = `${[...log.text.trim().split('\n'), ...l.lines].sort(byTimestamp).join('\n')}\n`;
  }
}

/** A second, unrelated root CA: `cacerts`, the istio-ca-root-cert ConfigMaps and the webhooks. */
export function rogueRoot(w: World): void {
  const certSet = 'mc-west-rogue';
  const istio = part(w, 'istio');
  for (const item of w.items.filter((i) => i.obj.kind === 'Secret' && i.obj.metadata.name === 'cacerts')) w.items.splice(w.items.indexOf(item), 1);
  cacerts(w, istio, certSet, '-121d');
  for (const item of w.items.filter((i) => i.obj.kind === 'ConfigMap' && i.obj.metadata.name === 'istio-ca-root-cert')) {
    item.obj.data['root-cert.pem'] = pem(`${certSet}-root-cert`);
  }
  setWebhookCaBundles(w, pem(`${certSet}-root-cert`));
}

/** The hand-made secret: keyed by the kubeconfig's file name, exported without --raw. */
export function brokenRemoteSecret(w: World, peer: string, created: string): void {
  const kubeconfig = [
    'apiVersion: v1',
    'clusters:',
    '- cluster:',
    '    certificate-authority-data: DATA+OMITTED',
    '    server: https://34.83.117.92',
    `  name: gke_acme-mesh_us-west1_${peer}`,
    'contexts:',
    '- context:',
    `    cluster: gke_acme-mesh_us-west1_${peer}`,
    '    user: istio-reader-service-account',
    `  name: ${peer}`,
    `current-context: ${peer}`,
    'kind: Config',
    'preferences: {}',
    'users:',
    '- name: istio-reader-service-account',
    '  user:',
    '    token: REDACTED',
    '',
  ].join('\n');
  secret(w, part(w, 'istio'), 'remote-secrets', 'istio-system', `istio-remote-secret-${peer}`, created, { west: kubeconfig }, { labels: { 'istio/multiCluster': 'true' } });
}

/** Installed without values.global.network, istio-system never labelled (seed 002's fix: label it). */
export function noNetworkLabels(w: World): void {
  const ns = w.find('Namespace', undefined, 'istio-system');
  delete ns.metadata.labels['topology.istio.io/network'];
  for (const pod of w.workloads.flatMap((m) => m.pods)) {
    if (pod.namespace === 'istio-system') continue;
    const proxy = pod.spec.containers.find((c: J) => c.name === 'istio-proxy');
    if (!proxy) continue;
    proxy.env = proxy.env.filter((e: J) => e.name !== 'ISTIO_META_NETWORK');
    delete pod.labels['topology.istio.io/network'];
  }
  for (const item of w.items.filter((i) => i.obj.kind === 'MutatingWebhookConfiguration')) {
    for (const hook of item.obj.webhooks) hook.clientConfig.service.path = hook.clientConfig.service.path.replace('/net/{{network}}', '/net/');
  }
}

/** The cloud cannot allocate the east-west gateway's address (GKE: regional IP quota). */
export function eastwestPending(w: World): void {
  const svc = w.service('istio-system', 'istio-eastwestgateway');
  svc.ingress = [];
  svc.created = '-41m';
  const lbName = `a${w.uid('Service', 'istio-system', 'istio-eastwestgateway').replace(/-/g, '').slice(0, 31)}`;
  event(w, INCIDENT, { involved: serviceRef(w, svc), reason: 'EnsuringLoadBalancer', message: 'Ensuring load balancer', first: '-41m', last: '-1m13s', count: 15, component: 'service-controller' });
  event(w, INCIDENT, {
    involved: serviceRef(w, svc),
    reason: 'SyncLoadBalancerFailed',
    type: 'Warning',
    message: `Error syncing load balancer: failed to ensure load balancer: failed to ensure a static IP for load balancer (${lbName}(istio-system/istio-eastwestgateway)): googleapi: Error 403: QUOTA_EXCEEDED - Quota 'IN_USE_ADDRESSES' exceeded.  Limit: 8.0 in region us-west1., quotaExceeded`,
    first: '-41m',
    last: '-1m13s',
    count: 15,
    component: 'service-controller',
  });
}
