import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/domain/finding.ts';
import { renderReport } from '../../src/slack/render/index.ts';
import type { ActionsBlock, SlackMessage } from '../../src/slack/render/blocks.ts';
import { expectWithinSlackLimits, finding, longEvidence, playbookFor, report, texts, withStatus } from './fixtures.ts';

const headlines = (messages: SlackMessage[]) =>
  messages.flatMap((m) => texts(m)).filter((t) => /^:[a-z_]+: \*(FAIL|ERROR|WARN)\*/.test(t));

describe('renderReport: a large report', () => {
  const failing = Array.from({ length: 60 }, (_, i) =>
    finding(`check-${String(i).padStart(2, '0')}`, { severity: i % 3 === 0 ? 'critical' : 'high', summary: `${'long summary '.repeat(200)}`, evidence: longEvidence(30, `c${i}`) }),
  );
  const passing = Array.from({ length: 20 }, (_, i) => withStatus(`pass-${i}`, 'pass'));
  const skipped = Array.from({ length: 5 }, (_, i) => withStatus(`skip-${i}`, 'skipped'));
  const messages = renderReport(report([...passing, ...failing, ...skipped]), playbookFor);

  it('splits into several messages, each one acceptable to Slack', () => {
    expect(messages.length).toBeGreaterThan(1);
    for (const m of messages) expectWithinSlackLimits(m);
  });

  it('shows every failing check exactly once, most severe first', () => {
    const shown = headlines(messages).map((t) => /`([^`]+)`/.exec(t)?.[1]);
    expect([...shown].sort()).toEqual(failing.map((f) => f.check).sort());
    const severities = headlines(messages).map((t) => (t.includes(' · critical · ') ? 0 : 1));
    expect(severities).toEqual([...severities].sort());
  });

  it('cuts long evidence with "…and N more", and N is what was left out', () => {
    const evidence = messages.flatMap(texts).filter((t) => t.startsWith('*Evidence*'));
    expect(evidence).toHaveLength(60);
    for (const text of evidence) {
      const shown = text.split('\n').filter((l) => l.startsWith('• ')).length;
      const more = Number(/…and (\d+) more$/.exec(text)?.[1]);
      expect(shown).toBeGreaterThan(0);
      expect(shown + more).toBe(30);
      expect(text).not.toContain('<!channel>');
    }
  });

  it('opens with counts by status and marks continuation messages', () => {
    const first = messages[0]!;
    expect(first.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'Diagnosis of prod-east', emoji: true } });
    expect(texts(first)).toContain('*60* fail · *0* error · *0* warn · *20* pass · *5* skipped');
    expect(first.text).toMatch(/^Diagnosis of prod-east: 60 fail, 0 error, 0 warn, 20 pass, 5 skipped: check-/);
    messages.slice(1).forEach((m, i) => {
      expect(texts(m)[0]).toBe(`Diagnosis of prod-east, continued (part ${i + 2} of ${messages.length})`);
      expect(m.text).toContain('continued');
    });
  });

  it('collapses passing and skipped checks into one context block at the end', () => {
    const last = messages.at(-1)!;
    const tail = last.blocks.at(-1)!;
    expect(tail.type).toBe('context');
    const [passLine, skipLine] = texts(last).slice(-2);
    expect(passLine).toMatch(/^:white_check_mark: Passed \(20\): `pass-0`/);
    for (let i = 0; i < 20; i++) expect(passLine).toContain(`\`pass-${i}\``);
    expect(skipLine).toMatch(/^:fast_forward: Skipped \(5\): /);
  });
});

