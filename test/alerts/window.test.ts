// MESH_MEDIC_ALERT_WINDOW and the other alert variables: durations as Alertmanager writes them or
// plain milliseconds, bounds named in the error, the token never echoed, /alerts off without it.

import { describe, expect, it } from 'vitest';
import { formatWindow, parseAlertWindow } from '../../src/alerts/window.ts';
import { readBotEnv } from '../../src/config/env.ts';

const BOT = {
  SLACK_BOT_TOKEN: 'xoxb-1234-secret-bot-token',
  SLACK_SIGNING_SECRET: 'sign1ng-secret-value',
  REDIS_URL: 'redis://127.0.0.1:6379',
  MESH_MEDIC_CLUSTERS: '/etc/mesh-medic/clusters.yaml',
};
const TOKEN = 'Zq8p-alert-token-4b1d9e0f7a';

describe('parseAlertWindow', () => {
  it.each([
    ['10m', 600_000],
    ['600s', 600_000],
    ['600000', 600_000],
    ['1h30m', 5_400_000],
    ['1500ms', 1500],
    [' 2h ', 7_200_000],
    ['1d', 86_400_000],
  ])('reads %j as %i ms', (text, ms) => {
    expect(parseAlertWindow(text)).toEqual({ ok: true, ms });
  });

  it.each(['', '10', '999ms', '8d', '10 minutes', '-5m', '1.5h', 'm10', '10M', '600000000000'])('refuses %j, saying what it takes', (text) => {
    expect(parseAlertWindow(text)).toEqual({
      ok: false,
      reason: 'must be a duration such as 10m, 600s, 1h30m or plain milliseconds (600000), from 1s to 7d',
    });
  });

  it('writes windows back the way they are read', () => {
    expect([600_000, 5_400_000, 45_000, 1500].map(formatWindow)).toEqual(['10m', '1h30m', '45s', '1500ms']);
  });
});

describe('alert settings from the environment', () => {
  it('turns /alerts on only with a token, with the default label and a 10 minute window', () => {
    expect(readBotEnv(BOT).alerts).toBeUndefined();
    expect(readBotEnv({ ...BOT, MESH_MEDIC_ALERT_TOKEN: TOKEN }).alerts).toEqual({ token: TOKEN, clusterLabel: 'cluster', windowMs: 600_000 });
  });

  it('takes the cluster label and the window', () => {
    const alerts = readBotEnv({ ...BOT, MESH_MEDIC_ALERT_TOKEN: TOKEN, MESH_MEDIC_ALERT_CLUSTER_LABEL: 'k8s_cluster', MESH_MEDIC_ALERT_WINDOW: '600s' }).alerts;
    expect(alerts).toEqual({ token: TOKEN, clusterLabel: 'k8s_cluster', windowMs: 600_000 });
  });

  it('names every malformed alert variable without echoing the token', () => {
    let message = '';
    try {
      readBotEnv({ ...BOT, MESH_MEDIC_ALERT_TOKEN: 'short secret', MESH_MEDIC_ALERT_CLUSTER_LABEL: 'k8s-cluster', MESH_MEDIC_ALERT_WINDOW: '10 minutes' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('MESH_MEDIC_ALERT_TOKEN: must be 16 to 512 printable characters without spaces');
    expect(message).toContain('MESH_MEDIC_ALERT_CLUSTER_LABEL: must be a Prometheus label name');
    expect(message).toContain('MESH_MEDIC_ALERT_WINDOW: must be a duration such as 10m, 600s');
    expect(message).not.toContain('short secret');
  });
});
