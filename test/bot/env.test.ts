// The bot's environment: validated once, a missing or malformed variable named in the error, and
// no secret value ever repeated back in it.

import { describe, expect, it } from 'vitest';
import { readBotEnv, readEnv, readLogLevel, readServiceEnv } from '../../src/config/env.ts';
import { approvalSettingsFrom } from '../../src/queue/remediation-services.ts';

const FULL = {
  SLACK_BOT_TOKEN: 'xoxb-1234-secret-bot-token',
  SLACK_SIGNING_SECRET: 'sign1ng-secret-value',
  REDIS_URL: 'redis://:redis-password@redis.internal:6379/0',
  MESH_MEDIC_CLUSTERS: '/etc/mesh-medic/clusters.yaml',
};

describe('readBotEnv', () => {
  it('reads every variable, with defaults for PORT and the approver list', () => {
    expect(readBotEnv(FULL)).toEqual({
      slack: { botToken: FULL.SLACK_BOT_TOKEN, signingSecret: FULL.SLACK_SIGNING_SECRET },
      redisUrl: FULL.REDIS_URL,
      clustersPath: FULL.MESH_MEDIC_CLUSTERS,
      port: 3000,
      approvers: [],
      k8s: { timeoutMs: 10_000, concurrency: 6, callBudget: 2_000, peerCacheMs: 15_000 },
    });
    const all = readBotEnv({
      ...FULL,
      SLACK_APP_TOKEN: 'xapp-1-A1-socket',
      SLACK_API_URL: 'http://127.0.0.1:4000/api/',
      PORT: '8080',
      MESH_MEDIC_CHANNEL: 'C0ALERTS01',
      MESH_MEDIC_APPROVERS: 'U0LEAD0001, S0SRE00001,U0LEAD0001',
    });
    expect(all.slack).toEqual({ botToken: FULL.SLACK_BOT_TOKEN, signingSecret: FULL.SLACK_SIGNING_SECRET, appToken: 'xapp-1-A1-socket', apiUrl: 'http://127.0.0.1:4000/api/' });
    expect(all.port).toBe(8080);
    expect(all.channel).toBe('C0ALERTS01');
    expect(all.approvers).toEqual(['U0LEAD0001', 'S0SRE00001']);
  });

  it('with SLACK_BOT_TOKEN set, names each required variable that is missing', () => {
    expect(() => readBotEnv({ SLACK_BOT_TOKEN: FULL.SLACK_BOT_TOKEN })).toThrow(
      /SLACK_SIGNING_SECRET: required\n {2}- REDIS_URL: required\n {2}- MESH_MEDIC_CLUSTERS: required/,
    );
  });

  it('without SLACK_BOT_TOKEN, points a lone bot or worker at sandbox mode (`mesh-medic all`)', () => {
    expect(() => readBotEnv({})).toThrow(/SLACK_BOT_TOKEN: required \(or leave it unset and run `mesh-medic all` \/ `npm start`: sandbox mode/);
  });

  it('names every malformed variable without echoing its value', () => {
    let message = '';
    try {
      readBotEnv({ ...FULL, SLACK_BOT_TOKEN: 'xoxp-user-token-not-a-bot', SLACK_API_URL: 'http://127.0.0.1:4000/', PORT: '70000', REDIS_URL: 'localhost:6379', MESH_MEDIC_APPROVERS: 'alice,bob' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('SLACK_BOT_TOKEN: must be a bot token (xoxb-…)');
    expect(message).toContain('SLACK_API_URL: must be an http(s) URL ending in /api/');
    expect(message).toContain('PORT: must be a port number (1-65535)');
    expect(message).toContain('REDIS_URL: must be a redis:// or rediss:// URL');
    expect(message).toContain('MESH_MEDIC_APPROVERS: must be comma-separated Slack user');
    expect(message).not.toContain('xoxp-user-token-not-a-bot');
  });

  it('leaves the other commands\' configuration as it was', () => {
    expect(readEnv(FULL).k8s).toEqual({ timeoutMs: 10_000, concurrency: 6, callBudget: 2_000, peerCacheMs: 15_000 });
    expect(readEnv(FULL).clustersPath).toBe(FULL.MESH_MEDIC_CLUSTERS);
  });
});

describe('approval policy variables (issue 5)', () => {
  const MIN = 60_000;

  it('unset or empty, leaves the policy at its defaults: 2 approvals on production, 1 elsewhere, 5 per hour, 30 minutes', () => {
    for (const env of [FULL, { ...FULL, MESH_MEDIC_PRODUCTION_APPROVALS: '', MESH_MEDIC_APPROVALS: '', MESH_MEDIC_REMEDIATIONS_PER_HOUR: '', MESH_MEDIC_PROPOSAL_TTL: '' }]) {
      const settings = readBotEnv(env);
      expect(settings.approvalPolicy).toBeUndefined();
      expect(approvalSettingsFrom(settings)).toEqual({ defaultApprovers: [], requiredApprovals: { production: 2, other: 1 } });
    }
  });

  it('reads each variable into the settings the bot and the worker hand to the approval store', () => {
    const settings = readBotEnv({
      ...FULL,
      MESH_MEDIC_APPROVERS: 'U0LEAD0001',
      MESH_MEDIC_PRODUCTION_APPROVALS: '3',
      MESH_MEDIC_APPROVALS: '2',
      MESH_MEDIC_REMEDIATIONS_PER_HOUR: '12',
      MESH_MEDIC_PROPOSAL_TTL: '45m',
    });
    expect(settings.approvalPolicy).toEqual({ requiredApprovalsProduction: 3, requiredApprovalsOther: 2, remediationsPerHour: 12, proposalTtlMs: 45 * MIN });
    expect(approvalSettingsFrom(settings)).toEqual({
      defaultApprovers: ['U0LEAD0001'],
      requiredApprovals: { production: 3, other: 2 },
      maxAppliedPerHour: 12,
      expiryMs: 45 * MIN,
    });
    // One variable alone changes only its own setting.
    expect(approvalSettingsFrom(readBotEnv({ ...FULL, MESH_MEDIC_PRODUCTION_APPROVALS: '1' })).requiredApprovals).toEqual({ production: 1, other: 1 });
  });

  it.each([
    ['30m', 30 * MIN],
    ['1800s', 30 * MIN],
    ['1800000', 30 * MIN],
    ['1h30m', 90 * MIN],
    [' 7d ', 7 * 24 * 60 * MIN],
  ])('MESH_MEDIC_PROPOSAL_TTL=%j is %d ms', (text, ms) => {
    expect(readBotEnv({ ...FULL, MESH_MEDIC_PROPOSAL_TTL: text }).approvalPolicy).toEqual({ proposalTtlMs: ms });
  });

  it('names every bad value: zero or non-numeric counts, TTLs that are no duration, under a minute or over a week', () => {
    const problems = (env: NodeJS.ProcessEnv): string => {
      try {
        readBotEnv({ ...FULL, ...env });
      } catch (err) {
        return (err as Error).message;
      }
      return '';
    };
    const counts = problems({ MESH_MEDIC_PRODUCTION_APPROVALS: '0', MESH_MEDIC_APPROVALS: 'two', MESH_MEDIC_REMEDIATIONS_PER_HOUR: '-1' });
    expect(counts).toContain('MESH_MEDIC_PRODUCTION_APPROVALS: must be a positive integer');
    expect(counts).toContain('MESH_MEDIC_APPROVALS: must be a positive integer');
    expect(counts).toContain('MESH_MEDIC_REMEDIATIONS_PER_HOUR: must be a positive integer');
    // `1800` meant as seconds is 1.8 s: refused, not obeyed.
    for (const ttl of ['1800', '30 minutes', '59s', '8d', 'soon']) {
      expect(problems({ MESH_MEDIC_PROPOSAL_TTL: ttl }), ttl).toContain('MESH_MEDIC_PROPOSAL_TTL: must be a duration such as 30m, 1800s, 1h or plain milliseconds (1800000), from 1m to 7d');
    }
  });

  it('refuses production clusters needing fewer approvals than the others, naming the variable that was set', () => {
    expect(() => readBotEnv({ ...FULL, MESH_MEDIC_APPROVALS: '3' })).toThrow(
      'MESH_MEDIC_APPROVALS: production clusters would need fewer approvals (2) than the others (3); set MESH_MEDIC_PRODUCTION_APPROVALS to at least MESH_MEDIC_APPROVALS',
    );
    expect(() => readBotEnv({ ...FULL, MESH_MEDIC_PRODUCTION_APPROVALS: '1', MESH_MEDIC_APPROVALS: '2' })).toThrow(/MESH_MEDIC_PRODUCTION_APPROVALS: production clusters would need fewer approvals \(1\) than the others \(2\)/);
    expect(readBotEnv({ ...FULL, MESH_MEDIC_PRODUCTION_APPROVALS: '3', MESH_MEDIC_APPROVALS: '3' }).approvalPolicy).toEqual({ requiredApprovalsProduction: 3, requiredApprovalsOther: 3 });
  });

  it('reaches sandbox mode and `all` with Slack too', () => {
    const policy = { MESH_MEDIC_PRODUCTION_APPROVALS: '1', MESH_MEDIC_PROPOSAL_TTL: '10m' };
    expect(readServiceEnv(policy)).toMatchObject({ mode: 'sandbox', approvalPolicy: { requiredApprovalsProduction: 1, proposalTtlMs: 10 * MIN } });
    expect(readServiceEnv({ ...FULL, ...policy })).toMatchObject({ mode: 'slack', settings: { approvalPolicy: { requiredApprovalsProduction: 1, proposalTtlMs: 10 * MIN } } });
  });
});

describe('readLogLevel', () => {
  it('is info by default, the chosen level otherwise, and names a bad one', () => {
    expect(readLogLevel(FULL)).toBe('info');
    expect(readLogLevel({ ...FULL, MESH_MEDIC_LOG_LEVEL: 'warn' })).toBe('warn');
    expect(readServiceEnv({ ...FULL, MESH_MEDIC_LOG_LEVEL: 'debug' })).toMatchObject({ mode: 'slack', logLevel: 'debug' });
    expect(() => readLogLevel({ ...FULL, MESH_MEDIC_LOG_LEVEL: 'loud' })).toThrow(/MESH_MEDIC_LOG_LEVEL: /);
  });
});
