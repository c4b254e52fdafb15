import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseMeshCommand } from '../../src/slack/commands/parse.ts';
import { SUBCOMMANDS } from '../../src/slack/commands/subcommands.ts';
import { renderClusters, renderError, renderHelp, renderPlaybook, renderProgress, renderQueued } from '../../src/slack/render/index.ts';
import { expectWithinSlackLimits, texts } from './fixtures.ts';

describe('renderProgress', () => {
  const base = { cluster: 'prod-east', total: 21, done: 0, counts: {} };

  it('announces a queued diagnosis', () => {
    const m = renderProgress({ ...base, state: 'reading', startedBy: 'U0ONCALL01' });
    expect(m.text).toBe('Diagnosing prod-east: reading the cluster for 21 checks');
    expect(texts(m)).toEqual([':hourglass_flowing_sand: Diagnosing *prod-east*: reading the cluster for 21 checks', 'Requested by <@U0ONCALL01>']);
    expectWithinSlackLimits(m);
  });

  it('shows how far a running diagnosis got and what it found so far', () => {
    const m = renderProgress({ ...base, state: 'running', done: 12, counts: { fail: 2, warn: 1, pass: 9 } });
    expect(m.text).toBe('Diagnosing prod-east: 12/21 checks done · 2 fail · 1 warn');
    expect(texts(m)[0]).toMatch(/^:mag: Diagnosing \*prod-east\*\n`█+░+` 12\/21 checks done · 2 fail · 1 warn$/);
  });

  it('ends with a verdict naming the most severe failing checks', () => {
    const m = renderProgress({
      ...base,
      state: 'done',
      done: 21,
      counts: { fail: 2, pass: 19 },
      verdict: { failing: [{ check: 'gateway-readiness', severity: 'high' }, { check: 'istiod-remote-endpoints', severity: 'critical' }] },
    });
    expect(m.text).toBe('prod-east: 2 failing checks (critical: `istiod-remote-endpoints`)');
    expect(texts(m)[0]).toBe(':red_circle: *prod-east*: 2 failing checks (critical: `istiod-remote-endpoints`)');
    expect(texts(m)[1]).toContain('Report in the thread');
  });

  it('says when nothing failed, and mentions warnings and undecided checks', () => {
    const m = renderProgress({ ...base, state: 'done', done: 21, counts: { pass: 18, warn: 2, error: 1 }, verdict: { failing: [] } });
    expect(m.text).toBe('prod-east: no failing checks (21 run) · 2 warnings · 1 check could not decide');
  });

  it('reports a failed diagnosis with its reason escaped', () => {
    const m = renderProgress({ ...base, state: 'failed', done: 3, verdict: { failing: [], error: 'API <!channel> unreachable' } });
    expect(texts(m)[0]).toBe(':x: Diagnosis of *prod-east* failed after 3/21 checks: API &lt;!channel&gt; unreachable');
    expect(m.text).toBe('Diagnosis of prod-east failed');
  });

  it('mentions only real user ids; any other requester is escaped text', () => {
    expect(texts(renderProgress({ ...base, state: 'reading', startedBy: 'Alertmanager' }))[1]).toBe('Requested by Alertmanager');
    expect(texts(renderProgress({ ...base, state: 'reading', startedBy: '<!channel>' }))[1]).toBe('Requested by &lt;!channel&gt;');
  });
});

describe('renderHelp', () => {
  it('documents exactly the subcommands the parser accepts', () => {
    const body = texts(renderHelp()).join('\n');
    for (const sub of SUBCOMMANDS) {
      expect(body).toContain(`\`/mesh ${sub}`);
      expect(parseMeshCommand(sub === 'diagnose' ? 'diagnose x' : sub === 'playbook' ? 'playbook x' : sub).ok).toBe(true);
    }
    expect(body).toContain('`/mesh diagnose &lt;cluster&gt; [check-id ...]`');
  });

  it('shows one command for a topic', () => {
    const m = renderHelp('playbook');
    expect(m.text).toBe('Usage: /mesh playbook <id>');
    expect(texts(m).join('\n')).not.toContain('/mesh diagnose');
  });
});

