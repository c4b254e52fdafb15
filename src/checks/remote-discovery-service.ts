// Seed 002: a remote cluster's proxies reach istiod through istio-system/istiod-remote. Without
// that Service (or with no addresses behind it) they silently use whatever local istiod answers,
// or none at all; Istio's docs say to reinstall with values.global.remotePilotAddress.

import type { Snapshot } from '../k8s/snapshot.ts';
import { endpointSetsOfService } from './lib/addresses.ts';
import { evidenceOf, findObject } from './lib/objects.ts';
import { type Check, type CheckContext, type CheckResult, pass, skipped } from './types.ts';

const NS = 'istio-system';
const NAME = 'istiod-remote';

export const check: Check = {
  id: 'remote-discovery-service',
  title: 'Remote cluster has the istiod-remote Service and endpoints',
  description: 'A remote cluster has Service istio-system/istiod-remote with endpoint addresses, so its proxies can find the control plane.',
  severity: 'critical',
  playbook: 'remote-discovery-service',
  sources: ['002_557e5a8cb0948b31.txt'],
  reads: ['services', 'endpoints', 'endpointslices.discovery.k8s.io'],
  roles: ['remote'],
  run,
};

function run(snapshot: Snapshot, ctx: CheckContext): CheckResult[] {
  const cluster = ctx.cluster.name;
  if (ctx.cluster.role !== 'remote') return [skipped(`${cluster} is a ${ctx.cluster.role} cluster: it does not use istiod-remote`)];
  const service = findObject(snapshot.list('services'), NS, NAME);
  if (!service) {
    return [
      {
        status: 'fail',
        summary: `Remote cluster ${cluster} has no Service ${NS}/${NAME}: its proxies and injector have no address for the control plane ${ctx.cluster.controlPlane ?? ''}`.trimEnd(),
        evidence: [{ cluster, kind: 'Service', namespace: NS, name: NAME, field: 'metadata.name', value: 'not found' }],
      },
    ];
  }
  if (service.spec?.type === 'ExternalName') {
    const target = typeof service.spec?.externalName === 'string' ? service.spec.externalName : '';
    return target
      ? [pass(`${NS}/${NAME} is an ExternalName Service for ${target}`, [evidenceOf(cluster, service, 'spec.externalName', target)])]
      : [{ status: 'fail', summary: `${NS}/${NAME} in ${cluster} is an ExternalName Service with no externalName`, evidence: [evidenceOf(cluster, service, 'spec.externalName', '')] }];
  }
  const sets = endpointSetsOfService(snapshot.list('endpoints'), snapshot.list('endpointslices.discovery.k8s.io'), NS, NAME);
  const ips = [...new Set(sets.flatMap((s) => s.addresses.map((a) => a.ip)))];
  if (ips.length === 0) {
    const evidence = [
      evidenceOf(cluster, service, 'spec.selector', JSON.stringify(service.spec?.selector ?? {})),
      ...(sets.length > 0
        ? sets.map((s) => evidenceOf(cluster, s.object, s.kind === 'Endpoints' ? 'subsets' : 'endpoints', 'no addresses'))
        : [{ cluster, kind: 'Endpoints', namespace: NS, name: NAME, field: 'metadata.name', value: 'not found' }]),
    ];
    return [
      {
        status: 'fail',
        summary: `${NS}/${NAME} in remote cluster ${cluster} has ${sets.length > 0 ? 'no endpoint addresses' : 'no Endpoints or EndpointSlices'}: proxies cannot reach the control plane`,
        evidence,
      },
    ];
  }
  return [
    pass(
      `${NS}/${NAME} exists with endpoint address${ips.length > 1 ? 'es' : ''} ${ips.join(', ')}`,
      sets.map((s) => evidenceOf(cluster, s.object, s.kind === 'Endpoints' ? 'subsets' : 'endpoints', s.addresses.map((a) => a.ip).join(','))),
    ),
  ];
}
