// RBAC derived from the code: what diagnoses read and what approved fixes patch.

export { allowingGrant, describeRequest, type Grant, grantsFor, isAllowed, nonResourceAllowed, type ResourceRequest, ruleAllows, SYSTEM_DISCOVERY_RULES } from './evaluate.ts';
export { RBAC_DIR, type RbacPart, rbacFiles, READ_FILE, REMEDIATION_FILE, renderRbacPart } from './files.ts';
export { bindingManifest, rbacManifests, renderRbacYaml, roleManifest } from './manifests.ts';
export { kindsReadBy, READ_ROLE_NAME, READ_VERBS, readRules } from './read-rules.ts';
export { FORBIDDEN_VERBS, REMEDIATION_ROLE_NAME, remediationRules } from './remediation-rules.ts';
export { IN_CLUSTER_SERVICE_ACCOUNT, type DeclaredPermission, type PermissionHolder, type PolicyRule, type RoleSpec, type ServiceAccountRef } from './types.ts';
