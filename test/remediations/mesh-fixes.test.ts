// The other catalog entries end to end on their scenarios (one sandbox serving them all, real
// Redis): point-istiod-remote then its restart-gateway follow-up on hosted-east (seed 000), the
// istio-system network label (seed 002), hold-app-until-proxy keeping what the annotation already
// said (seed 004), and label-remote-secret (seed 002) without a credential ever reaching the audit
// stream, the log or Redis.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROPOSAL_PREFIX } from '../../src/approvals/store.ts';
import { AUDIT_STREAM } from '../../src/audit/audit-log.ts';
import type { K8sObject } from '../../src/domain/k8s-object.ts';
import { executeProposal } from '../../src/remediations/execute.ts';
import { proposeFix, proposeFollowUps, proposeUndo } from '../../src/remediations/propose.ts';
import { REMEDIATIONS_BY_ID } from '../../src/remediations/index.ts';
import { RESTARTED_AT } from '../../src/remediations/restart-gateway.ts';
import type { Plan } from '../../src/remediations/types.ts';
import { Kubectl } from '../sandbox/kubectl.ts';
import { APPROVER, findingWithFix, type Harness, liveFindings, podsOf, REQUESTER, specOf, startHarness, storedObject, withoutVolatile } from './harness.ts';

const PROXY_CONFIG = 'proxy.istio.io/config';
const EXISTING_PROXY_CONFIG = '{"concurrency":2,"tracing":{"sampling":10}}';

let h: Harness;

function annotate(obj: K8sObject | undefined, annotations: Record<string, string>): void {
  if (!obj) throw new Error('object to annotate not found');
  obj.spec.template.metadata.annotations = { ...(obj.spec.template.metadata.annotations ?? {}), ...annotations };
}

beforeAll(async () => {
  h = await startHarness({
    scenarios: ['hosted-xds-timeout', 'multicluster-network-labels', 'app-before-proxy', 'multicluster-remote-secret'],
    mutate: (specs) => {
      // startup-prod's workload already has ProxyConfig settings and another annotation: the fix must keep both.
      const startup = specOf(specs, 'startup-prod');
      annotate(
        startup.objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'review'),
        { [PROXY_CONFIG]: EXISTING_PROXY_CONFIG, 'prometheus.io/scrape': 'true' },
      );
      // secret-west's (working) remote secret for secret-east loses its label: istiod would ignore it.
      const secret = specOf(specs, 'secret-west').objects.find((o) => o.kind === 'Secret' && o.metadata.name === 'istio-remote-secret-secret-east');
      if (!secret?.metadata.labels) throw new Error('remote secret not found in secret-west');
      delete secret.metadata.labels['istio/multiCluster'];
    },
  });
});

afterAll(async () => {
  await h?.close();
});

async function approveAndExecute(id: string) {
  expect((await h.store.recordApproval(id, APPROVER, [])).outcome).toBe('approved');
  const outcome = await executeProposal(id, h.deps);
  if (outcome.outcome !== 'applied') throw new Error(`not applied: ${JSON.stringify(outcome)}`);
  return outcome;
}

async function proposeFor(cluster: string, check: string, remediation: string) {
  const proposed = await proposeFix(await findingWithFix(h, cluster, check, remediation), REQUESTER, h.deps);
  if (!proposed.ok) throw new Error(proposed.reason);
  return proposed.proposal;
}

