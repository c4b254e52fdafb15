// The bot's environment: validated once, a missing or malformed variable named in the error, and
// no secret value ever repeated back in it.

import { describe, expect, it } from 'vitest';
import { readBotEnv, readEnv } from '../../src/config/env.ts';

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
      k8s: { timeoutMs: 10_000, concurrency: 6, callBudget: 2_000 },
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
    expect(readEnv(FULL).k8s).toEqual({ timeoutMs: 10_000, concurrency: 6, callBudget: 2_000 });
    expect(readEnv(FULL).clustersPath).toBe(FULL.MESH_MEDIC_CLUSTERS);
  });
});
