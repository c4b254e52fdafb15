// An alert-triggered diagnosis runs and lists first the checks that the alert's playbooks name
// (their `alerts:` front-matter): here against the real playbooks and the real report renderer.

import { describe, expect, it } from 'vitest';
import { checksForAlerts, leadingFirst } from '../../src/alerts/check-order.ts';
import { alertReportNote } from '../../src/alerts/render.ts';
import { CHECKS } from '../../src/checks/index.ts';
import type { Finding } from '../../src/domain/finding.ts';
import { loadPlaybooks } from '../../src/playbooks/index.ts';
import { renderReport } from '../../src/slack/render/index.ts';

const playbooks = loadPlaybooks();

describe('checksForAlerts', () => {
  it('names the checks of every playbook that declares the alert, in playbook order', () => {
    expect(checksForAlerts(playbooks, ['IstioGatewayNotReady'])).toEqual([
      'eastwest-gateway',
      'gateway-readiness',
      'istiod-remote-endpoints',
      'gateway-xds-unreachable',
      'loadbalancer-pending',
      'remote-discovery-service',
    ]);
    expect(checksForAlerts(playbooks, ['IstiodDown'])).toEqual(['control-plane-health', 'istiod-apiserver-errors']);
  });

  it('takes the alerts in order and names each check once', () => {
    const both = checksForAlerts(playbooks, ['IstiodDown', 'IstioXdsConnectionErrors']);
    expect(both.slice(0, 2)).toEqual(['control-plane-health', 'istiod-apiserver-errors']);
    expect(both).toContain('istiod-remote-endpoints');
    expect(new Set(both).size).toBe(both.length);
  });

  it('names nothing for an alert no playbook declares', () => {
    expect(checksForAlerts(playbooks, ['NodeFilesystemAlmostOutOfSpace'])).toEqual([]);
  });

  it('only names checks that exist in the catalog', () => {
    const ids = new Set(CHECKS.map((c) => c.id));
    for (const p of playbooks) for (const a of p.alerts) for (const c of checksForAlerts(playbooks, [a])) expect(ids.has(c), `${a} -> ${c}`).toBe(true);
  });
});

describe('leadingFirst', () => {
  it('puts the leading checks first, in their order, and keeps the rest in catalog order', () => {
    const ordered = leadingFirst(CHECKS, ['gateway-readiness', 'no-such-check', 'cluster-access']).map((c) => c.id);
    expect(ordered.slice(0, 2)).toEqual(['gateway-readiness', 'cluster-access']);
    expect(ordered.slice(2)).toEqual(CHECKS.map((c) => c.id).filter((id) => id !== 'gateway-readiness' && id !== 'cluster-access'));
  });
});

describe('the report of an alert-triggered diagnosis', () => {
  const finding = (check: string, status: Finding['status'], severity: Finding['severity']): Finding => ({
    check,
    cluster: 'prod-east',
    status,
    severity,
    summary: `${check} says ${status}`,
    evidence: [],
    playbook: 'gateway-readiness',
    remediation: null,
  });
  const report = {
    cluster: 'prod-east',
    startedAt: '2024-07-16T09:00:00.000Z',
    durationMs: 1200,
    apiCalls: 30,
    findings: [
      finding('subset-no-endpoints', 'fail', 'critical'),
      finding('gateway-readiness', 'fail', 'high'),
      finding('app-starts-before-proxy', 'pass', 'info'),
      finding('loadbalancer-pending', 'pass', 'info'),
    ],
  };
  const texts = (messages: ReturnType<typeof renderReport>) => JSON.stringify(messages.map((m) => m.blocks));

  it('lists the alert\'s checks first and says which alert started it', () => {
    const leading = checksForAlerts(playbooks, ['IstioGatewayNotReady']);
    const text = texts(renderReport(report, () => undefined, { leading: { checks: leading, note: alertReportNote(['IstioGatewayNotReady'], leading.length) } }));
    expect(text).toContain('Started by alert *IstioGatewayNotReady*: the checks its playbooks name are listed first.');
    // A high finding of the alert's own check comes before a critical one of another check...
    expect(text.indexOf('`gateway-readiness`')).toBeLessThan(text.indexOf('`subset-no-endpoints`'));
    // ...and so do its passing checks in the collapsed line.
    expect(text.indexOf('`loadbalancer-pending`')).toBeLessThan(text.indexOf('`app-starts-before-proxy`'));
  });

  it('keeps importance order without an alert', () => {
    const text = texts(renderReport(report, () => undefined));
    expect(text.indexOf('`subset-no-endpoints`')).toBeLessThan(text.indexOf('`gateway-readiness`'));
    expect(text).not.toContain('Started by alert');
  });
});
