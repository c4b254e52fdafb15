// A real redis-server for tests: its own free port on 127.0.0.1, its own temporary `--dir`, no
// RDB snapshots, append-only persistence when the test needs it. Stopped (and restartable on the
// same port and directory, so an append-only file survives) by its PID, never by name.
//
//   const redis = await startRedis({ appendonly: true });
//   ... redis.url ...
//   await redis.stop(); await redis.start(); // a Redis restart
//   await redis.close();                      // stop and remove the directory
//
// A missing redis-server fails the test with the install command: it is never skipped.

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { answersPing, freePort } from '../../src/redis/private-server.ts';

export interface StartRedisOptions {
  /** `--appendonly yes` (survives restarts) or `no` (default). */
  appendonly?: boolean;
  /** Default: a free port. */
  port?: number;
}

export interface TestRedis {
  readonly port: number;
  /** `redis://127.0.0.1:PORT` */
  readonly url: string;
  readonly dir: string;
  /** PID of the running server; undefined while stopped. */
  readonly pid: number | undefined;
  /** Stops the server (SIGTERM: flushes the append-only file; SIGKILL: a crash). */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /** Starts it again on the same port and directory; resolves when it answers PING. */
  start(): Promise<void>;
  /** Stops it and removes its directory. */
  close(): Promise<void>;
}

const INSTALL_HINT =
  'redis-server is not installed, and these tests need a real one. Install it:\n' +
  '  Debian/Ubuntu: sudo apt-get install -y redis-server\n' +
  '  macOS:         brew install redis\n' +
  '  Docker:        docker run -d -p 6379:6379 redis:7 (and point REDIS_URL at it)';

const READY_TIMEOUT_MS = 10_000;

/** The redis-server command, after checking it runs; throws the install hint when it is missing. */
export function findRedisServer(): string {
  const probe = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) throw new Error(`${INSTALL_HINT}\n(${probe.error?.message ?? probe.stderr})`);
  return 'redis-server';
}

// One free-port finder and one PING probe for the product and its tests.
export { freePort };
const pingOnce = answersPing;

async function waitUntilReady(port: number, child: ChildProcess, logFile: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}:\n${readLog(logFile)}`);
    if (await pingOnce(port)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`redis-server on port ${port} did not answer PING within ${READY_TIMEOUT_MS} ms:\n${readLog(logFile)}`);
}

function readLog(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-20).join('\n');
  } catch {
    return '(no log)';
  }
}

function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export async function startRedis(opts: StartRedisOptions = {}): Promise<TestRedis> {
  const binary = findRedisServer();
  const port = opts.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'mesh-medic-redis-'));
  const logFile = join(dir, 'redis.log');
  const args = [
    '--port', String(port),
    '--bind', '127.0.0.1',
    '--save', '',
    '--appendonly', opts.appendonly ? 'yes' : 'no',
    '--dir', dir,
    '--logfile', logFile,
    '--daemonize', 'no',
  ];
  let child: ChildProcess | undefined;

  const start = async () => {
    if (child) return;
    const spawned = spawn(binary, args, { stdio: 'ignore' });
    child = spawned;
    spawned.once('exit', () => {
      if (child === spawned) child = undefined;
    });
    try {
      await waitUntilReady(port, spawned, logFile);
    } catch (err) {
      spawned.kill('SIGKILL');
      await waitForExit(spawned);
      throw err;
    }
  };
  const stop = async (signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM') => {
    const running = child;
    if (!running) return;
    running.kill(signal);
    await waitForExit(running);
    child = undefined;
  };

  await start().catch((err) => {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  });
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    dir,
    get pid() {
      return child?.pid;
    },
    stop,
    start,
    async close() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
