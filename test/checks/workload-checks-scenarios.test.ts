// The workload/log checks against every sandbox scenario: each fails exactly where a scenario's
// `expectFail` says, never elsewhere, and never warns on a healthy baseline.

import { describe, expect, it } from 'vitest';
import { check as appStartsBeforeProxy } from '../../src/checks/app-starts-before-proxy.ts';
import { check as gatewayCrdConflict } from '../../src/checks/gateway-crd-conflict.ts';
import { check as gatewayUpstreamUnhealthy } from '../../src/checks/gateway-upstream-unhealthy.ts';
import { check as istioInitFailures } from '../../src/checks/istio-init-failures.ts';
import { check as istiodApiserverErrors } from '../../src/checks/istiod-apiserver-errors.ts';
import { check as servicePortProtocol } from '../../src/checks/service-port-protocol.ts';
import { check as sidecarInjection } from '../../src/checks/sidecar-injection.ts';
import { check as subsetNoEndpoints } from '../../src/checks/subset-no-endpoints.ts';
import type { Check } from '../../src/checks/types.ts';
import { check as workloadLabels } from '../../src/checks/workload-labels.ts';
import { expectationMismatches, loadAllScenarios, runOnScenarios } from './scenario-helpers.ts';

const NOW = new Date();
const specs = loadAllScenarios(NOW);

/** Each check, and the scenario reproducing its seed (issue 2), where one exists. */
const CHECKS: [Check, string | undefined][] = [
  [subsetNoEndpoints, 'subset-missing-version-label'],
  [gatewayUpstreamUnhealthy, 'subset-missing-version-label'],
  [workloadLabels, undefined],
  [servicePortProtocol, undefined],
  [istioInitFailures, 'istio-init-failure'],
  [istiodApiserverErrors, 'istiod-apiserver-unreachable'],
  [appStartsBeforeProxy, 'app-before-proxy'],
  [gatewayCrdConflict, 'gateway-crd-shadow'],
  [sidecarInjection, undefined],
];

describe('workload and log checks on the sandbox scenarios', () => {
  it('has the healthy baselines and the seed scenarios to test against', () => {
    const names = specs.map((s) => s.name);
    for (const name of ['healthy-single', 'healthy-multi-primary', 'healthy-hosted']) expect(names).toContain(name);
    for (const [, scenario] of CHECKS) if (scenario) expect(names).toContain(scenario);
  });

  for (const [check, scenario] of CHECKS) {
    it(`${check.id} fails exactly on the clusters whose expectFail names it`, () => {
      const runs = runOnScenarios(check, specs, NOW);
      expect(expectationMismatches(check, runs)).toEqual([]);
      if (scenario) {
        const seeded = runs.filter((r) => r.scenario === scenario && r.expectFail.includes(check.id));
        expect(seeded.length, `${scenario} expects ${check.id} to fail somewhere`).toBeGreaterThan(0);
      }
    });

    it(`${check.id} raises no warning on the healthy baselines`, () => {
      const runs = runOnScenarios(check, specs.filter((s) => s.name.startsWith('healthy-')), NOW);
      const warnings = runs.flatMap((r) => r.results.filter((x) => x.status === 'warn').map((x) => `${r.cluster}: ${x.summary}`));
      expect(warnings).toEqual([]);
    });
  }
});

/** The results of one check on one scenario cluster. */
function resultsOn(check: Check, scenario: string, cluster: string) {
  const run = runOnScenarios(check, specs.filter((s) => s.name === scenario), NOW).find((r) => r.cluster === cluster);
  if (!run) throw new Error(`no cluster ${scenario}/${cluster}`);
  return run.results;
}

