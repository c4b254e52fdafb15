// Container logs in the formats Istio components write: `<RFC3339 µs>\t<level>\t[<scope>\t]<msg>`,
// Envoy access-log lines `[<START_TIME>] "GET / HTTP/1.1" 200 - ...`. Healthy logs contain nothing
// a check should flag; failure lines reproduce the seed files (../shared/seeds).

import type { Clock } from './util.ts';
import { hex } from './util.ts';

export class LogWriter {
  readonly lines: string[] = [];
  private n = 0;
  constructor(
    private readonly clock: Clock,
    private readonly key: string,
  ) {}

  /** One Istio-format line at `offset` (relative to recordedAt). */
  at(offset: string, level: string, scope: string, msg: string): this {
    const ts = this.clock.micro(offset, `${this.key}/${this.n++}`);
    this.lines.push(scope ? `${ts}\t${level}\t${scope}\t${msg}` : `${ts}\t${level}\t${msg}`);
    return this;
  }

  /** One Istio-format line at an absolute time (the seeds' own timestamps). */
  exact(iso: string, level: string, scope: string, msg: string): this {
    this.lines.push(scope ? `${iso}\t${level}\t${scope}\t${msg}` : `${iso}\t${level}\t${msg}`);
    return this;
  }

  raw(line: string): this {
    this.lines.push(line);
    return this;
  }

  /** Several lines `stepSeconds` apart. */
  burst(offset: string, stepMs: number, entries: [level: string, scope: string, msg: string][]): this {
    entries.forEach(([level, scope, msg], i) => {
      this.at(`${offset}+${(i * stepMs) / 1000}s`, level, scope, msg);
    });
    return this;
  }
}

export interface IstiodLogOptions {
  start: string;
  version: string;
  minor: number;
  cluster?: string;
  /** Intermediate CA subject locality, for the plugged-in cert line. */
  certSet: string;
  validator: string;
  /** Peers discovered through remote secrets (names as the secrets key them); `at`: when the
   * secret appeared, if after istiod started. */
  remotes?: { name: string; at?: string }[];
  /** Proxies connecting: pod names with their namespace and when their pod started. */
  proxies: { pod: string; ns: string; since?: string }[];
  multiNetwork?: boolean;
  revision?: string;
}

