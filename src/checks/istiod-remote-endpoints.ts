// Seeds 000 and 001: a remote cluster's proxies find istiod through the selector-less Service
// istio-system/istiod-remote, whose Endpoints someone wrote by hand (chart or mesh manager).
// When they hold a Pod IP of another cluster (000), or the LoadBalancer IP where the pod IP is
// needed (001, co-located), every proxy times out dialing 15012 and never becomes Ready.

import type { Evidence, RemediationProposal } from '../domain/finding.ts';
import type { K8sObject } from '../domain/k8s-object.ts';
import type { Snapshot } from '../k8s/snapshot.ts';
import { describeAddress, type EndpointSet, endpointSetsOfService } from './lib/addresses.ts';
import { type ExpectedAddress, expectedControlPlaneAddress } from './lib/control-plane-address.ts';
import { evidenceOf, findObject } from './lib/objects.ts';
import { type Check, type CheckContext, type CheckResult, pass, skipped } from './types.ts';

const NS = 'istio-system';
const NAME = 'istiod-remote';
export const ISTIOD_PORTS = [
  { name: 'tcp-istiod', port: 15012 },
  { name: 'tcp-webhook', port: 15017 },
] as const;

export const check: Check = {
  id: 'istiod-remote-endpoints',
  title: 'istiod-remote endpoints point at the control plane',
  description:
    'Endpoints/EndpointSlices of istio-system/istiod-remote in a remote cluster hold the address of its control plane (hosted-lb LoadBalancer IP, east-west gateway, or co-located hosted istiod pod IP) on ports 15012 and 15017.',
  severity: 'critical',
  playbook: 'hosted-control-plane-address',
  sources: ['000_027c005dae3c2be1.txt', '001_c88ccf11a5ff41e7.txt'],
  reads: ['services', 'endpoints', 'endpointslices.discovery.k8s.io', 'pods'],
  peerReads: ['services', 'pods'],
  roles: ['remote'],
  run,
};

function run(snapshot: Snapshot, ctx: CheckContext): CheckResult[] {
  if (ctx.cluster.role !== 'remote') return [skipped(`${ctx.cluster.name} is a ${ctx.cluster.role} cluster: it runs its own istiod`)];
  const service = findObject(snapshot.list('services'), NS, NAME);
  const sets = endpointSetsOfService(snapshot.list('endpoints'), snapshot.list('endpointslices.discovery.k8s.io'), NS, NAME);
  const expectation = expectedControlPlaneAddress(snapshot, ctx);
  if (!expectation.ok) return [expectation.result];
  const expected = expectation.expected;
  if (service?.spec?.type === 'ExternalName') return [checkExternalName(ctx, service, expected)];
  if (!sets.some((s) => s.addresses.length > 0)) {
    return [skipped(`${NS}/${NAME} has no endpoint addresses to verify (remote-discovery-service reports that)`)];
  }
  return [verify(ctx, sets, expected)];
}

function checkExternalName(ctx: CheckContext, service: K8sObject, expected: ExpectedAddress): CheckResult {
  const target = String(service.spec?.externalName ?? '');
  const evidence = [evidenceOf(ctx.cluster.name, service, 'spec.externalName', target), ...expected.evidence];
  if (expected.ips.includes(target) || expected.hostnames.includes(target)) {
    return pass(`${NS}/${NAME} (ExternalName) points at ${target}, ${expected.description}`, evidence);
  }
  return {
    status: 'fail',
    summary: `${NS}/${NAME} in ${ctx.cluster.name} is an ExternalName for ${target || '(empty)'}, not ${expected.description}: proxies cannot reach istiod`,
    evidence,
  };
}

interface SetProblem {
  set: EndpointSet;
  wrongIps: string[];
  missingPorts: number[];
}

function problemsOf(set: EndpointSet, expected: ExpectedAddress): SetProblem {
  const wrongIps = [...new Set(set.addresses.map((a) => a.ip))].filter((ip) => !expected.ips.includes(ip));
  const ports = new Set(set.ports.map((p) => p.port));
  const missingPorts = ISTIOD_PORTS.map((p) => p.port).filter((p) => !ports.has(p));
  return { set, wrongIps, missingPorts };
}