describe('evidence on the seed scenarios', () => {
  it('subset-missing-version-label: names the Envoy cluster, the missing label, and proposes the label on Deployment review/review', () => {
    const [r, ...rest] = resultsOn(subsetNoEndpoints, 'subset-missing-version-label', 'review-prod');
    expect(rest).toEqual([]);
    expect(r?.status).toBe('fail');
    expect(r?.summary).toContain('outbound|80|v1|review.review.svc.cluster.local');
    expect(r?.summary).toContain('pods of deployment review/review have no `version` label; subset v1 needs version=v1');
    expect(r?.evidence).toContainEqual(expect.objectContaining({ kind: 'DestinationRule', namespace: 'review', name: 'review', field: 'spec.subsets[0]' }));
    expect(r?.evidence).toContainEqual(expect.objectContaining({ kind: 'VirtualService', namespace: 'review', name: 'review' }));
    expect(r?.remediation).toMatchObject({
      id: 'add-subset-label',
      target: { cluster: 'review-prod', kind: 'Deployment', namespace: 'review', name: 'review' },
      patchType: 'strategic',
      patch: { spec: { template: { metadata: { labels: { version: 'v1' } } } } },
    });
  });

  it('subset-missing-version-label: the gateway log shows 503 UH for the v1 subset cluster, once', () => {
    const results = resultsOn(gatewayUpstreamUnhealthy, 'subset-missing-version-label', 'review-prod');
    expect(results.map((r) => r.status)).toEqual(['fail']);
    expect(results[0]?.summary).toMatch(/^Gateway istio-system\/istio-ingressgateway-\S+ answered \d+ requests with 503 UH \(no healthy upstream\) for outbound\|80\|v1\|review\.review\.svc\.cluster\.local/);
    expect(results[0]?.evidence?.some((e) => e.log?.includes('503 UH no_healthy_upstream'))).toBe(true);
  });

  it('istio-init-failure: names deployment review/notify, quotes iptables and the missing capabilities', () => {
    const [r] = resultsOn(istioInitFailures, 'istio-init-failure', 'init-prod');
    expect(r?.status).toBe('fail');
    expect(r?.summary).toContain('istio-init fails in 1 pod of deployment review/notify');
    expect(r?.summary).toContain('lacks NET_ADMIN');
    expect(r?.evidence).toContainEqual(expect.objectContaining({ kind: 'Pod', namespace: 'review', field: 'log[istio-init]', log: expect.stringContaining("unable to initialize table 'nat'") }));
  });

  it('istiod-apiserver-unreachable: ongoing connectivity and RBAC errors, named and quoted', () => {
    const results = resultsOn(istiodApiserverErrors, 'istiod-apiserver-unreachable', 'apiserver-prod');
    expect(results.map((r) => r.status)).toEqual(['fail', 'fail']);
    expect(results[0]?.summary).toContain('is forbidden to list destinationrules.networking.istio.io');
    expect(results[1]?.summary).toMatch(/cannot reach the API server at [\d.]+:443 to watch \*v1\.Service/);
    expect(results[1]?.evidence?.[0]?.log).toContain('connect: connection refused');
  });

  it('app-before-proxy: names deployment review/review, quotes connection refused, proposes hold-app-until-proxy', () => {
    const [r] = resultsOn(appStartsBeforeProxy, 'app-before-proxy', 'startup-prod');
    expect(r?.status).toBe('fail');
    expect(r?.summary).toContain('Container review of 1 pod of deployment review/review crashed right after start');
    expect(r?.summary).toContain('connect: connection refused');
    expect(r?.remediation).toMatchObject({ id: 'hold-app-until-proxy', target: { kind: 'Deployment', namespace: 'review', name: 'review' }, patchType: 'strategic' });
  });

  it('gateway-crd-shadow: names the shadowing CRD and the Istio Gateway it hides', () => {
    const [r] = resultsOn(gatewayCrdConflict, 'gateway-crd-shadow', 'gwcrd-prod');
    expect(r?.status).toBe('fail');
    expect(r?.summary).toContain('CRD gateways.gateway.networking.k8s.io');
    expect(r?.summary).toContain('use `kubectl get gateways.networking.istio.io`');
    expect(r?.evidence).toContainEqual(expect.objectContaining({ kind: 'CustomResourceDefinition', name: 'gateways.gateway.networking.k8s.io' }));
  });
});