describe('point-istiod-remote then restart-gateway on hosted-east', () => {
  let pointId: string;
  let endpointsBefore: K8sObject;

  it('repoints istiod-remote at the hosted-lb LoadBalancer IP and says who may revert it', async () => {
    endpointsBefore = storedObject(h, 'hosted-east', 'endpoints', 'istio-system', 'istiod-remote');
    const p = await proposeFor('hosted-east', 'istiod-remote-endpoints', 'point-istiod-remote');
    pointId = p.id;
    expect(p.plan.blastRadius).toContain('All sidecars and gateways in hosted-east reconnect');
    expect(p.plan.notes.join(' ')).toMatch(/may reconcile them back.*durable fix.*10\.6\.112\.201/);
    expect(p.plan.followUps).toEqual([
      expect.objectContaining({ remediation: 'restart-gateway', target: expect.objectContaining({ kind: 'Deployment', namespace: 'istio-system', name: 'istio-ingressgateway' }) }),
    ]);
    const outcome = await approveAndExecute(p.id);
    expect(outcome.result.verification?.status).toBe('verified');
    const after = storedObject(h, 'hosted-east', 'endpoints', 'istio-system', 'istiod-remote');
    expect(after.subsets).toEqual([
      {
        addresses: [{ ip: '10.6.112.201' }],
        ports: [
          { name: 'tcp-istiod', port: 15012, protocol: 'TCP' },
          { name: 'tcp-webhook', port: 15017, protocol: 'TCP' },
        ],
      },
    ]);
    expect(withoutVolatile({ ...after, subsets: endpointsBefore.subsets })).toEqual(withoutVolatile(endpointsBefore));
    // The mirroring controller followed: the check reads EndpointSlices too and passes.
    expect((await liveFindings(h, 'hosted-east', 'istiod-remote-endpoints')).map((f) => f.status)).toEqual(['pass']);
  });

  it('proposes restart-gateway as an approval-gated follow-up that rolls the gateway pods', async () => {
    const oldPods = podsOf(h, 'hosted-east', 'istio-system', 'istio-ingressgateway').map((p) => p.metadata.name);
    expect(oldPods.length).toBeGreaterThan(0);
    const followUps = await proposeFollowUps(pointId, REQUESTER, h.deps);
    expect(followUps).toHaveLength(1);
    const fu = followUps[0]!;
    if (!fu.ok) throw new Error(fu.reason);
    expect(fu.proposal).toMatchObject({ remediation: 'restart-gateway', parent: pointId, state: 'pending', check: 'gateway-readiness' });
    const outcome = await approveAndExecute(fu.proposal.id);
    expect(outcome.result.verification?.status).toBe('verified');
    const gateway = storedObject(h, 'hosted-east', 'deployments.apps', 'istio-system', 'istio-ingressgateway');
    expect(typeof gateway.spec.template.metadata.annotations[RESTARTED_AT]).toBe('string');
    const newPods = podsOf(h, 'hosted-east', 'istio-system', 'istio-ingressgateway');
    expect(newPods.length).toBe(oldPods.length);
    expect(newPods.some((p) => oldPods.includes(p.metadata.name))).toBe(false);
    expect((await liveFindings(h, 'hosted-east', 'gateway-readiness')).map((f) => f.status)).toEqual(['pass']);
  });

  it('undo of point-istiod-remote restores the previous Endpoints subsets exactly', async () => {
    const undo = await proposeUndo(pointId, REQUESTER, h.deps);
    if (!undo.ok) throw new Error(undo.reason);
    await approveAndExecute(undo.proposal.id);
    const restored = storedObject(h, 'hosted-east', 'endpoints', 'istio-system', 'istiod-remote');
    expect(withoutVolatile(restored)).toEqual(withoutVolatile(endpointsBefore));
  });
});

describe('label-istio-system-network on netlabel-west', () => {
  let planned: Plan | undefined;

  it('labels istio-system with the registered network and nothing else', async () => {
    const before = storedObject(h, 'netlabel-west', 'namespaces', undefined, 'istio-system');
    const p = await proposeFor('netlabel-west', 'network-labels', 'label-istio-system-network');
    expect(p.plan.diff).toEqual([`metadata.labels['topology.istio.io/network']: (absent) → "network2"`]);
    const outcome = await approveAndExecute(p.id);
    expect(outcome.result.verification?.status).toBe('verified');
    const after = storedObject(h, 'netlabel-west', 'namespaces', undefined, 'istio-system');
    const expected = withoutVolatile(before);
    expected.metadata.labels = { ...expected.metadata.labels, 'topology.istio.io/network': 'network2' };
    expect(withoutVolatile(after)).toEqual(expected);
    planned = p.plan;
  });

  it('verify reports failed when something reverts the label (as a reconciling installer would)', async () => {
    const kubectl = new Kubectl(h.sandbox.cluster('netlabel-west').kubeconfigPath);
    try {
      await kubectl.ok(['label', 'namespace', 'istio-system', 'topology.istio.io/network-']);
    } finally {
      kubectl.cleanup();
    }
    const result = await REMEDIATIONS_BY_ID.get('label-istio-system-network')!.verify(planned!, { registry: h.registry, source: h.source, options: { timeoutMs: 200 } });
    expect(result.status).toBe('failed');
    expect(result.summary).toContain(`Namespace istio-system no longer holds the change (metadata.labels['topology.istio.io/network'] is (absent), not "network2")`);
  });

  it('verify reports not-yet-verified while the check still fails after the bounded wait', async () => {
    // The label is gone again; a plan whose own fields hold (none) but whose check still fails.
    const result = await REMEDIATIONS_BY_ID.get('label-istio-system-network')!.verify(
      { ...planned!, changes: [] },
      { registry: h.registry, source: h.source, options: { timeoutMs: 150, initialDelayMs: 20, maxDelayMs: 40 } },
    );
    expect(result.status).toBe('not-yet-verified');
    expect(result.attempts).toBeGreaterThanOrEqual(1);
    expect(result.summary).toContain('network-labels still reports: Namespace istio-system in netlabel-west has no topology.istio.io/network label');
  });
});

