// `mesh-medic bot|worker|all` as commands: they refuse to start without their variables, naming
// them; `all` serves its endpoints and stops cleanly when told to.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allCommand } from '../../src/cli/all-command.ts';
import type { CliIo } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox.ts';
import { loadScenarios } from '../../src/sandbox/scenarios.ts';
import { silentLogger } from '../../src/server/logger.ts';
import { type RunningFakeSlackApi, startFakeSlackApi } from '../fakes/slack-api.ts';
import { freePort, startRedis, type TestRedis } from '../helpers/redis.ts';

function io(env: NodeJS.ProcessEnv): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => out.push(t), stderr: (t) => err.push(t), env, cwd: process.cwd(), isTTY: false };
}

describe('refusing to start', () => {
  it.each(['bot', 'worker', 'all'])('mesh-medic %s without its variables exits 2 naming them', async (command) => {
    const cli = io({ SLACK_BOT_TOKEN: 'xoxb-only-the-token' });
    expect(await main([command], cli)).toBe(2);
    const text = cli.err.join('');
    expect(text).toContain('error (USAGE): invalid environment');
    expect(text).toContain('SLACK_SIGNING_SECRET: required');
    expect(text).toContain('REDIS_URL: required');
    expect(text).toContain('MESH_MEDIC_CLUSTERS: required');
    expect(text).not.toContain('xoxb-only-the-token');
  });
});

describe('mesh-medic all', () => {
  let redis: TestRedis;
  let slack: RunningFakeSlackApi;
  let sandbox: Sandbox;

  beforeAll(async () => {
    redis = await startRedis();
    slack = await startFakeSlackApi();
    const specs = loadScenarios(['healthy-single']);
    sandbox = await startSandbox({ clusters: specs.flatMap((s) => s.clusters), meshes: specs.flatMap((s) => s.meshes) });
  });

  afterAll(async () => {
    await sandbox?.stop();
    await slack?.close();
    await redis?.close();
  });

  it('serves /healthz, /readyz and /metrics on PORT, then shuts down cleanly and exits 0', async () => {
    const port = await freePort();
    let stop!: () => void;
    const until = new Promise<void>((resolve) => {
      stop = resolve;
    });
    const cli = io({
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_SIGNING_SECRET: 'cli-test-signing-secret',
      SLACK_API_URL: slack.url,
      REDIS_URL: redis.url,
      MESH_MEDIC_CLUSTERS: sandbox.registryPath,
      PORT: String(port),
    });
    const running = allCommand(['--host', '127.0.0.1'], cli, { until, logger: silentLogger() });
    const base = `http://127.0.0.1:${port}`;
    let ready: Response | undefined;
    for (let i = 0; i < 200 && !ready; i++) {
      ready = await fetch(`${base}/readyz`).catch(() => undefined);
      if (!ready) await new Promise((r) => setTimeout(r, 50));
    }
    expect(ready?.status).toBe(200);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${base}/metrics`)).text()).toContain('mesh_medic_redis_up 1');
    stop();
    expect(await running).toBe(0);
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
  });
});
