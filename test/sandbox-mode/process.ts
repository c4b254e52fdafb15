// `node bin/mesh-medic.js all` as a person runs it: no Slack variables, its own process group (so
// afterAll can stop everything it started), stdout and stderr captured whole.

import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
const START_TIMEOUT_MS = 45_000;

/** The environment of the test run minus everything that would leave sandbox mode or change it. */
export function sandboxEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(SLACK_|REDIS_URL$|MESH_MEDIC_|PORT$|NO_COLOR$|FORCE_COLOR$)/.test(k)) continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

export interface SandboxProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first stdout line matching `pattern` (rejects if the process exits first). */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL to the whole process group (afterAll); harmless when already gone. */
  killGroup(): void;
}

export function spawnMeshMedic(args: string[], env: NodeJS.ProcessEnv): SandboxProcess {
  const child = spawn(process.execPath, [join(REPO, 'bin/mesh-medic.js'), ...args], { cwd: REPO, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const listeners = new Set<() => void>();
  child.stdout?.on('data', (c: Buffer) => {
    out += c.toString('utf8');
    for (const l of listeners) l();
  });
  child.stderr?.on('data', (c: Buffer) => {
    err += c.toString('utf8');
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let hasExited = false;
  void exited.then(() => {
    hasExited = true;
    for (const l of listeners) l();
  });
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitForLine(pattern, timeoutMs = START_TIMEOUT_MS) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const line = out.split('\n').find((l) => pattern.test(l));
          if (line !== undefined) return finish(() => resolve(line));
          if (hasExited) finish(() => reject(new Error(`exited before printing ${pattern}\nstdout:\n${out}\nstderr:\n${err.slice(-4000)}`)));
        };
        const timer = setTimeout(() => finish(() => reject(new Error(`no line ${pattern} within ${timeoutMs} ms\nstdout:\n${out}\nstderr:\n${err.slice(-4000)}`))), timeoutMs);
        const finish = (fn: () => void) => {
          clearTimeout(timer);
          listeners.delete(check);
          fn();
        };
        listeners.add(check);
        check();
      });
    },
    killGroup() {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    },
  };
}

/** Whether something accepts TCP connections on 127.0.0.1:port. */
export function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Whether a process with this PID exists. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The sandbox run's facts, from its printed lines and the files it wrote while running. */
export interface RunFacts {
  url: string;
  redisPid: number;
  redisPort: number;
  redisDir: string;
  runDir: string;
  registryPath: string;
  clusterPorts: number[];
  botToken: string;
  signingSecret: string;
  /** Every cluster's bearer token and the CA data, from the kubeconfigs. */
  clusterTokens: string[];
  caData: string[];
}

export function runFacts(stdout: string): RunFacts {
  const redis = /redis: +private redis-server \(pid (\d+)\) on redis:\/\/127\.0\.0\.1:(\d+), data in (\S+)/.exec(stdout);
  const registry = /registry (\S+clusters\.yaml)/.exec(stdout);
  const creds = /credentials in (\S+)/.exec(stdout);
  const url = /open (http:\/\/localhost:\d+)/.exec(stdout);
  if (!redis || !registry || !creds || !url) throw new Error(`unexpected start-up output:\n${stdout}`);
  const app = JSON.parse(readFileSync(join(creds[1]!, 'slack-app.json'), 'utf8')) as { botToken: string; signingSecret: string };
  const kubeconfigs = readFileSync(registry[1]!, 'utf8')
    .split('\n')
    .map((l) => /kubeconfig: (\S+)/.exec(l)?.[1])
    .filter((p): p is string => p !== undefined)
    .map((p) => readFileSync(join(registry[1]!, '..', p), 'utf8'));
  const field = (name: string) => kubeconfigs.map((k) => new RegExp(`${name}: (\\S+)`).exec(k)?.[1] ?? '').filter(Boolean);
  return {
    url: url[1]!,
    redisPid: Number(redis[1]),
    redisPort: Number(redis[2]),
    redisDir: redis[3]!,
    runDir: creds[1]!,
    registryPath: registry[1]!,
    clusterPorts: field('server').map((s) => Number(new URL(s).port)),
    botToken: app.botToken,
    signingSecret: app.signingSecret,
    clusterTokens: field('token'),
    caData: field('certificate-authority-data'),
  };
}
