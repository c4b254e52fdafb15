// A real Alertmanager for tests (Debian's `prometheus-alertmanager`): its own free port, a fresh
// `--storage.path` per start (the notification log there would silently suppress repeats across
// runs), no cluster listener, stopped by its PID. A missing binary fails the test with the install
// command; it is never skipped.

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../helpers/redis.ts';

export const ALERTMANAGER_BIN = 'prometheus-alertmanager';

const INSTALL_HINT = 'prometheus-alertmanager is not installed, and these tests need a real one: sudo apt-get install -y prometheus-alertmanager';

export interface TestAlertmanager {
  url: string;
  /** Everything the process wrote (stdout and stderr), for asserting on its own log lines. */
  output(): string;
  /** POST /api/v2/alerts. */
  post(alerts: PostableAlert[]): Promise<void>;
  close(): Promise<void>;
}

export interface PostableAlert {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt?: string;
  endsAt?: string;
}

export function findAlertmanager(): void {
  const probe = spawnSync(ALERTMANAGER_BIN, ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) throw new Error(`${INSTALL_HINT}\n(${probe.error?.message ?? probe.stderr})`);
}

export async function startAlertmanager(configYaml: string): Promise<TestAlertmanager> {
  findAlertmanager();
  const dir = mkdtempSync(join(tmpdir(), 'mesh-medic-alertmanager-'));
  const config = join(dir, 'alertmanager.yml');
  writeFileSync(config, configYaml, { mode: 0o600 });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    ALERTMANAGER_BIN,
    [
      `--config.file=${config}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      `--web.external-url=${url}`,
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString('utf8')));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString('utf8')));
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilReady(url, child, () => output);
  } catch (err) {
    await close();
    throw err;
  }
  return {
    url,
    output: () => output,
    async post(alerts) {
      const res = await fetch(`${url}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alerts) });
      if (!res.ok) throw new Error(`Alertmanager refused the alerts: ${res.status} ${await res.text()}`);
    },
    close,
  };
}

async function waitUntilReady(url: string, child: ChildProcess, output: () => string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`Alertmanager exited with ${child.exitCode}:\n${output()}`);
    const res = await fetch(`${url}/-/ready`).catch(() => undefined);
    if (res?.ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`Alertmanager at ${url} did not become ready:\n${output()}`);
}

/** A webhook receiver config pointing at mesh-medic's /alerts with a bearer token. */
export function webhookReceiver(name: string, url: string, token: string): string {
  return [
    `  - name: ${name}`,
    '    webhook_configs:',
    `      - url: ${url}`,
    '        send_resolved: true',
    '        http_config:',
    '          authorization:',
    '            type: Bearer',
    `            credentials: ${token}`,
  ].join('\n');
}