/** A healthy istiod: flags, CA, informers synced, proxies connected, 30-minute reconnects. */
export function istiodLog(clock: Clock, key: string, o: IstiodLogOptions): LogWriter {
  const w = new LogWriter(clock, key);
  const t = (s: number) => `${o.start}+${s}s`;
  w.burst(t(0), 0.1, [
    ['info', '', 'FLAG: --caCertFile=""'],
    ['info', '', 'FLAG: --clusterAliases="[]"'],
    ['info', '', 'FLAG: --clusterID="{{cluster}}"'],
    ['info', '', 'FLAG: --clusterRegistriesNamespace="istio-system"'],
    ['info', '', 'FLAG: --domain="cluster.local"'],
    ['info', '', 'FLAG: --keepaliveMaxServerConnectionAge="30m0s"'],
    ['info', '', 'FLAG: --log_output_level="default:info"'],
    ['info', '', 'FLAG: --monitoringAddr=":15014"'],
    ['info', '', 'FLAG: --namespace="istio-system"'],
    ['info', '', `FLAG: --revision="${o.revision ?? 'default'}"`],
    ['info', '', `Version ${o.version}-${hex(`${key}/sha`, 40)}-Clean`],
  ]);
  w.at(t(0.004), 'info', '', 'initializing mesh configuration ./etc/istio/config/mesh');
  w.at(t(0.006), 'info', '', 'Use plugged-in cert at etc/cacerts/ca-key.pem');
  w.at(t(0.007), 'info', '', `x509 cert - Issuer: "L=${o.certSet},CN=Intermediate CA,OU=mesh-medic TEST FIXTURE,O=Istio", Subject: "", Is CA: true`);
  w.at(t(0.007), 'info', '', 'Using istiod file format for signing ca files');
  w.at(t(0.012), 'info', '', 'Istiod has detected the newest version of the CA certificate');
  w.at(t(0.1), 'info', o.minor >= 16 ? 'kube' : '', 'Initializing Kubernetes service registry "{{cluster}}"');
  if (o.multiNetwork) w.at(t(0.3), 'info', 'model', 'reloading network gateways');
  w.at(t(1.1), 'info', o.minor >= 16 ? 'kube' : '', 'kube controller for {{cluster}} synced after 213.92ms');
  const after = (offset: string | undefined, base: string) =>
    offset && clock.date(offset).getTime() > clock.date(base).getTime() ? offset : base;
  for (const [i, remote] of (o.remotes ?? []).entries()) {
    const peer = remote.name;
    const at = (s: number) => `${after(remote.at, o.start)}+${s + i}s`;
    const secret = `istio-system/istio-remote-secret-${peer}`;
    if (o.minor < 12) {
      w.at(at(1.2), 'info', '', `Adding cluster_id=${peer} from secret=${secret}`);
      w.at(at(1.3), 'info', '', `Number of remote clusters: ${i + 1}`);
    } else {
      w.at(at(1.2), 'info', 'multicluster', `Adding cluster\tcluster=${peer} secret=${secret}`);
      w.at(at(1.25), 'info', 'multicluster', `finished callback for cluster and starting to sync\tcluster=${peer} secret=${secret}`);
      w.at(at(1.3), 'info', 'multicluster', `Number of remote clusters: ${i + 1}`);
    }
    w.at(at(1.6), 'info', o.minor >= 16 ? 'kube' : '', `kube controller for ${peer} synced after ${310 + i * 47}.18ms`);
  }
  w.at(t(2.1), 'info', 'ads', 'All caches have been synced up in 2.08s, marking server ready');
  w.at(t(2.1), 'info', '', 'starting discovery service at [::]:15010');
  w.at(t(2.1), 'info', '', 'Starting ADS server');
  w.at(t(2.2), 'info', 'validationController', 'Reconcile(enter): retry dry-run creation of invalid config');
  w.at(t(2.4), 'info', 'validationController', 'Endpoint successfully rejected invalid config. Switching to fail-close.');
  w.at(t(2.4), 'info', 'validationController', `Successfully updated validatingwebhookconfiguration ${o.validator} (failurePolicy=Fail)`);
  o.proxies.forEach((p, i) => {
    const node = `${p.pod}.${p.ns}-${i + 1}`;
    const at = (s: number) => `${after(p.since, o.start)}+${s + i * 0.3}s`;
    w.at(at(9), 'info', 'ads', `ADS: new connection for node:${node}`);
    w.at(at(9.01), 'info', 'ads', `CDS: PUSH request for node:${p.pod}.${p.ns} resources:${24 + i} size:${21 + i}.4kB cached:0/${19 + i}`);
    w.at(at(9.02), 'info', 'ads', `EDS: PUSH request for node:${p.pod}.${p.ns} resources:${19 + i} size:3.${i % 10}kB empty:0 cached:0/${19 + i} filtered:0`);
    w.at(at(9.03), 'info', 'ads', `LDS: PUSH request for node:${p.pod}.${p.ns} resources:${2 + i} size:${5 + i}.1kB`);
    w.at(at(9.04), 'info', 'ads', `RDS: PUSH request for node:${p.pod}.${p.ns} resources:1 size:2.6kB cached:0/0`);
  });
  // istiod closes every connection after keepaliveMaxServerConnectionAge (30m); proxies reconnect.
  for (const [i, minutes] of [52, 22].entries()) {
    o.proxies.forEach((p, j) => {
      w.at(`-${minutes}m+${j * 3.1}s`, 'info', 'ads', `ADS: "${p.pod}.${p.ns}-${i * 10 + j + 10}" terminated`);
      w.at(`-${minutes}m+${j * 3.1 + 0.2}s`, 'info', 'ads', `ADS: new connection for node:${p.pod}.${p.ns}-${i * 10 + j + 20}`);
    });
  }
  w.at('-6m', 'info', 'ads', 'Push debounce stable[53] 1 for config ConfigMap/istio-system/istio-ca-root-cert: 100.28ms since last change, 100.28ms since last push, full=false');
  w.lines.sort(byTime);
  return w;
}

