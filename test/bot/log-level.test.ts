// MESH_MEDIC_LOG_LEVEL decides which JSON lines `mesh-medic bot`, `worker` and `all` (with Slack)
// write to stdout, as it already did in sandbox mode. Each command runs for real until its
// endpoints answer, then stops; what it logged is read back.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allCommand } from '../../src/cli/all-command.ts';
import { botCommand } from '../../src/cli/bot-command.ts';
import type { CliIo } from '../../src/cli/io.ts';
import { workerCommand } from '../../src/cli/worker-command.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox.ts';
import { loadScenarios } from '../../src/sandbox/scenarios.ts';
import { type RunningFakeSlackApi, startFakeSlackApi } from '../fakes/slack-api.ts';
import { freePort, startRedis, type TestRedis } from '../helpers/redis.ts';

type Command = (argv: string[], io: CliIo, deps: { until: Promise<unknown> }) => Promise<number>;

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

/** Runs `command` until /healthz answers, stops it, and returns the log lines it wrote to stdout. */
async function logLinesOf(command: Command, extraEnv: NodeJS.ProcessEnv): Promise<{ level: number; msg: string }[]> {
  const port = await freePort();
  const out: string[] = [];
  const env = {
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_SIGNING_SECRET: 'log-level-test-signing-secret',
    SLACK_API_URL: slack.url,
    REDIS_URL: redis.url,
    MESH_MEDIC_CLUSTERS: sandbox.registryPath,
    PORT: String(port),
    ...extraEnv,
  };
  const io: CliIo = { stdout: (t) => out.push(t), stderr: (t) => out.push(t), env, cwd: process.cwd(), isTTY: false };
  let stop!: () => void;
  const until = new Promise<void>((resolve) => {
    stop = resolve;
  });
  const running = command(['--host', '127.0.0.1'], io, { until });
  let up = false;
  for (let i = 0; i < 200 && !up; i++) {
    up = (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined))?.status === 200;
    if (!up) await new Promise((r) => setTimeout(r, 50));
  }
  stop();
  expect(await running).toBe(0);
  expect(up).toBe(true);
  return out
    .join('')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as { level: number; msg: string });
}

const INFO = 30;

describe('MESH_MEDIC_LOG_LEVEL outside sandbox mode', () => {
  it('worker: logs its start and stop at the default level, nothing below warn with MESH_MEDIC_LOG_LEVEL=warn', async () => {
    const normal = await logLinesOf(workerCommand, {});
    expect(normal.map((l) => l.msg)).toEqual(expect.arrayContaining([expect.stringContaining('worker started'), expect.stringContaining('stopping worker')]));
    const quiet = await logLinesOf(workerCommand, { MESH_MEDIC_LOG_LEVEL: 'warn' });
    expect(quiet.filter((l) => l.level < 40)).toEqual([]);
  });

  it.each([
    ['bot', botCommand, 'bot listening'],
    ['all', allCommand, 'bot and worker running in one process'],
  ] as const)('%s: writes its info lines by default and none with MESH_MEDIC_LOG_LEVEL=error', async (_name, command, started) => {
    const normal = await logLinesOf(command, {});
    expect(normal.some((l) => l.level === INFO && l.msg.includes(started))).toBe(true);
    const quiet = await logLinesOf(command, { MESH_MEDIC_LOG_LEVEL: 'error' });
    expect(quiet.filter((l) => l.level < 50)).toEqual([]);
  });
});
