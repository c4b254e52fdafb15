// Seed 000 (hosted-xds-timeout) through Slack, the way people do it: `/mesh diagnose hosted-east`
// offers point-istiod-remote; an approver approves it (button → modal with the server-side dry run
// → submit) and istiod-remote points at the hosted-lb LoadBalancer IP. The fix named a follow-up,
// so the thread then offers restart-gateway for istio-ingressgateway as a new proposal with its
// own buttons; approving that rolls the gateway. The follow-up is gated like any fix: a stranger's
// click and a second approval change nothing.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { K8sObject } from '../../src/domain/k8s-object.ts';
import { RESTARTED_AT } from '../../src/remediations/restart-gateway.ts';
import { APPROVE_ACTION_ID, REJECT_ACTION_ID } from '../../src/slack/render/index.ts';
import type { StoredMessage } from '../fakes/slack-api.ts';
import {
  APPROVER,
  APPROVER_2,
  approveValues,
  CHANNEL,
  click,
  current,
  ephemeralTexts,
  type Harness,
  modalsFor,
  patches,
  REQUESTER,
  readyModals,
  remediateJobs,
  STRANGER,
  slash,
  startHarness,
  stored,
  submit,
  threadTexts,
  waitForEphemeral,
} from './harness.ts';

const CLUSTER = 'hosted-east';
const NS = 'istio-system';
const GATEWAY = 'istio-ingressgateway';
/** Seed 000: the LoadBalancer IP of istiod-ywistio-hosted-lb in hosted-cp (what hosted-east can reach). */
const HOSTED_LB_IP = '10.6.112.201';
/** Seed 000: the hosted istiod's Pod IP in hosted-cp (what istiod-remote wrongly holds). */
const HOSTED_POD_IP = '10.234.95.141';
const ISTIOD_PORTS = [
  { name: 'tcp-istiod', port: 15012, protocol: 'TCP' },
  { name: 'tcp-webhook', port: 15017, protocol: 'TCP' },
];

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ scenarios: ['hosted-xds-timeout'] });
});

afterAll(async () => {
  await h?.stop();
});

const texts = (blocks: unknown) => JSON.stringify(blocks);
const gateway = () => stored(h, CLUSTER, 'deployments.apps', NS, GATEWAY);
const at = (m: StoredMessage) => ({ channel: CHANNEL, ts: m.ts });

/** Every address the mirrored EndpointSlices of istiod-remote hold (what kube-proxy programs). */
function sliceAddresses(): string[] {
  const slices = h.sandbox.cluster(CLUSTER).store.list('endpointslices.discovery.k8s.io', NS);
  const mine = slices.filter((s: K8sObject) => s.metadata.labels?.['kubernetes.io/service-name'] === 'istiod-remote');
  if (mine.length === 0) throw new Error('no EndpointSlice for istiod-remote');
  return mine.flatMap((s: K8sObject) => (s.endpoints as { addresses: string[] }[]).flatMap((e) => e.addresses));
}

function gatewayPodNames(): string[] {
  return h.sandbox
    .cluster(CLUSTER)
    .store.list('pods', NS)
    .filter((p: K8sObject) => p.metadata.labels?.app === GATEWAY)
    .map((p: K8sObject) => p.metadata.name);
}

/** Waits for the thread reply with the outcome (applied, refused or failed) of `remediation`. */
function outcomeReply(threadTs: string, remediation: string): Promise<string> {
  const outcome = new RegExp(`^(Applied \\([a-z -]+\\)|Refused|Failed): ${remediation} on ${CLUSTER}\n`);
  return h.slack.waitFor(() => threadTexts(h, CHANNEL, threadTs).find((t) => outcome.test(t)), 30_000);
}

