// Collects (scope, apiGroup, resource, verbs) grants and turns them into the fewest readable
// roles: one ClusterRole for cluster-wide grants, one Role per namespace for narrower ones, rules
// grouped by API group and verb set, everything sorted so the rendered YAML is stable.

import type { PolicyRule, RoleSpec } from './types.ts';

/** `undefined` = every namespace (and cluster-scoped resources). */
export type Scope = string | undefined;

export class RuleSet {
  // scope key ('' = cluster-wide) -> "group\0resource" -> verbs
  private readonly grants = new Map<string, Map<string, Set<string>>>();

  add(scope: Scope, apiGroup: string, resource: string, verbs: readonly string[]): void {
    const key = scope ?? '';
    let byResource = this.grants.get(key);
    if (!byResource) {
      byResource = new Map();
      this.grants.set(key, byResource);
    }
    const id = `${apiGroup}\0${resource}`;
    const set = byResource.get(id) ?? new Set<string>();
    for (const v of verbs) set.add(v);
    byResource.set(id, set);
  }

  /** A ClusterRole `name` (if anything is cluster-wide) and a Role `name` per namespace. */
  toRoles(name: string): RoleSpec[] {
    const roles: RoleSpec[] = [];
    const cluster = this.grants.get('');
    if (cluster) roles.push({ kind: 'ClusterRole', name, rules: rulesOf(cluster) });
    const namespaces = [...this.grants.keys()].filter((k) => k !== '').sort();
    for (const namespace of namespaces) {
      const narrower = withoutClusterWide(this.grants.get(namespace)!, cluster);
      if (narrower.size > 0) roles.push({ kind: 'Role', name, namespace, rules: rulesOf(narrower) });
    }
    return roles;
  }
}

/** A namespace's grants minus the verbs the ClusterRole already grants everywhere. */
function withoutClusterWide(byResource: Map<string, Set<string>>, cluster?: Map<string, Set<string>>): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const [id, verbs] of byResource) {
    const rest = new Set([...verbs].filter((v) => !cluster?.get(id)?.has(v)));
    if (rest.size > 0) out.set(id, rest);
  }
  return out;
}

/** One rule per (API group, verb set), resources sorted; core group first. */
function rulesOf(byResource: Map<string, Set<string>>): PolicyRule[] {
  const rules = new Map<string, PolicyRule>();
  for (const [id, verbSet] of byResource) {
    const [apiGroup, resource] = id.split('\0') as [string, string];
    const verbs = [...verbSet].sort();
    const key = `${apiGroup}\0${verbs.join(',')}`;
    const rule = rules.get(key) ?? { apiGroups: [apiGroup], resources: [], verbs };
    rule.resources!.push(resource);
    rules.set(key, rule);
  }
  const sorted = [...rules.entries()].sort(([a], [b]) => compareKeys(a, b)).map(([, r]) => r);
  for (const r of sorted) r.resources!.sort();
  return sorted;
}

function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
