// The write permissions approved fixes need, derived from what each remediation declares it calls
// (`permissions` in src/remediations). Kept apart from the read rules so an operator can deploy
// mesh-medic read-only by leaving this role out.

import { MeshMedicError } from '../domain/errors.ts';
import { findResourceType, resourceName } from '../k8s/resources.ts';
import { SNAPSHOT_KINDS, type SnapshotKind } from '../k8s/snapshot.ts';
import { scopesOf } from './read-rules.ts';
import { REMEDIATION_CATALOG } from './remediation-catalog.ts';
import { RuleSet, type Scope } from './rule-set.ts';
import type { DeclaredPermission, PermissionHolder, RoleSpec } from './types.ts';

export const REMEDIATION_ROLE_NAME = 'mesh-medic-remediate';

/** Verbs no remediation may ask for: they create, delete, replace or escalate. Reads and patch are fine. */
export const FORBIDDEN_VERBS = ['*', 'create', 'delete', 'deletecollection', 'update', 'escalate', 'bind', 'impersonate'];

export function remediationRules(catalog: readonly PermissionHolder[] = REMEDIATION_CATALOG): RoleSpec[] {
  const set = new RuleSet();
  for (const holder of catalog) {
    for (const p of holder.permissions) {
      checkPermission(holder.id, p);
      for (const scope of scopesOfPermission(p)) set.add(scope, p.apiGroup, p.resource, p.verbs);
    }
  }
  return set.toRoles(REMEDIATION_ROLE_NAME);
}

/**
 * Declared namespaces win. Otherwise a kind the read plan confines to namespaces (secrets: only
 * istio-system) is confined the same way: a remediation patches an object a diagnosis found, and
 * a diagnosis never sees that kind anywhere else.
 */
function scopesOfPermission(p: DeclaredPermission): Scope[] {
  if (p.namespaces && p.namespaces.length > 0) return [...p.namespaces];
  const base = p.resource.split('/')[0] ?? p.resource;
  const kind = resourceName({ group: p.apiGroup, plural: base });
  return (SNAPSHOT_KINDS as readonly string[]).includes(kind) ? scopesOf(kind as SnapshotKind) : [undefined];
}

function checkPermission(id: string, p: DeclaredPermission): void {
  const base = p.resource.split('/')[0] ?? p.resource;
  const problem = !findResourceType(p.apiGroup, base)
    ? `names ${p.resource} in API group '${p.apiGroup}', which mesh-medic does not know (src/k8s/resources.ts)`
    : p.verbs.some((v) => FORBIDDEN_VERBS.includes(v))
      ? `asks for ${p.verbs.join(', ')}: remediations may only read (get, list, watch) and patch`
      : undefined;
  if (problem) throw new MeshMedicError('INTERNAL', `remediation ${id}: permission ${problem}`);
}
