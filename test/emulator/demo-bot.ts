// A minimal REAL Bolt app for the emulator tests: `/mesh` acks with mesh-medic's queued message,
// posts a parent message, updates it with the verdict and posts mesh-medic's real report renderer
// output in the thread (header, sections, context, Approve/Reject buttons). Approve opens a modal;
// its submission posts a thread reply (or answers with input errors for the reason "bad").

import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, type Logger, LogLevel } from '@slack/bolt';
import type { Finding } from '../../src/domain/finding.ts';
import { escapeMrkdwn } from '../../src/slack/mrkdwn.ts';
import { APPROVE_ACTION_ID, REJECT_ACTION_ID, renderProgress, renderQueued, renderReport } from '../../src/slack/render/index.ts';

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, setLevel() {}, getLevel: () => LogLevel.ERROR, setName() {} };

export const HOSTILE_LOG = 'xds <script>window.__pwned=1</script> <img src=x onerror="window.__pwned=1"> *not bold* <!channel>';

export const CHECKS = ['istiod-remote-endpoints', 'gateway-xds-unreachable', 'gateway-readiness'];

/** Findings modelled on field report 000 (hosted mesh, istiod-remote holds the istiod pod IP). */
export function demoFindings(cluster: string): Finding[] {
  return [
    {
      check: 'istiod-remote-endpoints',
      cluster,
      status: 'fail',
      severity: 'critical',
      summary: 'Endpoints istio-system/istiod-remote hold the control plane pod IP 10.233.48.75 instead of the LoadBalancer IP 172.18.0.240 of istiod-mesh1-hosted-lb.',
      evidence: [
        { cluster, kind: 'Endpoints', namespace: 'istio-system', name: 'istiod-remote', field: 'subsets[0].addresses[0].ip', value: '10.233.48.75' },
        { cluster, kind: 'Pod', namespace: 'istio-system', name: 'istio-ingressgateway-7d9f', log: `StreamAggregatedResources gRPC config stream to xds-grpc closed: dial tcp 10.233.48.75:15012: i/o timeout` },
        { cluster, kind: 'Pod', namespace: 'istio-system', name: 'istio-ingressgateway-7d9f', log: HOSTILE_LOG },
      ],
      playbook: 'hosted-control-plane-address',
      remediation: null,
    },
    { check: 'gateway-xds-unreachable', cluster, status: 'pass', severity: 'high', summary: 'ok', evidence: [], playbook: 'gateway-xds', remediation: null },
    { check: 'gateway-readiness', cluster, status: 'pass', severity: 'high', summary: 'ok', evidence: [], playbook: 'gateway-readiness', remediation: null },
  ];
}

const playbookFor = (id: string) => ({
  title: `Point istiod-remote at the hosted control plane (${id})`,
  excerpt: 'Set the mesh control-plane address to the **LoadBalancer IP** of `istiod-<mesh>-hosted-lb` (ports 15012 and 15017).',
});

export interface DemoBot {
  /** The Request URL (`…/slack/events`). */
  url: string;
  /** What the listeners saw, in order ("command:…", "action:…", "view:…"). */
  seen: string[];
  /** Every slash command payload as Bolt parsed it. */
  commands: Record<string, unknown>[];
  /** Every block_actions payload as Bolt parsed it. */
  actions: Record<string, unknown>[];
  close(): Promise<void>;
}