function verify(ctx: CheckContext, sets: EndpointSet[], expected: ExpectedAddress): CheckResult {
  const withAddresses = sets.filter((s) => s.addresses.length > 0);
  const problems = withAddresses.map((s) => problemsOf(s, expected)).filter((p) => p.wrongIps.length > 0 || p.missingPorts.length > 0);
  if (problems.length === 0) {
    const ips = [...new Set(withAddresses.flatMap((s) => s.addresses.map((a) => a.ip)))];
    return pass(
      `${NS}/${NAME} endpoints point at ${ips.join(', ')}, ${expected.description}, on ports 15012 and 15017`,
      [...withAddresses.map((s) => setEvidence(ctx, s)), ...expected.evidence],
    );
  }
  return {
    status: 'fail',
    summary: failSummary(ctx, problems, expected),
    evidence: [...problems.flatMap((p) => problemEvidence(ctx, p, expected)), ...expected.evidence],
    remediation: proposal(ctx, problems, expected),
  };
}

function failSummary(ctx: CheckContext, problems: SetProblem[], expected: ExpectedAddress): string {
  const wrong = [...new Set(problems.flatMap((p) => p.wrongIps))];
  const missing = [...new Set(problems.flatMap((p) => p.missingPorts))];
  const parts: string[] = [];
  if (wrong.length > 0) {
    parts.push(`point at ${wrong.map((ip) => describeAddress(ip, expected.books).replace(/ is /, ', ')).join('; ')}, not at ${expected.description}`);
  }
  if (missing.length > 0) parts.push(`lack port${missing.length > 1 ? 's' : ''} ${missing.join(' and ')}`);
  const where = problems.map((p) => p.set.kind).filter((k, i, a) => a.indexOf(k) === i).join(' and ');
  return `${NS}/${NAME} ${where} in ${ctx.cluster.name} ${parts.join(' and ')}: proxies there cannot reach istiod`;
}

function setEvidence(ctx: CheckContext, set: EndpointSet): Evidence {
  const field = set.kind === 'Endpoints' ? 'subsets' : 'endpoints';
  const value = `${set.addresses.map((a) => a.ip).join(',')} ports ${set.ports.map((p) => p.port).join(',')}`;
  return evidenceOf(ctx.cluster.name, set.object, field, value);
}

function problemEvidence(ctx: CheckContext, p: SetProblem, expected: ExpectedAddress): Evidence[] {
  const out: Evidence[] = [];
  const field = p.set.kind === 'Endpoints' ? 'subsets[].addresses[].ip' : 'endpoints[].addresses[]';
  for (const ip of p.wrongIps) {
    out.push(evidenceOf(ctx.cluster.name, p.set.object, field, `${describeAddress(ip, expected.books)}, not ${expected.description}`));
  }
  if (p.missingPorts.length > 0) {
    const ports = p.set.ports.map((x) => (x.name ? `${x.port} (${x.name})` : String(x.port))).join(', ') || 'none';
    out.push(evidenceOf(ctx.cluster.name, p.set.object, 'ports', `${ports}; missing ${p.missingPorts.join(', ')}`));
  }
  return out;
}

/** Only the Endpoints object is patched: the EndpointSlice mirroring controller follows it. */
function proposal(ctx: CheckContext, problems: SetProblem[], expected: ExpectedAddress): RemediationProposal | null {
  const ep = problems.find((p) => p.set.kind === 'Endpoints')?.set.object;
  const resourceVersion = ep?.metadata.resourceVersion;
  if (!ep || !resourceVersion || expected.ips.length === 0) return null;
  return {
    id: 'point-istiod-remote',
    target: { cluster: ctx.cluster.name, apiVersion: 'v1', kind: 'Endpoints', namespace: NS, name: NAME, resourceVersion },
    patchType: 'merge',
    patch: {
      subsets: [
        {
          addresses: expected.ips.map((ip) => ({ ip })),
          ports: ISTIOD_PORTS.map((p) => ({ name: p.name, port: p.port, protocol: 'TCP' })),
        },
      ],
    },
    reason:
      `Point ${NS}/${NAME} at ${expected.description} on ports 15012 (tcp-istiod) and 15017 (tcp-webhook), then restart the gateways so they reconnect. ` +
      'Whatever wrote these Endpoints (the mesh operator or the Istio chart) may reconcile them back: the durable fix is the mesh\'s control-plane address setting ' +
      '(Istio values.global.remotePilotAddress, or the managed mesh\'s control-plane address) set to the same address.',
  };
}