describe('hold-app-until-proxy on startup-prod', () => {
  it('adds the hold to the existing ProxyConfig and keeps every other annotation', async () => {
    const before = storedObject(h, 'startup-prod', 'deployments.apps', 'review', 'review');
    const p = await proposeFor('startup-prod', 'app-starts-before-proxy', 'hold-app-until-proxy');
    const merged = '{"concurrency":2,"tracing":{"sampling":10},"holdApplicationUntilProxyStarts":true}';
    expect(p.plan.diff).toEqual([`spec.template.metadata.annotations['proxy.istio.io/config']: ${JSON.stringify(EXISTING_PROXY_CONFIG)} → ${JSON.stringify(merged)}`]);
    const outcome = await approveAndExecute(p.id);
    expect(outcome.result.verification?.status).toBe('verified');
    const after = storedObject(h, 'startup-prod', 'deployments.apps', 'review', 'review');
    expect(after.spec.template.metadata.annotations).toEqual({ ...before.spec.template.metadata.annotations, [PROXY_CONFIG]: merged });
    expect(JSON.parse(after.spec.template.metadata.annotations[PROXY_CONFIG])).toEqual({ concurrency: 2, tracing: { sampling: 10 }, holdApplicationUntilProxyStarts: true });
    const pods = podsOf(h, 'startup-prod', 'review', 'review');
    expect(pods.length).toBeGreaterThan(0);
    expect(pods.every((pod) => pod.metadata.annotations?.[PROXY_CONFIG] === merged && pod.metadata.annotations?.['prometheus.io/scrape'] === 'true')).toBe(true);
  });
});

describe('label-remote-secret on secret-west', () => {
  it('adds istio/multiCluster=true and changes nothing else of the secret', async () => {
    const before = storedObject(h, 'secret-west', 'secrets', 'istio-system', 'istio-remote-secret-secret-east');
    const p = await proposeFor('secret-west', 'remote-secrets', 'label-remote-secret');
    expect(p.plan.patch).toEqual({ metadata: { labels: { 'istio/multiCluster': 'true' } } });
    const outcome = await approveAndExecute(p.id);
    expect(outcome.result.verification?.status).toBe('verified');
    const after = storedObject(h, 'secret-west', 'secrets', 'istio-system', 'istio-remote-secret-secret-east');
    expect(after.data).toEqual(before.data);
    expect(after.metadata.labels).toEqual({ ...before.metadata.labels, 'istio/multiCluster': 'true' });
  });

  it('no token, kubeconfig or private key reaches the audit stream, the log lines or the stored proposals', async () => {
    const stream = JSON.stringify(await h.redis.xrange(AUDIT_STREAM, '-', '+'));
    const keys = await h.redis.keys(`${PROPOSAL_PREFIX}*`);
    const proposals = JSON.stringify(await Promise.all(keys.map((k) => h.redis.hgetall(k))));
    const logs = h.logLines.join('\n');
    expect(stream).toContain('label-remote-secret');
    expect(logs).toContain('label-remote-secret');
    expect(keys.length).toBeGreaterThan(0);
    const data = storedObject(h, 'secret-west', 'secrets', 'istio-system', 'istio-remote-secret-secret-east').data as Record<string, string>;
    const secretData = data['secret-east'] ?? '';
    expect(secretData.length).toBeGreaterThan(40);
    for (const [name, text] of Object.entries({ stream, proposals, logs })) {
      for (const cluster of h.sandbox.clusters.values()) expect(text, `${name} holds ${cluster.name}'s token`).not.toContain(cluster.token);
      expect(text, name).not.toContain('PRIVATE KEY');
      expect(text, name).not.toContain('certificate-authority-data');
      expect(text, name).not.toContain(secretData.slice(0, 40));
    }
  });
});
