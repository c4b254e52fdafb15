// The remediation catalog and the pure parts of plans: the catalog is explicit and consistent
// with the checks and the playbooks' "Automated fix" sections (which tell approvers what a fix
// does), and field changes turn into exactly the patches, preconditions and diffs users see.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECKS_BY_ID } from '../../src/checks/index.ts';
import { PLAYBOOKS_DIR } from '../../src/playbooks/index.ts';
import { describeChange, driftedChanges, mergePatchOf, reversed, sameValue, withPrecondition } from '../../src/remediations/changes.ts';
import { REMEDIATIONS, REMEDIATIONS_BY_ID } from '../../src/remediations/index.ts';
import type { FieldChange } from '../../src/remediations/types.ts';

function automatedFixSection(playbook: string): string {
  const text = readFileSync(join(PLAYBOOKS_DIR, `${playbook}.md`), 'utf8');
  const start = text.indexOf('## Automated fix');
  expect(start, `${playbook}.md has no "## Automated fix" section`).toBeGreaterThanOrEqual(0);
  const end = text.indexOf('\n## ', start + 3);
  return text.slice(start, end < 0 ? undefined : end);
}

describe('catalog', () => {
  it('is alphabetical, unique, and holds the six remediations of issue 5', () => {
    const ids = REMEDIATIONS.map((r) => r.id);
    expect(ids).toEqual([...ids].sort());
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(['add-subset-label', 'hold-app-until-proxy', 'label-istio-system-network', 'label-remote-secret', 'point-istiod-remote', 'restart-gateway']);
    expect([...REMEDIATIONS_BY_ID.keys()]).toEqual(ids);
  });

  it('answers real checks whose playbooks describe the fix under "Automated fix"', () => {
    for (const r of REMEDIATIONS) {
      expect(r.answers.length, r.id).toBeGreaterThan(0);
      for (const checkId of r.answers) {
        const check = CHECKS_BY_ID.get(checkId);
        expect(check, `${r.id} answers unknown check ${checkId}`).toBeDefined();
        expect(automatedFixSection(check!.playbook), `${check!.playbook}.md does not describe ${r.id}`).toContain(`\`${r.id}\``);
      }
    }
  });

  it('declares patch (and nothing broader than get/list/patch) on the kinds it changes', () => {
    for (const r of REMEDIATIONS) {
      expect(r.permissions.some((p) => p.verbs.includes('patch')), r.id).toBe(true);
      for (const p of r.permissions) expect(p.verbs.every((v) => ['get', 'list', 'patch'].includes(v)), `${r.id}: ${p.verbs}`).toBe(true);
    }
    expect(REMEDIATIONS_BY_ID.get('label-remote-secret')?.permissions).toEqual([{ apiGroup: '', resource: 'secrets', verbs: ['get', 'patch'], namespaces: ['istio-system'] }]);
  });
});

describe('field changes', () => {
  const changes: FieldChange[] = [
    { path: ['spec', 'template', 'metadata', 'labels', 'version'], before: undefined, after: 'v1' },
    { path: ['spec', 'template', 'metadata', 'annotations', 'proxy.istio.io/config'], before: 'a: 1\n', after: 'a: 1\nholdApplicationUntilProxyStarts: true\n' },
    { path: ['subsets'], before: [{ addresses: [{ ip: '10.0.0.1' }] }], after: [{ addresses: [{ ip: '10.0.0.2' }] }] },
  ];

  it('become a merge patch forward, and a merge patch removing what was absent backward', () => {
    expect(mergePatchOf(changes, 'after')).toEqual({
      spec: { template: { metadata: { labels: { version: 'v1' }, annotations: { 'proxy.istio.io/config': 'a: 1\nholdApplicationUntilProxyStarts: true\n' } } } },
      subsets: [{ addresses: [{ ip: '10.0.0.2' }] }],
    });
    expect(mergePatchOf(changes, 'before')).toEqual({
      spec: { template: { metadata: { labels: { version: null }, annotations: { 'proxy.istio.io/config': 'a: 1\n' } } } },
      subsets: [{ addresses: [{ ip: '10.0.0.1' }] }],
    });
    expect(mergePatchOf(reversed(changes), 'after')).toEqual(mergePatchOf(changes, 'before'));
  });

  it('carry the resourceVersion precondition in every patch type', () => {
    expect(withPrecondition('merge', { metadata: { labels: { a: 'b' } } }, '7')).toEqual({ metadata: { labels: { a: 'b' }, resourceVersion: '7' } });
    expect(withPrecondition('strategic', { spec: {} }, '7')).toEqual({ spec: {}, metadata: { resourceVersion: '7' } });
    expect(withPrecondition('json', [{ op: 'add', path: '/x', value: 1 }], '7')).toEqual([
      { op: 'test', path: '/metadata/resourceVersion', value: '7' },
      { op: 'add', path: '/x', value: 1 },
    ]);
  });

  it('read as before → after, with label keys that contain dots or slashes bracketed', () => {
    expect(changes.map(describeChange)).toEqual([
      'spec.template.metadata.labels.version: (absent) → "v1"',
      `spec.template.metadata.annotations['proxy.istio.io/config']: "a: 1\\n" → "a: 1\\nholdApplicationUntilProxyStarts: true\\n"`,
      'subsets: [{"addresses":[{"ip":"10.0.0.1"}]}] → [{"addresses":[{"ip":"10.0.0.2"}]}]',
    ]);
  });

  it('detect drift: fields no longer holding the value a side expects', () => {
    const obj = { spec: { template: { metadata: { labels: { version: 'v2' }, annotations: { 'proxy.istio.io/config': 'a: 1\nholdApplicationUntilProxyStarts: true\n' } } } }, subsets: [{ addresses: [{ ip: '10.0.0.2' }] }] };
    expect(driftedChanges(obj, changes, 'after').map((c) => c.path.at(-1))).toEqual(['version']);
    expect(sameValue(undefined, null)).toBe(true);
    expect(sameValue({ a: 1, b: [1, 2] }, { b: [1, 2], a: 1 })).toBe(true);
    expect(sameValue([1, 2], [2, 1])).toBe(false);
  });
});
