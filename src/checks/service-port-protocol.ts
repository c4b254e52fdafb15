// Seed 003: Service ports must tell Istio their protocol, by a name `<protocol>[-suffix]` or by
// `appProtocol`. Otherwise the sidecar sniffs the protocol, which breaks server-first protocols
// (MySQL, SMTP...) and loses HTTP routing and metrics on ports it guesses wrong. Follows istioctl's
// IST0118 (same parsing, system namespaces and control-plane Services skipped), limited to
// namespaces that are actually in the mesh.

import type { K8sObject } from '../domain/k8s-object.ts';
import type { Snapshot } from '../k8s/snapshot.ts';
import { evidenceOf, hasSidecar, labelsOf } from './lib/objects.ts';
import { injectionRevision, isSystemNamespace, listSome, plural } from './lib/workloads.ts';
import { type Check, type CheckResult, pass, skipped } from './types.ts';

const PROTOCOLS = new Set(['http', 'http2', 'https', 'grpc', 'grpc-web', 'tcp', 'tls', 'mongo', 'mysql', 'redis', 'udp', 'http_proxy']);
/** Kubernetes' standard appProtocol values Istio understands. */
const K8S_APP_PROTOCOLS = new Set(['kubernetes.io/h2c', 'kubernetes.io/ws', 'kubernetes.io/wss']);
/** Istio treats these well-known ports as TCP even without a protocol (no sniffing). */
const WELL_KNOWN_TCP_PORTS = new Set([25, 53, 3306, 27017]);

interface PortSpec {
  name?: string;
  port?: number;
  protocol?: string;
  appProtocol?: string;
}

export const check: Check = {
  id: 'service-port-protocol',
  title: 'Service ports declare their protocol',
  description:
    'Ports of Services in meshed namespaces name their protocol (`http`, `grpc-web-x`, `tcp-db`...) or set appProtocol, so Istio need not guess it (istioctl IST0118).',
  severity: 'low',
  playbook: 'service-port-protocol',
  sources: ['003_87f8f8ea8e0ba1af.txt'],
  reads: ['services', 'namespaces', 'pods'],
  run,
};

/** The protocol Istio derives for a port, or undefined when it cannot tell (Istio's ConvertProtocol). */
export function declaredProtocol(port: PortSpec): string | undefined {
  if ((port.protocol ?? 'TCP').toUpperCase() === 'UDP') return 'udp';
  const source = port.appProtocol ?? port.name ?? '';
  if (port.appProtocol && K8S_APP_PROTOCOLS.has(port.appProtocol)) return port.appProtocol;
  const lower = source.toLowerCase();
  if (lower.startsWith('grpc-web')) return 'grpc-web';
  const prefix = lower.split('-')[0] ?? '';
  if (PROTOCOLS.has(prefix)) return prefix;
  if (port.port !== undefined && WELL_KNOWN_TCP_PORTS.has(port.port)) return 'tcp';
  return undefined;
}

function run(snapshot: Snapshot): CheckResult[] {
  const meshed = meshedNamespaces(snapshot);
  const services = snapshot
    .list('services')
    .filter((s) => meshed.has(s.metadata.namespace ?? '') && !isControlPlane(s) && s.spec?.type !== 'ExternalName');
  if (services.length === 0) return [skipped('No Services in meshed namespaces (outside the system namespaces)')];
  const results = services.flatMap((s) => serviceResult(snapshot.cluster, s));
  if (results.length > 0) return results;
  const ports = services.reduce((n, s) => n + portsOf(s).length, 0);
  return [pass(`All ${plural(ports, 'port')} of ${plural(services.length, 'Service')} in meshed namespaces declare a protocol`)];
}

/** Namespaces labelled for injection or running sidecars, system namespaces excluded. */
function meshedNamespaces(snapshot: Snapshot): Set<string> {
  const out = new Set<string>();
  for (const ns of snapshot.list('namespaces')) if (injectionRevision(ns) !== undefined) out.add(ns.metadata.name);
  for (const pod of snapshot.list('pods')) if (hasSidecar(pod)) out.add(pod.metadata.namespace ?? '');
  for (const ns of out) if (isSystemNamespace(ns)) out.delete(ns);
  return out;
}

/** Istio's own Services (label `istio`, or release=istio) are exempt, as in istioctl. */
function isControlPlane(svc: K8sObject): boolean {
  const labels = labelsOf(svc);
  return labels.istio !== undefined || labels.release === 'istio';
}

function portsOf(svc: K8sObject): PortSpec[] {
  return Array.isArray(svc.spec?.ports) ? svc.spec.ports : [];
}

function serviceResult(cluster: string, svc: K8sObject): CheckResult[] {
  const bad = portsOf(svc)
    .map((port, index) => ({ port, index }))
    .filter(({ port }) => declaredProtocol(port) === undefined);
  if (bad.length === 0) return [];
  const describe = bad.map(({ port }) => `${port.port ?? '?'} (${port.name ? `name "${port.name}"` : 'unnamed'}${port.appProtocol ? `, appProtocol "${port.appProtocol}"` : ''})`);
  return [
    {
      status: 'warn',
      summary: `Service ${svc.metadata.namespace}/${svc.metadata.name} port ${listSome(describe)} ${bad.length === 1 ? 'declares' : 'declare'} no protocol Istio knows: the sidecar sniffs it (server-first protocols such as MySQL break, HTTP routing may not apply); name it \`http-…\`, \`grpc-…\`, \`tcp-…\` or set appProtocol`,
      evidence: bad.map(({ port, index }) =>
        evidenceOf(cluster, svc, `spec.ports[${index}]`, `name=${port.name ?? '(none)'} port=${port.port ?? '?'}${port.appProtocol ? ` appProtocol=${port.appProtocol}` : ''}`),
      ),
    },
  ];
}
