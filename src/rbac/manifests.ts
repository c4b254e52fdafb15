// Roles and their bindings as Kubernetes manifests, and as the YAML `mesh-medic rbac` prints and
// deploy/kubernetes/rbac/ commits (byte for byte: a test compares them).

import { stringify } from 'yaml';
import type { K8sObject } from '../domain/k8s-object.ts';
import type { PolicyRule, RoleSpec, ServiceAccountRef } from './types.ts';

const RBAC_API = 'rbac.authorization.k8s.io/v1';
const LABELS = { 'app.kubernetes.io/name': 'mesh-medic', 'app.kubernetes.io/part-of': 'mesh-medic' };

function meta(name: string, namespace?: string): K8sObject['metadata'] {
  return namespace ? { name, namespace, labels: { ...LABELS } } : { name, labels: { ...LABELS } };
}

export function roleManifest(role: RoleSpec): K8sObject {
  return { apiVersion: RBAC_API, kind: role.kind, metadata: meta(role.name, role.namespace), rules: role.rules.map(ruleYaml) };
}

/** ClusterRole -> ClusterRoleBinding; Role -> RoleBinding in the Role's namespace. */
export function bindingManifest(role: RoleSpec, subject: ServiceAccountRef): K8sObject {
  return {
    apiVersion: RBAC_API,
    kind: role.kind === 'ClusterRole' ? 'ClusterRoleBinding' : 'RoleBinding',
    metadata: meta(role.name, role.namespace),
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: role.kind, name: role.name },
    subjects: [{ kind: 'ServiceAccount', name: subject.name, namespace: subject.namespace }],
  };
}

/** Each role followed by its binding. */
export function rbacManifests(roles: readonly RoleSpec[], subject: ServiceAccountRef): K8sObject[] {
  return roles.flatMap((r) => [roleManifest(r), bindingManifest(r, subject)]);
}

export interface RenderOptions {
  subject: ServiceAccountRef;
  /** Comment lines (without `# `) put before the first document. */
  header: string[];
}

export function renderRbacYaml(roles: readonly RoleSpec[], opts: RenderOptions): string {
  const head = opts.header.map((line) => (line ? `# ${line}` : '#')).join('\n');
  const docs = rbacManifests(roles, opts.subject).map((m) => stringify(m, { lineWidth: 0 }));
  return `${head}\n${docs.map((d) => `---\n${d}`).join('')}`;
}

/** Key order as kubectl prints rules (groups, resources, names, verbs); empty lists left out. */
function ruleYaml(rule: PolicyRule): PolicyRule {
  const out: Partial<PolicyRule> = {};
  if (rule.apiGroups) out.apiGroups = rule.apiGroups;
  if (rule.resources) out.resources = rule.resources;
  if (rule.resourceNames?.length) out.resourceNames = rule.resourceNames;
  if (rule.nonResourceURLs?.length) out.nonResourceURLs = rule.nonResourceURLs;
  return { ...out, verbs: rule.verbs };
}
