// The example Alertmanager config and Prometheus rules we ship: they parse, Alertmanager accepts
// its config (amtool), every alert name is one a playbook declares, every rule keeps and templates
// the cluster label, and the webhook sends the bearer token and resolutions to /alerts.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadPlaybooks } from '../../src/playbooks/index.ts';

const ALERTMANAGER_YML = fileURLToPath(new URL('../../examples/alertmanager.yml', import.meta.url));
const RULES_YAML = fileURLToPath(new URL('../../examples/prometheus-rules.yaml', import.meta.url));

interface Rule {
  alert?: string;
  expr?: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

function rules(): Rule[] {
  const doc = parse(readFileSync(RULES_YAML, 'utf8')) as { groups: { name: string; rules: Rule[] }[] };
  return doc.groups.flatMap((g) => g.rules);
}

describe('examples/prometheus-rules.yaml', () => {
  it('parses as a Prometheus rule file', () => {
    const doc = parse(readFileSync(RULES_YAML, 'utf8')) as { groups: { name: string; rules: Rule[] }[] };
    expect(doc.groups.map((g) => g.name)).toEqual(['istio-gateways', 'istio-traffic', 'istio-control-plane']);
    for (const r of rules()) {
      expect(typeof r.alert, JSON.stringify(r)).toBe('string');
      expect(typeof r.expr, r.alert).toBe('string');
      expect(r.for, r.alert).toMatch(/^\d+[smh]$/);
      expect(r.annotations?.summary, r.alert).toBeTruthy();
      // Parentheses and braces balance (no promtool here: see the report).
      for (const [open, close] of [['(', ')'], ['{', '}'], ['[', ']']] as const) {
        expect(r.expr!.split(open).length, `${r.alert} ${open}`).toBe(r.expr!.split(close).length);
      }
    }
  });

  it('uses only alert names that some playbook declares, and covers the four Istio failure signals', () => {
    const declared = new Set(loadPlaybooks().flatMap((p) => p.alerts));
    const names = rules().map((r) => r.alert!);
    expect(names.filter((n) => !declared.has(n))).toEqual([]);
    expect(new Set(names)).toEqual(new Set(['IstioGatewayNotReady', 'IstioHigh5xxErrorRate', 'IstioXdsConnectionErrors', 'IstiodDown']));
    const exprs = rules().map((r) => r.expr!).join('\n');
    expect(exprs).toContain('response_flags="UH"');
    expect(exprs).toContain('envoy_cluster_upstream_cx_connect_fail{cluster_name="xds-grpc"}');
    expect(exprs).toContain('pilot_xds_pushes{type=~".+_senderr"}');
  });

  it('keeps the cluster label in every expression and templates it in every rule', () => {
    for (const r of rules()) {
      expect(r.labels?.cluster, r.alert).toBe('{{ $labels.cluster }}');
      const groupings = [...r.expr!.matchAll(/\bby\s*\(([^)]*)\)/g)].map((m) => m[1]!.split(',').map((l) => l.trim()));
      expect(groupings.length, r.alert).toBeGreaterThan(0);
      for (const labels of groupings) expect(labels, r.alert).toContain('cluster');
    }
  });
});

describe('examples/alertmanager.yml', () => {
  interface Route {
    receiver: string;
    group_by?: string[];
    group_wait?: string;
    group_interval?: string;
    repeat_interval?: string;
    matchers?: string[];
    routes?: Route[];
  }
  interface Webhook {
    url: string;
    send_resolved: boolean;
    http_config: { authorization: { type: string; credentials_file?: string; credentials?: string } };
  }
  const doc = parse(readFileSync(ALERTMANAGER_YML, 'utf8')) as { route: Route; receivers: { name: string; webhook_configs?: Webhook[] }[] };

  it('is accepted by amtool check-config', () => {
    const run = spawnSync('amtool', ['check-config', ALERTMANAGER_YML], { encoding: 'utf8' });
    if (run.error) throw new Error(`amtool is missing (Debian: apt-get install -y prometheus-alertmanager): ${run.error.message}`);
    expect(run.stdout + run.stderr).toContain('SUCCESS');
    expect(run.status).toBe(0);
  });

  it('groups by cluster and alert name and sends resolutions to /alerts with a bearer token from a file', () => {
    expect(doc.route.group_by).toEqual(['cluster', 'alertname']);
    expect([doc.route.group_wait, doc.route.group_interval, doc.route.repeat_interval]).toEqual(['30s', '5m', '4h']);
    const route = doc.route.routes?.find((r) => r.receiver === 'mesh-medic');
    expect(route?.matchers).toContain('cluster=~".+"');
    const webhook = doc.receivers.find((r) => r.name === 'mesh-medic')?.webhook_configs?.[0];
    expect(webhook?.url).toMatch(/^http:\/\/mesh-medic\.mesh-medic\.svc\/alerts$/);
    expect(webhook?.send_resolved).toBe(true);
    expect(webhook?.http_config.authorization).toEqual({ type: 'Bearer', credentials_file: '/etc/alertmanager/secrets/mesh-medic/token' });
  });

  it('routes every alert of the example rules to mesh-medic', () => {
    const route = doc.route.routes?.find((r) => r.receiver === 'mesh-medic');
    const nameMatcher = route?.matchers?.find((m) => m.startsWith('alertname=~'));
    const pattern = new RegExp(`^(?:${JSON.parse(nameMatcher!.slice('alertname=~'.length))})$`);
    for (const r of rules()) expect(pattern.test(r.alert!), r.alert).toBe(true);
  });
});
