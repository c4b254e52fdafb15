// Which checks an alert explains first: playbooks declare the Prometheus alerts they explain
// (`alerts:` in their front-matter) and the checks that confirm them (`checks:`). An alert-triggered
// diagnosis still runs every check, but runs and lists those checks first.

import type { Playbook } from '../playbooks/index.ts';

/** Check ids the playbooks of `alertNames` name, in alert order, then playbook id order; no repeats. */
export function checksForAlerts(playbooks: readonly Pick<Playbook, 'id' | 'alerts' | 'checks'>[], alertNames: readonly string[]): string[] {
  const sorted = [...playbooks].sort((a, b) => a.id.localeCompare(b.id));
  const out: string[] = [];
  for (const name of alertNames) {
    for (const playbook of sorted) {
      if (!playbook.alerts.includes(name)) continue;
      for (const check of playbook.checks) if (!out.includes(check)) out.push(check);
    }
  }
  return out;
}

/** `catalog` with the `leading` ids first (in that order), the rest in catalog order. Unknown ids are ignored. */
export function leadingFirst<T extends { id: string }>(catalog: readonly T[], leading: readonly string[]): T[] {
  const byId = new Map(catalog.map((c) => [c.id, c]));
  const first = leading.map((id) => byId.get(id)).filter((c): c is T => c !== undefined);
  const firstIds = new Set(first.map((c) => c.id));
  return [...first, ...catalog.filter((c) => !firstIds.has(c.id))];
}