describe('renderReport: findings', () => {
  it('puts only the proposal id in Approve / Reject buttons', () => {
    const withFix = finding('istiod-remote-endpoints', {
      severity: 'critical',
      remediation: { id: 'prop-1', target: { cluster: 'prod-east', apiVersion: 'v1', kind: 'Endpoints', namespace: 'istio-system', name: 'istiod-remote', resourceVersion: '42' }, patchType: 'merge', patch: { subsets: [] }, reason: 'Point istiod-remote at 203.0.113.10' },
    });
    const noFix = finding('gateway-readiness');
    const [message] = renderReport(report([withFix, noFix]), playbookFor, { proposalIdFor: (f) => f.remediation?.id });
    const actionBlocks = message!.blocks.filter((b): b is ActionsBlock => b.type === 'actions');
    expect(actionBlocks).toHaveLength(1);
    expect(actionBlocks[0]!.elements).toEqual([
      { type: 'button', text: { type: 'plain_text', text: 'Approve' }, action_id: 'remediation_approve', value: 'prop-1', style: 'primary' },
      { type: 'button', text: { type: 'plain_text', text: 'Reject' }, action_id: 'remediation_reject', value: 'prop-1', style: 'danger' },
    ]);
    expect(texts(message!).join('\n')).toContain(':wrench: *Proposed fix:* Point istiod-remote at 203.0.113.10');
  });

  it('shows no buttons without proposalIdFor, even when the finding proposes a fix', () => {
    const withFix = finding('x', { remediation: { id: 'p', target: { cluster: 'c', apiVersion: 'v1', kind: 'K', name: 'n', resourceVersion: '1' }, patchType: 'merge', patch: {}, reason: 'r' } });
    const [message] = renderReport(report([withFix]), playbookFor);
    expect(message!.blocks.some((b) => b.type === 'actions')).toBe(false);
  });

  it('escapes everything that came from the cluster', () => {
    const hostile = finding('subset-no-endpoints', {
      summary: '*URGENT* <!channel> run <https://evil.example|this> @here',
      evidence: [
        { cluster: 'prod-east', kind: 'Pod', namespace: 'default', name: 'evil`name<@U0ADMIN>', log: '``` <!here> *x*' },
        { cluster: 'peer-<b>', kind: 'Service', name: 'svc', field: 'metadata.labels', value: '<!everyone>' },
      ],
    });
    const [message] = renderReport(report([hostile]), playbookFor);
    const all = JSON.stringify(message);
    for (const raw of ['<!channel>', '<!here>', '<!everyone>', '<@U0ADMIN>', '<https://evil', '<b>']) expect(all).not.toContain(raw);
    const body = texts(message!).join('\n');
    expect(body).toContain('\u200b*\u200bURGENT\u200b*\u200b &lt;!channel&gt; run &lt;https://evil.example|this&gt; @\u200bhere');
    expect(body).toContain('`default/evil\u02cbname&lt;@U0ADMIN&gt;`');
    expect(body).toContain('```\n\u02cb\u02cb\u02cb &lt;!here&gt; *x*\n```');
    expect(body).toContain('Service `svc` @peer-&lt;b&gt; `metadata.labels`=`&lt;!everyone&gt;`');
  });

  it('quotes the playbook for fail and warn findings, translated to mrkdwn, but not for errors', () => {
    const messages = renderReport(
      report([finding('a', { status: 'fail' }), finding('b', { status: 'warn', severity: 'medium' }), finding('c', { status: 'error', severity: 'medium' }), finding('d', { playbook: 'missing-playbook' })]),
      playbookFor,
    );
    const body = messages.flatMap(texts);
    const quotes = body.filter((t) => t.startsWith(':book:'));
    expect(quotes).toHaveLength(3);
    expect(quotes[0]).toBe(
      ':book: *Playbook hosted-control-plane-address* (`/mesh playbook hosted-control-plane-address`)\nThe Endpoints must hold the *LoadBalancer IP* of `istiod-&lt;mesh&gt;-hosted-lb`.\n\n1. Read the IP:\n\n```\nkubectl get svc istiod-&lt;mesh&gt;-hosted-lb\n```',
    );
    expect(quotes).toContain(':book: Playbook `missing-playbook`');
  });

  it('orders fail, error, warn and marks evidence from another cluster', () => {
    const findings: Finding[] = [
      finding('w', { status: 'warn', severity: 'critical' }),
      finding('e', { status: 'error', severity: 'medium' }),
      finding('f', { status: 'fail', severity: 'low', evidence: [{ cluster: 'hosted-cp', kind: 'Service', namespace: 'istio-system', name: 'istiod-ywistio-hosted-lb', field: 'status.loadBalancer.ingress[0].ip', value: '203.0.113.10' }] }),
    ];
    const body = renderReport(report(findings), playbookFor).flatMap(texts);
    const order = body.filter((t) => /^:[a-z_]+: \*(FAIL|ERROR|WARN)\*/.test(t)).map((t) => /\*(\w+)\*/.exec(t)?.[1]);
    expect(order).toEqual(['FAIL', 'ERROR', 'WARN']);
    expect(body.join('\n')).toContain('• Service `istio-system/istiod-ywistio-hosted-lb` @hosted-cp `status.loadBalancer.ingress[0].ip`=`203.0.113.10`');
  });

  it('says so plainly when nothing failed', () => {
    const messages = renderReport(report([withStatus('a', 'pass'), withStatus('b', 'pass')]), playbookFor);
    expect(messages).toHaveLength(1);
    const body = texts(messages[0]!);
    expect(body).toContain(':white_check_mark: No failing or warning checks.');
    expect(body).toContain(':white_check_mark: Passed (2): `a`, `b`');
    expect(messages[0]!.text).toBe('Diagnosis of prod-east: 0 fail, 0 error, 0 warn, 2 pass, 0 skipped');
  });

  it('keeps a finding whole in one message when findings fill several', () => {
    const withFix = (i: number) =>
      finding(`fix-${i}`, { evidence: longEvidence(2, `f${i}`), remediation: { id: `p${i}`, target: { cluster: 'c', apiVersion: 'v1', kind: 'K', name: 'n', resourceVersion: '1' }, patchType: 'merge', patch: {}, reason: 'r' } });
    const messages = renderReport(report(Array.from({ length: 23 }, (_, i) => withFix(i))), playbookFor, { proposalIdFor: (f) => f.remediation?.id });
    for (const m of messages) {
      expectWithinSlackLimits(m);
      // Each finding is headline, evidence, playbook, buttons, divider: never split across messages.
      const heads = m.blocks.filter((b) => b.type === 'section' && /^:[a-z_]+: \*FAIL\*/.test(b.text.text)).length;
      expect(m.blocks.filter((b) => b.type === 'actions')).toHaveLength(heads);
    }
    expect(messages.flatMap((m) => m.blocks).filter((b) => b.type === 'actions')).toHaveLength(23);
  });
});