/** Orders Istio-format lines by their leading timestamp (stable for equal ones). */
export function byTime(a: string, b: string): number {
  const ta = a.replace(/^\[/, '').slice(0, 27);
  const tb = b.replace(/^\[/, '').slice(0, 27);
  return ta < tb ? -1 : ta > tb ? 1 : 0;
}

export interface GatewayLogOptions {
  start: string;
  version: string;
  pod: string;
  ip: string;
  cpu: number;
  discovery: string;
  caAddr?: string;
  role?: 'router';
}

/** pilot-agent + Envoy startup of a gateway, up to the point Envoy is launched. */
export function proxyStartup(w: LogWriter, o: GatewayLogOptions): void {
  const t = (s: number) => `${o.start}+${s}s`;
  const sanHost = o.discovery.replace(/:\d+$/, '');
  w.burst(t(0), 0.1, [
    ['info', '', 'FLAG: --concurrency="0"'],
    ['info', '', 'FLAG: --domain="istio-system.svc.cluster.local"'],
    ['info', '', 'FLAG: --log_output_level="default:info"'],
    ['info', '', 'FLAG: --proxyComponentLogLevel="misc:error"'],
    ['info', '', 'FLAG: --proxyLogLevel="warning"'],
    ['info', '', `Version ${o.version}-${hex(`proxy/${o.version}`, 40)}-Clean`],
    ['info', '', `Proxy role\tips=[${o.ip}] type=router id=${o.pod}.istio-system domain=istio-system.svc.cluster.local`],
    ['info', '', `cpu limit detected as ${o.cpu}, setting concurrency`],
  ]);
  const steps: [number, string, string][] = [
    [0.01, '', 'JWT policy is third-party-jwt'],
    [0.010005, '', 'using credential fetcher of JWT type in cluster.local trust domain'],
    [2.011112, '', 'Workload SDS socket not found. Starting Istio SDS Server'],
    [2.011148, '', `CA Endpoint ${o.caAddr ?? 'istiod.istio-system.svc:15012'}, provider Citadel`],
    [2.011179, '', `Using CA ${o.caAddr ?? 'istiod.istio-system.svc:15012'} cert with certs: var/run/secrets/istio/root-cert.pem`],
    [2.020413, '', 'Opening status port 15020'],
    [2.046543, 'ads', 'All caches have been synced up in 2.053719558s, marking server ready'],
    [2.047296, 'xdsproxy', `Initializing with upstream address "${o.discovery}" and cluster "{{cluster}}"`],
    [2.048817, 'sds', 'Starting SDS grpc server'],
    [2.049, '', 'starting Http service at 127.0.0.1:15004'],
    [2.051382, '', `Pilot SAN: [${sanHost}]`],
    [2.05755, '', 'Starting proxy agent'],
    [2.057609, '', 'starting'],
    [
      2.057646,
      '',
      'Envoy command: [-c etc/istio/proxy/envoy-rev.json --drain-time-s 45 --drain-strategy immediate --local-address-ip-version v4 --file-flush-interval-msec 1000 --disable-hot-restart --allow-unknown-static-fields --log-format %Y-%m-%dT%T.%fZ\t%l\tenvoy %n %g:%#\t%v\tthread=%t -l warning --component-log-level misc:error]',
    ],
    [3.04914, 'cache', 'generated new workload certificate\tlatency=1.001557215s ttl=23h59m59.303308657s'],
    [3.049188, 'cache', 'Root cert has changed, start rotating root cert'],
    [3.049217, 'ads', 'XDS: Incremental Pushing ConnectedEndpoints:0 Version:'],
    [3.049328, 'cache', 'returned workload trust anchor from cache\tttl=23h59m59.303107754s'],
  ];
  for (const [s, scope, msg] of steps) w.at(t(s), 'info', scope, msg);
}

/** A gateway that connected to istiod and became ready; reconnects every 30 minutes. */
export function healthyGatewayLog(clock: Clock, key: string, o: GatewayLogOptions): LogWriter {
  const w = new LogWriter(clock, key);
  proxyStartup(w, o);
  const t = (s: number) => `${o.start}+${s}s`;
  w.at(t(3.06), 'info', 'xdsproxy', `connected to upstream XDS server: ${o.discovery}`);
  w.at(t(3.1), 'info', 'ads', `ADS: new connection for node:${o.pod}.istio-system-1`);
  w.at(t(3.10002), 'info', 'cache', 'returned workload certificate from cache\tttl=23h59m59.197364218s');
  w.at(t(3.10004), 'info', 'ads', `SDS: PUSH request for node:${o.pod}.istio-system resources:1 size:4.0kB resource:default`);
  w.at(t(3.2), 'info', 'ads', `ADS: new connection for node:${o.pod}.istio-system-2`);
  w.at(t(3.20002), 'info', 'cache', 'returned workload trust anchor from cache\tttl=23h59m59.196983519s');
  w.at(t(3.20004), 'info', 'ads', `SDS: PUSH request for node:${o.pod}.istio-system resources:1 size:1.1kB resource:ROOTCA`);
  w.at(t(4.3), 'info', '', 'Readiness succeeded in 2.349164512s');
  w.at(t(4.3), 'info', '', 'Envoy proxy is ready');
  for (const minutes of [52, 22]) w.at(`-${minutes}m+4.1s`, 'info', 'xdsproxy', `connected to upstream XDS server: ${o.discovery}`);
  w.lines.sort(byTime);
  return w;
}

export interface AccessEntry {
  offset: string;
  method?: string;
  path: string;
  code: number;
  flags?: string;
  details?: string;
  bytesSent: number;
  duration: number;
  client: string;
  authority: string;
  upstreamHost?: string;
  cluster: string;
  gatewayIp: string;
  ua?: string;
}

/** Envoy's default Istio TEXT access-log format. */
export function accessLine(clock: Clock, key: string, e: AccessEntry): string {
  const reqId = `${hex(`${key}/a`, 8)}-${hex(`${key}/b`, 4)}-${hex(`${key}/c`, 4)}-${hex(`${key}/d`, 4)}-${hex(`${key}/e`, 12)}`;
  const upstream = e.upstreamHost ? `"${e.upstreamHost}"` : '"-"';
  const upstreamLocal = e.upstreamHost ? `${e.gatewayIp}:${40000 + (Number.parseInt(hex(`${key}/p`, 4), 16) % 20000)}` : '-';
  const clientPort = 30000 + (Number.parseInt(hex(`${key}/q`, 4), 16) % 30000);
  const svcTime = e.code === 200 ? String(Math.max(1, e.duration - 1)) : '-';
  return (
    `[${clock.milli(e.offset, key)}] "${e.method ?? 'GET'} ${e.path} HTTP/1.1" ${e.code} ${e.flags ?? '-'} ${e.details ?? 'via_upstream'} - "-" 0 ${e.bytesSent} ${e.duration} ${svcTime} ` +
    `"${e.client}" "${e.ua ?? 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36'}" "${reqId}" "${e.authority}" ${upstream} ${e.cluster} ${upstreamLocal} ${e.gatewayIp}:8080 ${e.client}:${clientPort} - -`
  );
}
