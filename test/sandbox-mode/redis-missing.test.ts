// No redis-server on PATH and no REDIS_URL: sandbox mode stops before starting anything, with the
// install command for Debian/Ubuntu, macOS and Docker. PATH is faked; the real binary is not touched.

import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isMeshMedicError } from '../../src/domain/errors.ts';
import { findExecutable, requireRedisServer, startPrivateRedis } from '../../src/redis/private-server.ts';
import { sandboxEnv, spawnMeshMedic } from './process.ts';

const INSTALL_LINES = [
  '  Debian/Ubuntu: sudo apt-get install redis-server',
  '  macOS:         brew install redis',
  '  Docker:        docker run -p 6379:6379 redis:7   (then set REDIS_URL=redis://127.0.0.1:6379)',
];

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'mesh-medic-fake-path-'));
  dirs.push(d);
  return d;
};

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function errorOf(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (err) {
    if (isMeshMedicError(err)) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error('expected an error');
}

describe('redis-server missing', () => {
  it('names the install command for each platform', () => {
    const { code, message } = errorOf(() => requireRedisServer(`${tempDir()}:/nonexistent/bin`));
    expect(code).toBe('DEPENDENCY_MISSING');
    expect(message.split('\n')).toEqual([
      "redis-server was not found on PATH. mesh-medic's sandbox starts a private one when REDIS_URL is unset. Install it:",
      ...INSTALL_LINES,
    ]);
  });

  it('does not take a file that is not executable for the binary', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'redis-server'), '#!/bin/sh\n');
    expect(findExecutable('redis-server', dir)).toBeUndefined();
    chmodSync(join(dir, 'redis-server'), 0o755);
    expect(findExecutable('redis-server', `/nonexistent:${dir}`)).toBe(join(dir, 'redis-server'));
  });

  it('says so when what is on PATH is not a working redis-server', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'redis-server'), '#!/bin/sh\necho "not really redis" >&2\nexit 3\n', { mode: 0o755 });
    await expect(startPrivateRedis({ searchPath: dir })).rejects.toThrow(/^the private redis-server did not start: redis-server exited with code 3/);
  });

  it('`mesh-medic all` stops before starting anything: exit 2, the install commands on stderr, nothing on stdout', async () => {
    const run = spawnMeshMedic(['all'], sandboxEnv({ PATH: tempDir(), PORT: '3999' }));
    try {
      expect(await run.exited).toEqual({ code: 2, signal: null });
      expect(run.stdout()).toBe('');
      expect(run.stderr()).toContain("error (DEPENDENCY_MISSING): redis-server was not found on PATH. mesh-medic's sandbox starts a private one when REDIS_URL is unset. Install it:\n");
      for (const line of INSTALL_LINES) expect(run.stderr()).toContain(`${line}\n`);
    } finally {
      run.killGroup();
    }
  });
});