describe('point-istiod-remote, then its restart-gateway follow-up, approved through Slack', () => {
  let report: StoredMessage;
  let fixId: string;
  let threadTs: string;
  let followUp: StoredMessage;
  let followUpId: string;

  it('/mesh diagnose hosted-east: the report offers the point-istiod-remote fix with Approve / Reject', async () => {
    expect((await slash(h, `diagnose ${CLUSTER}`)).status).toBe(200);
    report = await h.slack.waitFor((api) => api.messages(CHANNEL).find((m) => m.thread_ts && approveValues(m).length > 0), 30_000);
    threadTs = report.thread_ts!;
    // One fix is offered: the gateway findings are symptoms, restarting is only a follow-up.
    expect(approveValues(report)).toHaveLength(1);
    fixId = approveValues(report)[0]!;
    const shown = texts(report.blocks);
    expect(shown).toContain('`istiod-remote-endpoints`');
    expect(shown).toContain(`*Proposed fix:* Point istio-system/istiod-remote at the LoadBalancer IP ${HOSTED_LB_IP}`);
    for (const check of ['gateway-readiness', 'gateway-xds-unreachable']) expect(shown).toContain(`\`${check}\``);
  });

  it('an approver’s click opens the confirmation: the new address, the dry run, and the follow-up it will offer', async () => {
    const before = patches(h, CLUSTER);
    expect((await click(h, at(report), APPROVE_ACTION_ID, fixId, APPROVER)).status).toBe(200);
    const [modal] = await readyModals(h, fixId);
    const shown = texts(modal!.view.blocks);
    expect(shown).toContain('*Fix: Point istio-system/istiod-remote in hosted-east at 10.6.112.201* (`point-istiod-remote`)');
    expect(shown).toContain('Server-side dry run: accepted');
    expect(shown).toContain('*Offered afterwards (each needs its own approval)*');
    expect(shown).toContain('`restart-gateway` `Deployment istio-system/istio-ingressgateway`');
    // The dry run is the only PATCH so far, and nothing is queued until the modal is submitted.
    expect(patches(h, CLUSTER)).toBe(before + 1);
    expect(stored(h, CLUSTER, 'endpoints', NS, 'istiod-remote').subsets).toEqual([{ addresses: [{ ip: HOSTED_POD_IP }], ports: ISTIOD_PORTS }]);
    expect(sliceAddresses()).toEqual([HOSTED_POD_IP]);
    expect(await remediateJobs(h)).toBe(0);
  });

  it('submitting applies it: the thread says applied · verified and istiod-remote holds the LoadBalancer IP', async () => {
    const [modal] = await readyModals(h, fixId);
    expect((await submit(h, modal!, APPROVER)).status).toBe(200);
    const outcome = await outcomeReply(threadTs, 'point-istiod-remote');
    expect(outcome).toContain('Applied · verified');
    expect(stored(h, CLUSTER, 'endpoints', NS, 'istiod-remote').subsets).toEqual([{ addresses: [{ ip: HOSTED_LB_IP }], ports: ISTIOD_PORTS }]);
    expect(sliceAddresses()).toEqual([HOSTED_LB_IP]);
    const edited = await h.slack.waitFor(() => {
      const m = current(h, CHANNEL, report.ts);
      return texts(m.blocks).includes('· applied · verified') ? m : undefined;
    }, 15_000);
    expect(approveValues(edited)).toEqual([]);
    expect(texts(edited.blocks)).toMatch(new RegExp(`Approved by <@${APPROVER}> at \\d\\d:\\d\\d UTC · applied · verified`));
  });

  it('the thread then offers restart-gateway for the gateway as a follow-up with its own buttons, saying why', async () => {
    followUp = await h.slack.waitFor((api) => api.thread(CHANNEL, threadTs).find((m) => m.text.startsWith('Follow-up proposed')), 30_000);
    expect(followUp.text).toBe(`Follow-up proposed: Restart gateway ${NS}/${GATEWAY} on ${CLUSTER}`);
    expect(approveValues(followUp)).toHaveLength(1);
    followUpId = approveValues(followUp)[0]!;
    expect(followUpId).not.toBe(fixId);
    const buttons = (followUp.blocks as { type: string; elements?: { action_id?: string; value?: string }[] }[]).filter((b) => b.type === 'actions');
    expect(buttons.flatMap((b) => b.elements ?? []).map((e) => [e.action_id, e.value])).toEqual([
      [APPROVE_ACTION_ID, followUpId],
      [REJECT_ACTION_ID, followUpId],
    ]);
    const shown = texts(followUp.blocks);
    expect(shown).toContain(`*Follow-up: Restart gateway ${NS}/${GATEWAY}* (\`restart-gateway\`)`);
    expect(shown).toContain(`\`Deployment ${NS}/${GATEWAY}\` on *${CLUSTER}*`);
    expect(shown).toContain('so its pods leave crash-loop back-off and reconnect to istiod at once');
    expect(shown).toContain(`spec.template.metadata.annotations['${RESTARTED_AT}']: (absent) → `);
    expect(shown).toContain(`requested by <@${REQUESTER}>`);
    // Offered once, and the gateway has not been touched yet.
    expect(h.slack.thread(CHANNEL, threadTs).filter((m) => m.text.startsWith('Follow-up proposed'))).toHaveLength(1);
    expect(gateway().spec.template.metadata.annotations?.[RESTARTED_AT]).toBeUndefined();
  });

  it('a stranger’s click on the follow-up is refused with an ephemeral, and nothing is patched or queued', async () => {
    const before = patches(h, CLUSTER);
    const jobs = await remediateJobs(h);
    await click(h, at(followUp), APPROVE_ACTION_ID, followUpId, STRANGER);
    const shown = await waitForEphemeral(h, STRANGER, /Not done/);
    expect(shown).toContain(`you are not an approver for ${CLUSTER}`);
    expect(patches(h, CLUSTER)).toBe(before);
    expect(await remediateJobs(h)).toBe(jobs);
    expect(modalsFor(h, followUpId)).toEqual([]);
    expect(approveValues(current(h, CHANNEL, followUp.ts))).toEqual([followUpId]);
  });

  it('approving the follow-up (button → modal → submit) restarts the gateway and the thread says applied', async () => {
    const podsBefore = gatewayPodNames();
    expect(podsBefore.length).toBeGreaterThan(0);
    await click(h, at(followUp), APPROVE_ACTION_ID, followUpId, APPROVER_2);
    const [modal] = await readyModals(h, followUpId);
    const confirm = texts(modal!.view.blocks);
    expect(confirm).toContain(`*Follow-up: Restart gateway ${NS}/${GATEWAY}*`);
    expect(confirm).toContain('Server-side dry run: accepted');
    expect(confirm).toContain(`Rolls 1 pod of ${NS}/${GATEWAY}`);
    expect(gateway().spec.template.metadata.annotations?.[RESTARTED_AT]).toBeUndefined();

    expect((await submit(h, modal!, APPROVER_2)).status).toBe(200);
    const outcome = await outcomeReply(threadTs, 'restart-gateway');
    expect(outcome).toContain(`\`restart-gateway\` on \`Deployment ${NS}/${GATEWAY}\``);
    expect(outcome).toContain('Applied · verified');
    const restartedAt = gateway().spec.template.metadata.annotations?.[RESTARTED_AT];
    expect(typeof restartedAt).toBe('string');
    expect(Number.isNaN(Date.parse(restartedAt))).toBe(false);
    // The rollout replaced the stuck pods.
    const podsAfter = gatewayPodNames();
    expect(podsAfter).toHaveLength(podsBefore.length);
    expect(podsAfter.filter((p) => podsBefore.includes(p))).toEqual([]);

    const edited = await h.slack.waitFor(() => {
      const m = current(h, CHANNEL, followUp.ts);
      return texts(m.blocks).includes('· applied') ? m : undefined;
    }, 15_000);
    expect(approveValues(edited)).toEqual([]);
    expect(texts(edited.blocks)).toMatch(new RegExp(`Approved by <@${APPROVER_2}> at \\d\\d:\\d\\d UTC · applied`));
    await waitForEphemeral(h, APPROVER_2, /being applied/);
  });

  it('/mesh audit hosted-east lists both remediations and the follow-up proposal', async () => {
    expect((await slash(h, `audit ${CLUSTER}`, APPROVER)).status).toBe(200);
    const shown = await waitForEphemeral(h, APPROVER, /Audit log of hosted-east/);
    expect(shown).toContain('`point-istiod-remote`');
    expect(shown).toContain('`restart-gateway`');
    expect(shown).toContain('*follow-up-proposed*');
    expect(shown).toContain(`\`Endpoints ${NS}/istiod-remote\``);
    expect(shown).toContain(`\`Deployment ${NS}/${GATEWAY}\``);
    expect(shown.match(/\*apply\* applied/g)).toHaveLength(2);
  });

  it('the applied follow-up cannot be approved again: stale buttons and resubmitted modals patch nothing', async () => {
    const before = patches(h, CLUSTER);
    const jobs = await remediateJobs(h);
    const annotation = gateway().spec.template.metadata.annotations?.[RESTARTED_AT];
    const [modal] = modalsFor(h, followUpId);
    // Another approver clicks the buttons as they were first posted (a stale client, a replay)…
    await click(h, at(followUp), APPROVE_ACTION_ID, followUpId, APPROVER, { message: followUp });
    expect(await waitForEphemeral(h, APPROVER, /Not done/)).toContain('this proposal is applied, not pending approval');
    // …or submits the confirmation modal anyway: the store refuses a second approval.
    await submit(h, modal!, APPROVER);
    await h.slack.waitFor(() => ephemeralTexts(h, APPROVER).filter((t) => t.includes('this proposal is applied, not pending approval')).length >= 2 || undefined, 15_000);
    // The approver who applied it submits again: told it was already approved, nothing is queued.
    await submit(h, modal!, APPROVER_2);
    await waitForEphemeral(h, APPROVER_2, /Already approved/);
    expect(modalsFor(h, followUpId)).toHaveLength(1);
    expect(patches(h, CLUSTER)).toBe(before);
    expect(await remediateJobs(h)).toBe(jobs);
    expect(gateway().spec.template.metadata.annotations?.[RESTARTED_AT]).toBe(annotation);
    expect(threadTexts(h, CHANNEL, threadTs).filter((t) => t.includes(': restart-gateway on '))).toHaveLength(1);
    expect(h.slack.thread(CHANNEL, threadTs).filter((m) => m.text.startsWith('Follow-up proposed'))).toHaveLength(1);
  });
});