describe('renderClusters', () => {
  it('lists each cluster with mesh, role, network and last result, escaped', () => {
    const m = renderClusters([
      { name: 'prod-west', mesh: 'm1', role: 'remote', lastResult: '2 fail <!here>' },
      { name: 'prod-east', mesh: 'm1', role: 'primary', network: 'net-1' },
    ]);
    const [list, footer] = texts(m);
    expect(list).toBe(
      '• *prod-east* · mesh `m1` · primary · network `net-1` · not diagnosed yet\n• *prod-west* · mesh `m1` · remote · last: 2 fail &lt;!here&gt;',
    );
    expect(footer).toBe('2 registered clusters · `/mesh diagnose &lt;cluster&gt;` checks one');
    expect(m.text).toBe('2 registered clusters: prod-east, prod-west');
  });

  it('stays within Slack limits for thousands of clusters and says how many did not fit', () => {
    const many = Array.from({ length: 5000 }, (_, i) => ({ name: `cluster-${String(i).padStart(4, '0')}`, mesh: 'mesh', role: 'remote', network: 'n', lastResult: 'x'.repeat(150) }));
    const m = renderClusters(many);
    expectWithinSlackLimits(m);
    const body = texts(m).join('\n');
    const shown = (body.match(/^• /gm) ?? []).length;
    expect(Number(/…and (\d+) more/.exec(body)?.[1])).toBe(5000 - shown);
  });

  it('says when nothing is registered', () => {
    expect(renderClusters([]).text).toBe('No clusters are registered.');
  });
});

describe('renderPlaybook', () => {
  it('renders a real playbook within Slack limits, code fences balanced in every section', () => {
    const markdown = readFileSync(new URL('../../playbooks/hosted-control-plane-address.md', import.meta.url), 'utf8').replace(/^---[\s\S]*?---\n/, '');
    const m = renderPlaybook({ title: 'Workload cluster cannot reach the hosted control plane', text: markdown });
    expectWithinSlackLimits(m);
    const sections = m.blocks.filter((b) => b.type === 'section').map((b) => (b.type === 'section' ? b.text.text : ''));
    expect(sections.length).toBeGreaterThan(0);
    for (const s of sections) expect((s.match(/^```/gm) ?? []).length % 2).toBe(0);
    const body = sections.join('\n');
    expect(body).toContain('*Symptoms*');
    expect(body).toContain('istiod-&lt;mesh&gt;-hosted-lb');
    expect(body).not.toContain('```bash');
    expect(body).not.toContain('**');
  });

  it('splits a long playbook across sections without breaking a code block', () => {
    const code = Array.from({ length: 200 }, (_, i) => `kubectl get pods -n ns-${i} -o wide   # line ${i}`).join('\n');
    const m = renderPlaybook({ title: 'Long', text: `## Fix\n\nRun:\n\n\`\`\`bash\n${code}\n\`\`\`\n\nDone.` });
    expectWithinSlackLimits(m);
    const sections = m.blocks.filter((b) => b.type === 'section').map((b) => (b.type === 'section' ? b.text.text : ''));
    expect(sections.length).toBeGreaterThan(1);
    for (const s of sections) expect((s.match(/^```/gm) ?? []).length % 2).toBe(0);
    expect(sections.join('\n')).toContain('# line 199');
  });
});

describe('renderError and renderQueued', () => {
  it('shows a parser error as is (it is already escaped)', () => {
    const err = parseMeshCommand('diagnose <!channel>');
    if (err.ok) throw new Error('expected an error');
    const m = renderError(err.message);
    expect(m.text).toBe(`:warning: ${err.message}`);
    expect(m.response_type).toBe('ephemeral');
    expect(JSON.stringify(m)).not.toContain('<!channel>');
  });

  it('acknowledges a queued diagnosis with the checks it will run', () => {
    const m = renderQueued('prod-east', ['istiod-remote-endpoints', 'gateway-readiness']);
    expect(m.text).toBe('Queued a diagnosis of prod-east (2 checks)');
    expect(texts(m)[1]).toBe('Checks: `istiod-remote-endpoints`, `gateway-readiness`');
  });

  it('says when the request joined a running diagnosis', () => {
    expect(renderQueued('prod-east', [], { joined: true }).text).toBe('prod-east is already being diagnosed');
  });
});