export async function startDemoBot(opts: { slackApiUrl: string; signingSecret: string; botToken: string }): Promise<DemoBot> {
  const seen: string[] = [];
  const commands: Record<string, unknown>[] = [];
  const actions: Record<string, unknown>[] = [];
  const app = new App({
    token: opts.botToken,
    receiver: new HTTPReceiver({ signingSecret: opts.signingSecret, endpoints: '/slack/events', logger: quiet }),
    clientOptions: { slackApiUrl: opts.slackApiUrl, retryConfig: { retries: 0 } },
    logger: quiet,
  });

  app.command('/mesh', async ({ ack, command, client }) => {
    const cluster = command.text.replace(/^diagnose\s+/, '').trim() || 'demo';
    seen.push(`command:${command.text}:${command.user_id}:${command.channel_id}`);
    commands.push({ ...command });
    await ack(renderQueued(cluster, CHECKS));
    const queued = renderProgress({ cluster, total: 3, done: 0, counts: {}, startedBy: command.user_id, state: 'reading' });
    const parent = await client.chat.postMessage({ channel: command.channel_id, ...queued });
    const findings = demoFindings(cluster);
    const verdict = { failing: [{ check: 'istiod-remote-endpoints', severity: 'critical' as const }] };
    const done = renderProgress({ cluster, total: 3, done: 3, counts: { fail: 1, pass: 2 }, startedBy: command.user_id, state: 'done', verdict });
    await client.chat.update({ channel: command.channel_id, ts: parent.ts!, ...done });
    const report = renderReport(
      { cluster, startedAt: '2025-01-01T10:00:00.000Z', durationMs: 4200, apiCalls: 57, findings },
      playbookFor,
      { proposalIdFor: (f) => (f.status === 'fail' ? `prop-${f.check}` : undefined) },
    );
    for (const message of report) await client.chat.postMessage({ channel: command.channel_id, thread_ts: parent.ts!, ...message });
  });

  app.action(APPROVE_ACTION_ID, async ({ ack, body, action, client }) => {
    await ack();
    const value = 'value' in action ? String(action.value) : '';
    seen.push(`action:approve:${value}:${body.user.id}`);
    actions.push(body as unknown as Record<string, unknown>);
    const b = body as unknown as { trigger_id: string; channel: { id: string }; message: { ts: string; thread_ts?: string } };
    await client.views.open({
      trigger_id: b.trigger_id,
      view: {
        type: 'modal',
        callback_id: 'approve_fix',
        private_metadata: JSON.stringify({ channel: b.channel.id, thread_ts: b.message.thread_ts ?? b.message.ts, proposal: value }),
        title: { type: 'plain_text', text: 'Approve fix' },
        submit: { type: 'plain_text', text: 'Apply fix' },
        close: { type: 'plain_text', text: 'Cancel' },
        blocks: [
          { type: 'section', text: { type: 'mrkdwn', text: `Apply proposal \`${escapeMrkdwn(value)}\` to *istio-system/istiod-remote*? :wrench:` } },
          { type: 'input', block_id: 'reason', label: { type: 'plain_text', text: 'Reason' }, element: { type: 'plain_text_input', action_id: 'reason_text', multiline: true } },
        ],
      },
    });
  });

  app.action(REJECT_ACTION_ID, async ({ ack, action }) => {
    await ack();
    seen.push(`action:reject:${'value' in action ? String(action.value) : ''}`);
  });

  // An accessory button answered through the response_url, as many apps do.
  app.action('show_details', async ({ ack, action, respond }) => {
    await ack();
    await respond({ response_type: 'ephemeral', text: `Details for *${escapeMrkdwn('value' in action ? String(action.value) : '')}*` });
  });

  app.view('approve_fix', async ({ ack, view, body, client }) => {
    const reason = view.state.values.reason?.reason_text?.value ?? '';
    seen.push(`view:${reason}:${body.user.id}`);
    if (reason === 'bad') {
      await ack({ response_action: 'errors', errors: { reason: 'Give a real reason' } });
      return;
    }
    await ack();
    const meta = JSON.parse(view.private_metadata) as { channel: string; thread_ts: string; proposal: string };
    await client.chat.postMessage({
      channel: meta.channel,
      thread_ts: meta.thread_ts,
      text: `:white_check_mark: <@${body.user.id}> approved \`${meta.proposal}\`: ${escapeMrkdwn(reason)}`,
    });
  });

  const server = (await app.start(0)) as Server;
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/slack/events`, seen, commands, actions, close: async () => void (await app.stop()) };
}
