import { describe, expect, it } from 'vitest';
import { evidenceLine, renderCatalog, renderReport } from '../../src/cli/render-text.ts';
import type { Finding } from '../../src/domain/finding.ts';
import type { DiagnosisReport } from '../../src/engine/report.ts';
import { fakeCheck, results } from '../engine/fixtures.ts';

function finding(check: string, status: Finding['status'], extra: Partial<Finding> = {}): Finding {
  return {
    check,
    cluster: 'prod-east',
    status,
    severity: status === 'pass' || status === 'skipped' ? 'info' : 'high',
    summary: `${check} says ${status}`,
    evidence: [],
    playbook: `pb-${check}`,
    remediation: null,
    ...extra,
  };
}

const report: DiagnosisReport = {
  cluster: 'prod-east',
  startedAt: '2025-01-01T00:00:00.000Z',
  durationMs: 1234,
  apiCalls: 17,
  findings: [
    finding('fine', 'pass'),
    finding('broken', 'fail', {
      evidence: [
        { cluster: 'prod-east', kind: 'Endpoints', namespace: 'istio-system', name: 'istiod-remote', field: 'subsets[0].addresses[0].ip', value: '10.233.48.75' },
        { cluster: 'cp-1', kind: 'Service', namespace: 'istio-system', name: 'istiod-prod-hosted-lb', field: 'status.loadBalancer.ingress[0].ip', value: '192.0.2.10' },
      ],
    }),
    finding('shaky', 'warn'),
    finding('unreadable', 'error'),
    finding('irrelevant', 'skipped'),
  ],
};

const excerpt = (id: string) => (id === 'pb-broken' ? 'Proxies dial the pod IP.\n\nSet the address to the LB IP.' : undefined);

describe('renderReport', () => {
  const text = renderReport(report, { color: false, excerpt });

  it('groups findings by status in report order, with a counted header per group', () => {
    const headers = text.split('\n').filter((l) => /^[A-Z]/.test(l) && !l.startsWith('Diagnosis'));
    expect(headers).toEqual(['FAILED (1)', 'ERRORS (could not decide) (1)', 'WARNINGS (1)', 'PASSED (1)', 'SKIPPED (1)']);
  });

  it('shows evidence lines, marking evidence from other clusters', () => {
    expect(text).toContain('• Endpoints istio-system/istiod-remote subsets[0].addresses[0].ip = 10.233.48.75');
    expect(text).toContain('• Service istio-system/istiod-prod-hosted-lb @cp-1 status.loadBalancer.ingress[0].ip = 192.0.2.10');
  });

  it('quotes the playbook excerpt under a failing finding', () => {
    const failBlock = text.slice(text.indexOf('FAILED'), text.indexOf('ERRORS'));
    expect(failBlock).toContain('playbook: pb-broken (mesh-medic playbook pb-broken)');
    expect(failBlock).toContain('│ Proxies dial the pod IP.');
    expect(failBlock).toContain('│ Set the address to the LB IP.');
  });

  it('ends with counts, duration and API calls', () => {
    expect(text.trimEnd().split('\n').at(-1)).toBe('1 fail, 1 error, 1 warn, 1 pass, 1 skipped · 1.2 s · 17 API calls');
  });

  it('uses no escape sequences without colour, and colours statuses with it', () => {
    expect(text).not.toContain('\u001b[');
    const coloured = renderReport(report, { color: true, excerpt });
    expect(coloured).toContain('\u001b[31mFAIL ');
    expect(coloured).toContain('\u001b[32mPASS ');
  });

  it('neutralises terminal escape sequences coming from cluster data', () => {
    const hostile = renderReport(
      {
        ...report,
        findings: [
          finding('logs', 'fail', {
            evidence: [{ cluster: 'prod-east', kind: 'Pod', namespace: 'a', name: 'b', field: 'log[app]', log: 'x\u001b]0;pwned\u0007y' }],
          }),
        ],
      },
      { color: false },
    );
    expect(hostile).not.toContain('\u001b');
    expect(hostile).toContain('Pod a/b log[app]: x\ufffd]0;pwned\ufffdy');
  });

  it('caps long evidence lists with "…and N more"', () => {
    const many = Array.from({ length: 14 }, (_, i) => ({ cluster: 'prod-east', kind: 'Pod', namespace: 'ns', name: `p${i}` }));
    const out = renderReport({ ...report, findings: [finding('noisy', 'fail', { evidence: many })] }, { color: false, maxEvidence: 10 });
    expect(out).toContain('Pod ns/p9');
    expect(out).not.toContain('Pod ns/p10');
    expect(out).toContain('…and 4 more');
  });
});

describe('evidenceLine', () => {
  it('renders log evidence with its container and line on one line', () => {
    expect(
      evidenceLine({ cluster: 'c', kind: 'Pod', namespace: 'istio-system', name: 'gw', field: 'log[istio-proxy]', log: 'dial tcp 10.0.0.1:15012: i/o timeout\n' }, 'c'),
    ).toBe('Pod istio-system/gw log[istio-proxy]: dial tcp 10.0.0.1:15012: i/o timeout ');
  });
});

describe('renderCatalog', () => {
  it('lists each check with severity, title, playbook and reads', () => {
    const text = renderCatalog(
      [fakeCheck('alpha', results(), { reads: ['pods', 'services'], readsLogs: true, peerReads: ['secrets'] })],
      { color: false },
    );
    expect(text).toContain('alpha  high      fake alpha');
    expect(text).toContain('playbook pb-alpha; reads pods, services, pod logs');
    expect(text).toContain('from mesh peers: secrets');
    expect(text).toContain('\n1 check\n');
  });
});
