// Broken playbook files are refused at load with an error naming the file and every problem.

import { afterEach, describe, expect, it } from 'vitest';
import { MeshMedicError } from '../../src/domain/errors.ts';
import { loadPlaybooks } from '../../src/playbooks/index.ts';
import { playbookDir, playbookText, SECTIONS } from './fixtures.ts';

let cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});

function load(files: Record<string, string>) {
  const { dir, cleanup } = playbookDir(files);
  cleanups.push(cleanup);
  return () => loadPlaybooks(dir);
}

function loadError(files: Record<string, string>): MeshMedicError {
  try {
    load(files)();
  } catch (err) {
    if (err instanceof MeshMedicError) return err;
    throw err;
  }
  throw new Error('loadPlaybooks accepted invalid playbooks');
}

describe('loadPlaybooks on malformed files', () => {
  it('loads a valid fixture, with its sections and front-matter', () => {
    const [playbook] = load({ 'good-one.md': playbookText('good-one') })();
    expect(playbook).toMatchObject({
      id: 'good-one',
      title: 'Fixture playbook good-one',
      checks: ['fixture-check'],
      alerts: ['FixtureAlert'],
      sources: ['003_87f8f8ea8e0ba1af.txt'],
      sections: { symptoms: 'Text of Symptoms.', why: 'Text of Why it happens.', automatedFix: 'Text of Automated fix.' },
    });
  });

  it('names a missing section and the file', () => {
    const err = loadError({ 'no-confirm.md': playbookText('no-confirm', { sections: SECTIONS.filter((s) => s !== 'Confirm') }) });
    expect(err.code).toBe('PLAYBOOK_INVALID');
    expect(err.message).toContain('no-confirm.md: missing section "## Confirm"');
  });

  it('refuses sections out of order, unknown and duplicated sections, and empty ones', () => {
    const err = loadError({
      'shuffled.md': playbookText('shuffled', { sections: ['Why it happens', 'Symptoms', 'Confirm', 'Fix', 'Automated fix'] }),
      'extra.md': playbookText('extra', { sections: [...SECTIONS, 'Notes', 'Fix'] }),
      'hollow.md': playbookText('hollow', { body: (h) => (h === 'Fix' ? '' : 'x') }),
    });
    expect(err.message).toContain('shuffled.md: sections out of order');
    expect(err.message).toContain('extra.md: unknown section "## Notes"');
    expect(err.message).toContain('extra.md: section "## Fix" appears 2 times');
    expect(err.message).toContain('hollow.md: section "## Fix" is empty');
  });

  it('treats a "## " line inside a code block as content, not as a heading', () => {
    const body = (h: string) => (h === 'Confirm' ? '```bash\n## Symptoms\nkubectl get pods\n```' : 'text');
    const [playbook] = load({ 'fenced.md': playbookText('fenced', { body }) })();
    expect(playbook?.sections.confirm).toContain('## Symptoms');
  });

  it('reports YAML that does not parse', () => {
    const err = loadError({ 'bad-yaml.md': playbookText('bad-yaml', { frontMatter: 'id: bad-yaml\ntitle: [unclosed' }) });
    expect(err.message).toMatch(/bad-yaml\.md: front-matter is not valid YAML/);
  });

  it('reports a missing front-matter block', () => {
    const err = loadError({ 'bare.md': '## Symptoms\n\nx\n' });
    expect(err.message).toContain("bare.md: missing front-matter: the file must start with a line '---'");
  });

  it('reports every schema problem of the front-matter at once, including unknown keys', () => {
    const front = ['id: wrong-types', 'title: ""', 'checks: []', 'alerts: [not an alert]', 'sources: [notes.txt]', 'owner: sre'].join('\n');
    const err = loadError({ 'wrong-types.md': playbookText('wrong-types', { frontMatter: front }) });
    expect(err.message).toContain('wrong-types.md: front-matter title: must not be empty');
    expect(err.message).toContain('wrong-types.md: front-matter checks: must name at least one check');
    expect(err.message).toContain('wrong-types.md: front-matter alerts.0: alert names must look like');
    expect(err.message).toContain('wrong-types.md: front-matter sources.0: sources must be seed file names');
    expect(err.message).toMatch(/wrong-types\.md: front-matter: Unrecognized key.*owner/);
  });

  it('reports a missing key', () => {
    const front = ['id: no-alerts', 'title: T', 'checks: [a]', 'sources: []'].join('\n');
    const err = loadError({ 'no-alerts.md': playbookText('no-alerts', { frontMatter: front }) });
    expect(err.message).toMatch(/no-alerts\.md: front-matter alerts: /);
  });

  it('refuses an id that differs from the file name', () => {
    const err = loadError({ 'file-name.md': playbookText('other-name') });
    expect(err.message).toContain('file-name.md: id "other-name" does not match the file name (expected id "file-name")');
  });

  it('lists the problems of every file in one error, and loads nothing', () => {
    const err = loadError({
      'fine.md': playbookText('fine'),
      'broken-a.md': playbookText('broken-a', { sections: ['Symptoms'] }),
      'broken-b.md': playbookText('not-b'),
    });
    expect(err.message).toMatch(/invalid playbooks in .* \(5 problems\)/);
    expect(err.message).toContain('broken-a.md: missing section "## Fix"');
    expect(err.message).toContain('broken-b.md: id "not-b"');
    expect(err.message).not.toContain('fine.md');
  });

  it('refuses an empty or missing directory', () => {
    expect(loadError({}).message).toContain('no playbook files (*.md) found');
    expect(() => loadPlaybooks('/nonexistent/mesh-medic-playbooks')).toThrow(/playbook directory not found/);
  });

  it('ignores a README.md beside the playbooks', () => {
    const playbooks = load({ 'README.md': '# How to write playbooks', 'only.md': playbookText('only') })();
    expect(playbooks.map((p) => p.id)).toEqual(['only']);
  });
});
