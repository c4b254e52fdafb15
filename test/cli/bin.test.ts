// The installed entry point works: `node bin/mesh-medic.js diagnose … --json` in a child process
// against a sandbox cluster served by this test process.

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECKS } from '../../src/checks/index.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox.ts';
import { clusterSpec, pod, service } from '../k8s/helpers.ts';

const BIN = fileURLToPath(new URL('../../bin/mesh-medic.js', import.meta.url));
let sandbox: Sandbox;

function runBin(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    // A clean environment: no colour decisions or registry path leak in from the test runner.
    const child = spawn(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH ?? '' } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

beforeAll(async () => {
  sandbox = await startSandbox({
    meshes: [{ id: 'test-mesh' }],
    clusters: [clusterSpec('bin-east', [pod('default', 'web-1'), service('default', 'web')])],
  });
});

afterAll(async () => {
  await sandbox?.stop();
});

describe('bin/mesh-medic.js', () => {
  it('diagnose --json prints one parsable report whose exit code follows the findings', async () => {
    sandbox.clusters.get('bin-east')!.requestLog.reset();
    const r = await runBin(['diagnose', 'bin-east', '--clusters', sandbox.registryPath, '--json']);
    const doc = JSON.parse(r.out);
    expect(doc.cluster).toBe('bin-east');
    expect(Array.isArray(doc.findings)).toBe(true);
    // Every check of the catalog appears, pass and skipped included.
    expect(new Set(doc.findings.map((f: { check: string }) => f.check))).toEqual(new Set(CHECKS.map((c) => c.id)));
    expect(doc.apiCalls).toBe(sandbox.clusters.get('bin-east')!.requestLog.apiCalls());
    expect(r.code).toBe(doc.findings.some((f: { status: string }) => f.status === 'fail') ? 1 : 0);
  });

  it('exits 2 with the known clusters on stderr for an unknown cluster', async () => {
    const r = await runBin(['diagnose', 'bin-west', '--clusters', sandbox.registryPath, '--json']);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toContain("unknown cluster 'bin-west'. Known clusters: bin-east. Did you mean 'bin-east'?");
  });
});
