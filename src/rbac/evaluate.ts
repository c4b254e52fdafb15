// A small RBAC authorizer, following Kubernetes' rbac.authorization.k8s.io semantics closely
// enough to answer "would these manifests let mesh-medic make this call?" in tests: bindings grant
// a role's rules to a subject; a ClusterRoleBinding grants them everywhere, a RoleBinding only in
// its own namespace (whether it names a Role or a ClusterRole).

import type { K8sObject } from '../domain/k8s-object.ts';
import type { PolicyRule, ServiceAccountRef } from './types.ts';

/** A resource request as the API server's RequestInfo describes it (and the sandbox logs it). */
export interface ResourceRequest {
  verb: string;
  /** '' for the core group. */
  group: string;
  resource: string;
  subresource?: string;
  /** Absent for cluster-scoped objects and for lists across all namespaces. */
  namespace?: string;
  name?: string;
}

/** Rules a subject holds, and where: `namespace` undefined means every namespace. */
export interface Grant {
  rules: PolicyRule[];
  namespace?: string;
  /** `Kind/name` of the role, for messages. */
  from: string;
}

/**
 * Kubernetes' built-in `system:discovery` ClusterRole, bound to every authenticated user: why
 * discovery and OpenAPI reads need nothing from mesh-medic's own roles.
 */
export const SYSTEM_DISCOVERY_RULES: PolicyRule[] = [
  {
    nonResourceURLs: ['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/openapi', '/openapi/*', '/readyz', '/version', '/version/'],
    verbs: ['get'],
  },
];

interface Subject {
  kind?: string;
  name?: string;
  namespace?: string;
}

function bindsSubject(binding: K8sObject, sa: ServiceAccountRef): boolean {
  const subjects = Array.isArray(binding.subjects) ? (binding.subjects as Subject[]) : [];
  return subjects.some(
    (s) => s.kind === 'ServiceAccount' && s.name === sa.name && (s.namespace ?? binding.metadata.namespace) === sa.namespace,
  );
}

function rulesOf(objects: readonly K8sObject[], kind: string, name: string, namespace?: string): PolicyRule[] {
  const role = objects.find(
    (o) => o.kind === kind && o.metadata.name === name && (kind === 'ClusterRole' || o.metadata.namespace === namespace),
  );
  return Array.isArray(role?.rules) ? (role.rules as PolicyRule[]) : [];
}

/** What `sa` may do according to the ClusterRoles, Roles and bindings among `objects`. */
export function grantsFor(objects: readonly K8sObject[], sa: ServiceAccountRef): Grant[] {
  const grants: Grant[] = [];
  for (const b of objects) {
    if ((b.kind !== 'ClusterRoleBinding' && b.kind !== 'RoleBinding') || !bindsSubject(b, sa)) continue;
    const ref = b.roleRef as { kind?: string; name?: string } | undefined;
    if (!ref?.kind || !ref.name) continue;
    const namespace = b.kind === 'RoleBinding' ? b.metadata.namespace : undefined;
    const rules = rulesOf(objects, ref.kind, ref.name, namespace);
    grants.push(namespace === undefined ? { rules, from: `${ref.kind}/${ref.name}` } : { rules, namespace, from: `${ref.kind}/${ref.name}` });
  }
  return grants;
}

const has = (list: readonly string[] | undefined, value: string): boolean => Boolean(list?.includes('*') || list?.includes(value));

function resourceMatches(rule: PolicyRule, req: ResourceRequest): boolean {
  const combined = req.subresource ? `${req.resource}/${req.subresource}` : req.resource;
  return (rule.resources ?? []).some(
    (r) => r === '*' || r === combined || (req.subresource !== undefined && r === `*/${req.subresource}`),
  );
}

export function ruleAllows(rule: PolicyRule, req: ResourceRequest): boolean {
  if (!has(rule.verbs, req.verb) || !has(rule.apiGroups, req.group) || !resourceMatches(rule, req)) return false;
  if (!rule.resourceNames?.length) return true;
  return req.name !== undefined && rule.resourceNames.includes(req.name);
}

/** The grant that allows `req`, or undefined when none does. */
export function allowingGrant(grants: readonly Grant[], req: ResourceRequest): Grant | undefined {
  return grants.find(
    (g) => (g.namespace === undefined || g.namespace === req.namespace) && g.rules.some((r) => ruleAllows(r, req)),
  );
}

export function isAllowed(grants: readonly Grant[], req: ResourceRequest): boolean {
  return allowingGrant(grants, req) !== undefined;
}

/** Non-resource URLs (discovery, /version, OpenAPI): a rule's URL matches exactly or by `prefix*`. */
export function nonResourceAllowed(rules: readonly PolicyRule[], verb: string, path: string): boolean {
  return rules.some(
    (r) =>
      has(r.verbs, verb) &&
      (r.nonResourceURLs ?? []).some((u) => u === '*' || u === path || (u.endsWith('*') && path.startsWith(u.slice(0, -1)))),
  );
}

/** `list secrets in istio-system`, `get pods/log in review/review-v1-abc`: for failure messages. */
export function describeRequest(req: ResourceRequest): string {
  const resource = `${req.subresource ? `${req.resource}/${req.subresource}` : req.resource}${req.group ? `.${req.group}` : ''}`;
  const where = req.namespace ? ` in namespace ${req.namespace}` : ' (all namespaces / cluster-scoped)';
  return `${req.verb} ${resource}${req.name ? ` ${req.name}` : ''}${where}`;
}
