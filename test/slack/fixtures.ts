// Findings and reports for the renderer tests, and a check of every text in a message.

import { expect } from 'vitest';
import type { Evidence, Finding, Severity, Status } from '../../src/domain/finding.ts';
import type { ReportInput } from '../../src/slack/render/report.ts';
import type { SlackMessage } from '../../src/slack/render/blocks.ts';
import { LIMITS, validateBlocks } from '../fakes/slack-api.ts';

export function finding(check: string, over: Partial<Finding> = {}): Finding {
  return {
    check,
    cluster: 'prod-east',
    status: 'fail',
    severity: 'high',
    summary: `${check} is broken`,
    evidence: [],
    playbook: 'hosted-control-plane-address',
    remediation: null,
    ...over,
  };
}

export function withStatus(check: string, status: Status, severity: Severity = 'info'): Finding {
  return finding(check, { status, severity, summary: `${check}: ${status}` });
}

export function report(findings: Finding[], over: Partial<ReportInput> = {}): ReportInput {
  return { cluster: 'prod-east', startedAt: '2025-01-01T10:00:00.000Z', durationMs: 4200, apiCalls: 120, findings, ...over };
}

export function longEvidence(n: number, check: string): Evidence[] {
  return Array.from({ length: n }, (_, i) =>
    i % 2 === 0
      ? { cluster: 'prod-east', kind: 'Pod', namespace: 'istio-system', name: `${check}-pod-${i}`, log: `E ${'<!channel> dial tcp 10.0.0.1:15012: i/o timeout '.repeat(40)}` }
      : { cluster: 'prod-east', kind: 'Endpoints', namespace: 'istio-system', name: `${check}-ep-${i}`, field: 'subsets[0].addresses[0].ip', value: '10.233.48.75'.repeat(30) },
  );
}

export const playbookFor = (id: string) =>
  id === 'missing-playbook'
    ? undefined
    : {
        title: `Playbook ${id}`,
        excerpt: 'The Endpoints must hold the **LoadBalancer IP** of `istiod-<mesh>-hosted-lb`.\n\n1. Read the IP:\n\n   ```bash\n   kubectl get svc istiod-<mesh>-hosted-lb\n   ```',
      };

/** Every mrkdwn or plain text in a message's blocks. */
export function texts(message: SlackMessage): string[] {
  const out: string[] = [];
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if ((o.type === 'mrkdwn' || o.type === 'plain_text') && typeof o.text === 'string') out.push(o.text);
      for (const value of Object.values(o)) visit(value);
    }
  };
  visit(message.blocks);
  return out;
}

/** What real Slack would refuse, judged by the fake API's validator plus the explicit limits. */
export function expectWithinSlackLimits(message: SlackMessage): void {
  expect(message.text.length).toBeGreaterThan(0);
  expect(message.blocks.length).toBeLessThanOrEqual(LIMITS.messageBlocks);
  expect(validateBlocks(message.blocks, LIMITS.messageBlocks)).toEqual([]);
  for (const block of message.blocks) {
    if (block.type === 'section') expect(block.text.text.length).toBeLessThanOrEqual(3000);
    if (block.type === 'header') expect(block.text.text.length).toBeLessThanOrEqual(150);
    if (block.type === 'context') expect(block.elements.length).toBeLessThanOrEqual(10);
  }
}
