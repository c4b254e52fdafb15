// A private redis-server for sandbox mode (`npm start` with no REDIS_URL): a free port on
// 127.0.0.1, its own temporary directory, no persistence, stopped by its PID (never by name) and
// its directory removed. Production code, unlike test/helpers/redis.ts: a missing binary stops
// start-up with the install command for each platform a newcomer is likely to be on.

import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { MeshMedicError } from '../domain/errors.ts';

export const REDIS_INSTALL_HELP = [
  'redis-server was not found on PATH. mesh-medic\'s sandbox starts a private one when REDIS_URL is unset. Install it:',
  '  Debian/Ubuntu: sudo apt-get install redis-server',
  '  macOS:         brew install redis',
  '  Docker:        docker run -p 6379:6379 redis:7   (then set REDIS_URL=redis://127.0.0.1:6379)',
].join('\n');

const READY_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;

export interface PrivateRedisOptions {
  /** PATH to search for redis-server (from the config module). */
  searchPath: string;
}

export interface PrivateRedis {
  /** `redis://127.0.0.1:PORT` */
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  readonly dir: string;
  /** SIGTERM, wait for exit (SIGKILL after a while), remove the directory; idempotent. */
  stop(): Promise<void>;
  /** Last resort on process exit: synchronous, no waiting (the directory may stay). */
  killNow(): void;
}

/** The absolute path of `name` in `searchPath`, or undefined. */
export function findExecutable(name: string, searchPath: string): string | undefined {
  for (const dir of searchPath.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Throws DEPENDENCY_MISSING with the install commands when redis-server is not on the path. */
export function requireRedisServer(searchPath: string): string {
  const binary = findExecutable('redis-server', searchPath);
  if (!binary) throw new MeshMedicError('DEPENDENCY_MISSING', REDIS_INSTALL_HELP, { unrecoverable: true });
  return binary;
}

/** A free port can be taken by another process before redis binds it: try a few ports. */
const START_ATTEMPTS = 3;

export async function startPrivateRedis(opts: PrivateRedisOptions): Promise<PrivateRedis> {
  const binary = requireRedisServer(opts.searchPath);
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnFreePort(binary);
    } catch (err) {
      if (attempt >= START_ATTEMPTS) throw err;
    }
  }
}

async function startOnFreePort(binary: string): Promise<PrivateRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'mesh-medic-redis-'));
  const logFile = join(dir, 'redis.log');
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--logfile', logFile, '--daemonize', 'no'];
  // Its own process group: a Ctrl-C in the terminal reaches only mesh-medic, which then stops
  // redis last, after the worker and bot no longer need it (a redis dying first stalls shutdown).
  const child = spawn(binary, args, { stdio: 'ignore', detached: true });
  try {
    await waitUntilReady(port, child, logFile);
  } catch (err) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  let stopping: Promise<void> | undefined;
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    pid: child.pid as number,
    dir,
    stop: () => {
      stopping ??= stopChild(child).then(() => rmSync(dir, { recursive: true, force: true }));
      return stopping;
    },
    killNow: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitUntilReady(port: number, child: ChildProcess, logFile: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw notStarted(`redis-server exited with code ${child.exitCode}`, logFile);
    if (await answersPing(port)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw notStarted(`redis-server did not answer on port ${port} within ${READY_TIMEOUT_MS / 1000} s`, logFile);
}

function notStarted(reason: string, logFile: string): MeshMedicError {
  let tail = '';
  try {
    tail = `\n${readFileSync(logFile, 'utf8').trim().split('\n').slice(-10).join('\n')}`;
  } catch {
    // no log yet
  }
  return new MeshMedicError('DEPENDENCY_MISSING', `the private redis-server did not start: ${reason}${tail}`);
}

/** A raw PING on the port; true on `+PONG`. */
export function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let reply = '';
    const finish = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => finish(false));
    socket.once('error', () => finish(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString('utf8');
      if (reply.includes('\r\n')) finish(reply.startsWith('+PONG'));
    });
  });
}
