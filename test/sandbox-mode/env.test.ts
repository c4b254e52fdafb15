// `mesh-medic all` decides between real Slack and sandbox mode from SLACK_BOT_TOKEN alone.

import { describe, expect, it } from 'vitest';
import { readServiceEnv } from '../../src/config/env.ts';

const SLACK = {
  SLACK_BOT_TOKEN: 'xoxb-1234-secret-bot-token',
  SLACK_SIGNING_SECRET: 'sign1ng-secret-value',
  REDIS_URL: 'redis://redis.internal:6379/0',
  MESH_MEDIC_CLUSTERS: '/etc/mesh-medic/clusters.yaml',
};

describe('readServiceEnv', () => {
  it('is sandbox mode without SLACK_BOT_TOKEN, needing nothing else', () => {
    expect(readServiceEnv({ PATH: '/usr/bin:/bin' })).toEqual({
      mode: 'sandbox',
      port: 3000,
      approvers: [],
      k8s: { timeoutMs: 10_000, concurrency: 6, callBudget: 2_000, peerCacheMs: 15_000 },
      logLevel: 'info',
      searchPath: '/usr/bin:/bin',
    });
  });

  it('in sandbox mode, keeps the Redis, registry, port, channel and approvers the user chose', () => {
    expect(
      readServiceEnv({ REDIS_URL: 'redis://127.0.0.1:6380', MESH_MEDIC_CLUSTERS: 'my.yaml', PORT: '8080', MESH_MEDIC_CHANNEL: 'C0OWN0001', MESH_MEDIC_APPROVERS: 'U0BOSS01', MESH_MEDIC_LOG_LEVEL: 'debug' }),
    ).toMatchObject({ mode: 'sandbox', redisUrl: 'redis://127.0.0.1:6380', clustersPath: 'my.yaml', port: 8080, channel: 'C0OWN0001', approvers: ['U0BOSS01'], logLevel: 'debug' });
  });

  it('with SLACK_BOT_TOKEN set, is real Slack and requires every variable', () => {
    expect(readServiceEnv(SLACK)).toMatchObject({ mode: 'slack', settings: { slack: { botToken: SLACK.SLACK_BOT_TOKEN }, redisUrl: SLACK.REDIS_URL } });
    expect(() => readServiceEnv({ SLACK_BOT_TOKEN: SLACK.SLACK_BOT_TOKEN })).toThrow(/SLACK_SIGNING_SECRET: required\n {2}- REDIS_URL: required\n {2}- MESH_MEDIC_CLUSTERS: required/);
  });

  it('refuses Slack credentials without a bot token instead of silently ignoring them', () => {
    expect(() => readServiceEnv({ SLACK_SIGNING_SECRET: 'sign1ng-secret-value' })).toThrow(
      'SLACK_SIGNING_SECRET: set without SLACK_BOT_TOKEN (set SLACK_BOT_TOKEN too, or unset SLACK_SIGNING_SECRET for sandbox mode)',
    );
    let message = '';
    try {
      readServiceEnv({ SLACK_SIGNING_SECRET: 'sign1ng-secret-value' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).not.toContain('sign1ng-secret-value');
  });

  it('names a bad log level', () => {
    expect(() => readServiceEnv({ MESH_MEDIC_LOG_LEVEL: 'loud' })).toThrow(/MESH_MEDIC_LOG_LEVEL: /);
  });
});
