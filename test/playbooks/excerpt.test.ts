// The passage a finding quotes: first paragraph of "Why it happens", then the Fix, cut cleanly.

import { describe, expect, it } from 'vitest';
import { excerptFor, type Playbook, trimAtBoundary } from '../../src/playbooks/index.ts';

function withSections(why: string, fix: string): Playbook {
  const sections = { symptoms: 's', why, confirm: 'c', fix, automatedFix: 'a' };
  return { id: 'x', title: 'X', checks: ['c'], alerts: [], sources: [], sections, path: '/x.md' };
}

const WHY = 'The subset selects no pod. Envoy answers 503 UH.\n\nSecond paragraph that must not be quoted.';
const FIX = [
  '1. Add the label to the pod template.',
  '',
  '   ```bash',
  '   kubectl -n shop patch deploy cart --type merge -p \'{"spec":{"template":{"metadata":{"labels":{"version":"v1"}}}}}\'',
  '   kubectl -n shop rollout status deploy/cart',
  '   ```',
  '',
  '2. Commit the change to the manifests. Otherwise the next deploy removes it again.',
].join('\n');

describe('excerptFor', () => {
  it('quotes the first paragraph of "Why it happens" and the whole Fix when it fits', () => {
    const excerpt = excerptFor(withSections(WHY, FIX));
    expect(excerpt).toBe(`The subset selects no pod. Envoy answers 503 UH.\n\n${FIX}`);
    expect(excerpt).not.toContain('Second paragraph');
  });

  it('cuts at a sentence end and marks the cut', () => {
    const excerpt = excerptFor(withSections(WHY, FIX), { maxChars: FIX.length + 40 });
    expect(excerpt.endsWith('Commit the change to the manifests. …')).toBe(true);
    expect(excerpt.length).toBeLessThanOrEqual(FIX.length + 40);
  });

  it('never cuts inside a code block: it drops the whole block instead', () => {
    const excerpt = excerptFor(withSections(WHY, FIX), { maxChars: 150 });
    expect(excerpt).toBe('The subset selects no pod. Envoy answers 503 UH.\n\n1. Add the label to the pod template.\n…');
  });

  it('keeps a closing fence alone on its line when the cut falls right after a block', () => {
    const cut = FIX.indexOf('2. Commit');
    const excerpt = excerptFor(withSections('Why.', FIX), { maxChars: 'Why.\n\n'.length + cut + 2 });
    expect(excerpt.endsWith('   ```\n…')).toBe(true);
  });

  it('respects the budget on a long sentence by cutting at a space', () => {
    const long = `${'word '.repeat(100)}end.`;
    const excerpt = trimAtBoundary(long, 60);
    expect(excerpt.length).toBeLessThanOrEqual(60);
    expect(excerpt).toMatch(/^(word )+…$/);
  });

  it('does not treat list numbers or abbreviations as sentence ends', () => {
    const text = '1. Set it, e.g. with the console or the chart values of the remote profile, then apply it.';
    const excerpt = trimAtBoundary(`${text} Then wait.`, text.length + 3);
    expect(excerpt).toBe(`${text} …`);
  });

  it('returns short text unchanged', () => {
    expect(trimAtBoundary('Short.', 1200)).toBe('Short.');
  });
});
