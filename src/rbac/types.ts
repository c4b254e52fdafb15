// Kubernetes RBAC objects as mesh-medic derives, renders and evaluates them (rbac.authorization.k8s.io/v1).

export interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  verbs: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

/** A ClusterRole (applies wherever it is bound) or a Role (only in its namespace). */
export interface RoleSpec {
  kind: 'ClusterRole' | 'Role';
  name: string;
  /** Required for a Role, absent for a ClusterRole. */
  namespace?: string;
  rules: PolicyRule[];
}

export interface ServiceAccountRef {
  namespace: string;
  name: string;
}

/** What a remediation declares it calls: e.g. `{ apiGroup: 'apps', resource: 'deployments', verbs: ['get', 'patch'] }`. */
export interface DeclaredPermission {
  apiGroup: string;
  resource: string;
  verbs: readonly string[];
  /** When set, the calls stay inside these namespaces (a Role there is enough). */
  namespaces?: readonly string[];
}

export interface PermissionHolder {
  id: string;
  permissions: readonly DeclaredPermission[];
}

/** The service account the manifests in deploy/kubernetes run as. */
export const IN_CLUSTER_SERVICE_ACCOUNT: ServiceAccountRef = { namespace: 'mesh-medic', name: 'mesh-medic' };
