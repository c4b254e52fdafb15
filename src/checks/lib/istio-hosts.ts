// Hosts in Istio config (DestinationRule `host`, VirtualService destinations) and the Kubernetes
// Services they name. Istio expands only a bare short name (`review` in namespace `review` becomes
// `review.review.svc.cluster.local`); anything with a dot is taken literally, so `review.review`
// names no Kubernetes Service even though cluster DNS would resolve it.

import type { K8sObject } from '../../domain/k8s-object.ts';
import { lookupObject } from './lookup.ts';

export type HostRef =
  | { form: 'wildcard'; host: string }
  | { form: 'external'; host: string }
  /** `short`: expanded by Istio; `fqdn`: name.ns.svc.<domain>; `partial`: name.ns[.svc], taken literally by Istio. */
  | { form: 'short' | 'fqdn' | 'partial'; host: string; name: string; namespace: string; domain: string };

export type ServiceHostRef = Extract<HostRef, { name: string }>;

export const DEFAULT_DOMAIN = 'cluster.local';

/** Resolves a host written in config of namespace `namespace`, the way Istio reads it. */
export function resolveHost(host: string, namespace: string): HostRef {
  if (host.startsWith('*')) return { form: 'wildcard', host };
  if (!host.includes('.')) return { form: 'short', host, name: host, namespace, domain: DEFAULT_DOMAIN };
  const fqdn = /^([a-z0-9-]+)\.([a-z0-9-]+)\.svc\.(.+)$/.exec(host);
  if (fqdn) return { form: 'fqdn', host, name: fqdn[1]!, namespace: fqdn[2]!, domain: fqdn[3]! };
  const partial = /^([a-z0-9-]+)\.([a-z0-9-]+)(?:\.svc)?$/.exec(host);
  if (partial) return { form: 'partial', host, name: partial[1]!, namespace: partial[2]! , domain: DEFAULT_DOMAIN };
  return { form: 'external', host };
}

/** The FQDN Envoy uses for a Service host, e.g. `review.review.svc.cluster.local`. */
export function serviceFqdn(ref: ServiceHostRef): string {
  return `${ref.name}.${ref.namespace}.svc.${ref.domain}`;
}

export function sameService(a: HostRef, b: HostRef): boolean {
  return 'name' in a && 'name' in b && a.name === b.name && a.namespace === b.namespace;
}

/** Indexed: a check resolving every DestinationRule's host must not scan every Service each time. */
export function findService(services: K8sObject[], ref: ServiceHostRef): K8sObject | undefined {
  return lookupObject(services, ref.namespace, ref.name);
}

/** One place a VirtualService sends traffic: `spec.http[0].route[1].destination`, host, subset. */
export interface RouteDestination {
  vs: K8sObject;
  field: string;
  host: string;
  subset?: string;
  port?: number;
}

const ROUTE_SECTIONS = ['http', 'tls', 'tcp'] as const;

function asArray(v: unknown): Record<string, unknown>[] {
  return Array.isArray(v) ? v.filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null) : [];
}

function destinationOf(vs: K8sObject, field: string, dest: unknown): RouteDestination | undefined {
  if (typeof dest !== 'object' || dest === null) return undefined;
  const d = dest as { host?: unknown; subset?: unknown; port?: { number?: unknown } };
  if (typeof d.host !== 'string') return undefined;
  return {
    vs,
    field,
    host: d.host,
    ...(typeof d.subset === 'string' && d.subset ? { subset: d.subset } : {}),
    ...(typeof d.port?.number === 'number' ? { port: d.port.number } : {}),
  };
}

/** Every destination of every route (and mirror) of a VirtualService, with its field path. */
export function routeDestinations(vs: K8sObject): RouteDestination[] {
  const out: RouteDestination[] = [];
  for (const section of ROUTE_SECTIONS) {
    asArray(vs.spec?.[section]).forEach((rule, i) => {
      asArray(rule.route).forEach((route, j) => {
        const d = destinationOf(vs, `spec.${section}[${i}].route[${j}].destination`, route.destination);
        if (d) out.push(d);
      });
      const mirror = destinationOf(vs, `spec.${section}[${i}].mirror`, rule.mirror);
      if (mirror) out.push(mirror);
    });
  }
  return out;
}

/** Destinations across VirtualServices that send traffic to `subset` of the Service `target`. */
export function routesToSubset(virtualServices: K8sObject[], target: HostRef, subset: string): RouteDestination[] {
  return virtualServices.flatMap((vs) =>
    routeDestinations(vs).filter(
      (d) => d.subset === subset && sameService(resolveHost(d.host, vs.metadata.namespace ?? ''), target),
    ),
  );
}
