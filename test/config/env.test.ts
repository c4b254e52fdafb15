import { describe, expect, it } from 'vitest';
import { readBotEnv, readEnv } from '../../src/config/env.ts';

describe('readEnv', () => {
  it('applies defaults when nothing is set', () => {
    expect(readEnv({})).toEqual({
      clustersPath: undefined,
      k8s: { timeoutMs: 10_000, concurrency: 6, callBudget: 2_000, peerCacheMs: 15_000 },
      color: undefined,
    });
  });

  it('reads the cluster access variables', () => {
    const config = readEnv({
      MESH_MEDIC_CLUSTERS: '/etc/mesh/clusters.yaml',
      MESH_MEDIC_K8S_TIMEOUT_MS: '500',
      MESH_MEDIC_K8S_CONCURRENCY: '2',
      MESH_MEDIC_K8S_CALL_BUDGET: '50',
      MESH_MEDIC_PEER_CACHE_SECONDS: '0',
    });
    expect(config.clustersPath).toBe('/etc/mesh/clusters.yaml');
    expect(config.k8s).toEqual({ timeoutMs: 500, concurrency: 2, callBudget: 50, peerCacheMs: 0 });
    expect(readEnv({ MESH_MEDIC_PEER_CACHE_SECONDS: '30' }).k8s.peerCacheMs).toBe(30_000);
    expect(() => readEnv({ MESH_MEDIC_PEER_CACHE_SECONDS: '-1' })).toThrow(/MESH_MEDIC_PEER_CACHE_SECONDS: must be 0 or a positive integer/);
  });

  it('names every malformed variable in one error', () => {
    expect(() => readEnv({ MESH_MEDIC_K8S_TIMEOUT_MS: '10s', MESH_MEDIC_K8S_CONCURRENCY: '0' })).toThrow(
      /MESH_MEDIC_K8S_TIMEOUT_MS: must be a positive integer[\s\S]*MESH_MEDIC_K8S_CONCURRENCY: must be a positive integer/,
    );
  });

  it('follows NO_COLOR and FORCE_COLOR', () => {
    expect(readEnv({ NO_COLOR: '1' }).color).toBe(false);
    expect(readEnv({ NO_COLOR: '1', FORCE_COLOR: '1' }).color).toBe(false);
    expect(readEnv({ NO_COLOR: '' }).color).toBeUndefined();
    expect(readEnv({ FORCE_COLOR: '1' }).color).toBe(true);
    expect(readEnv({ FORCE_COLOR: '0' }).color).toBe(false);
  });
});

describe('MESH_MEDIC_CHANNEL', () => {
  const BOT = { SLACK_BOT_TOKEN: 'xoxb-1-abc', SLACK_SIGNING_SECRET: 'signing-secret-1', REDIS_URL: 'redis://127.0.0.1:6379', MESH_MEDIC_CLUSTERS: 'clusters.yaml' };

  it('takes a channel ID or a channel name, as clusters.yaml does', () => {
    for (const channel of ['C0ALERTS01', '#mesh-alerts', 'mesh_alerts']) {
      expect(readBotEnv({ ...BOT, MESH_MEDIC_CHANNEL: channel }).channel).toBe(channel);
    }
  });

  it('refuses anything else, saying what a channel must look like', () => {
    expect(() => readBotEnv({ ...BOT, MESH_MEDIC_CHANNEL: '#Mesh Alerts' })).toThrow(
      'MESH_MEDIC_CHANNEL: must be a Slack channel ID like C0123456789 or a channel name like #mesh-prod (a channel name is lowercase; an ID is C, G or D and then only capitals and digits)',
    );
    expect(() => readEnv({ MESH_MEDIC_CHANNEL: 'mesh.alerts' })).toThrow(/MESH_MEDIC_CHANNEL: .*a channel name has only lowercase letters, digits, - and _/);
  });
});
