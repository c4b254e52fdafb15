// The shipped playbooks load, validate strictly and agree with the check table of issue 3.

import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECKS } from '../../src/checks/index.ts';
import { loadCatalogPlaybooks } from '../../src/engine/catalog.ts';
import {
  excerptFor,
  findPlaybook,
  loadPlaybooks,
  PLAYBOOKS_DIR,
  renderPlaybookText,
  validateCatalog,
} from '../../src/playbooks/index.ts';

const SEEDS = [
  '000_027c005dae3c2be1.txt',
  '001_c88ccf11a5ff41e7.txt',
  '002_557e5a8cb0948b31.txt',
  '003_87f8f8ea8e0ba1af.txt',
  '004_1361aa5f45758706.txt',
];
const REMEDIATIONS = [
  'label-istio-system-network',
  'add-subset-label',
  'point-istiod-remote',
  'hold-app-until-proxy',
  'label-remote-secret',
  'restart-gateway',
];

// Where each remediation is the fix a playbook proposes first (the others say "None" first, or
// mention a remediation only as a follow-up).
const PRIMARY_REMEDIATION: Record<string, string> = {
  'hosted-control-plane-address': 'point-istiod-remote',
  'remote-discovery-service': 'point-istiod-remote',
  'gateway-readiness': 'restart-gateway',
  'remote-secrets': 'label-remote-secret',
  'network-labels': 'label-istio-system-network',
  'subset-no-endpoints': 'add-subset-label',
  'app-starts-before-proxy': 'hold-app-until-proxy',
};

describe('shipped playbooks', () => {
  const playbooks = loadPlaybooks();

  it('has exactly one playbook per playbook id of the check table', () => {
    const expected = [...new Set(CHECKS.map((c) => c.playbook))].sort();
    expect(playbooks.map((p) => p.id)).toEqual(expected);
  });

  it('agrees with the check catalog in both directions', () => {
    expect(validateCatalog(playbooks, CHECKS)).toEqual([]);
    expect(loadCatalogPlaybooks().map((p) => p.id)).toEqual(playbooks.map((p) => p.id));
  });

  it('refuses to start with a catalog whose check names a missing playbook', () => {
    const broken = CHECKS.map((c) => (c.id === 'cluster-access' ? { ...c, playbook: 'no-such-playbook' } : c));
    expect(() => loadCatalogPlaybooks(broken)).toThrow(/cluster-access.*no-such-playbook|no-such-playbook.*cluster-access/);
  });

  it('cites only the five seed files, and every seed is cited somewhere', () => {
    const cited = new Set(playbooks.flatMap((p) => p.sources));
    for (const source of cited) expect(SEEDS).toContain(source);
    expect([...cited].sort()).toEqual(SEEDS);
  });

  it('opens each automated fix with the remediation that applies, or with "None"', () => {
    const opening = (text: string) => /^`([a-z-]+)`/.exec(text)?.[1] ?? (text.startsWith('None') ? null : 'other');
    const actual = Object.fromEntries(playbooks.map((p) => [p.id, opening(p.sections.automatedFix)]));
    expect(actual).toEqual({ ...Object.fromEntries(playbooks.map((p) => [p.id, null])), ...PRIMARY_REMEDIATION });
    for (const id of Object.values(PRIMARY_REMEDIATION)) expect(REMEDIATIONS).toContain(id);
  });

  it('gives every playbook exact kubectl commands to confirm it', () => {
    for (const p of playbooks) {
      expect({ id: p.id, hasKubectl: /```bash\n[\s\S]*kubectl /.test(p.sections.confirm) }).toEqual({
        id: p.id,
        hasKubectl: true,
      });
    }
  });

  it('points at files inside the playbooks directory', () => {
    for (const p of playbooks) expect(p.path).toBe(join(PLAYBOOKS_DIR, `${p.id}.md`));
    expect(PLAYBOOKS_DIR).toBe(resolve(import.meta.dirname, '../../playbooks'));
  });

  it('quotes a passage from every playbook within the default budget', () => {
    for (const p of playbooks) {
      const excerpt = excerptFor(p);
      expect(excerpt.length).toBeLessThanOrEqual(1200);
      expect(excerpt.startsWith(p.sections.why.split('\n\n')[0]!)).toBe(true);
      // An excerpt never ends inside a code block.
      expect((excerpt.match(/^\s*```/gm) ?? []).length % 2).toBe(0);
    }
  });

  it('renders the subset playbook for a terminal without markdown fences', () => {
    const text = renderPlaybookText(findPlaybook(playbooks, 'subset-no-endpoints')!);
    expect(text).toContain('DestinationRule subset selects no ready pod');
    for (const heading of ['SYMPTOMS', 'WHY IT HAPPENS', 'CONFIRM', 'FIX', 'AUTOMATED FIX']) {
      expect(text).toContain(`\n${heading}\n`);
    }
    expect(text).not.toContain('```');
    expect(text).toContain('outbound|80|v1|review.review.svc.cluster.local');
    expect(text).toMatch(/\n {7}kubectl --context <cluster> -n <ns> get svc <service>/);
  });
});
