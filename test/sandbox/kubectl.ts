// Runs the real kubectl against a sandbox cluster, asynchronously (the sandbox answers from this
// same process), with a fresh discovery cache directory per test file.

import { execFile } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const KUBECTL = '/usr/bin/kubectl';

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Throws (the test fails) when kubectl is missing: these tests never skip. */
export function requireKubectl(): void {
  accessSync(KUBECTL, constants.X_OK);
}

export class Kubectl {
  readonly cacheDir: string;
  private readonly ownCache: boolean;

  /** `cacheDir`: share another instance's discovery cache (default: a fresh one). */
  constructor(
    private readonly kubeconfig: string,
    cacheDir?: string,
  ) {
    this.ownCache = cacheDir === undefined;
    this.cacheDir = cacheDir ?? mkdtempSync(join(tmpdir(), 'kubectl-cache-'));
  }

  run(args: string[], stdin?: string): Promise<KubectlResult> {
    return new Promise((resolve) => {
      const child = execFile(
        KUBECTL,
        ['--kubeconfig', this.kubeconfig, '--cache-dir', this.cacheDir, '--request-timeout', '20s', ...args],
        { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
        (err, stdout, stderr) => {
          const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
          resolve({ code, stdout, stderr });
        },
      );
      // Always close stdin: without credentials kubectl would otherwise wait for a typed password.
      child.stdin?.end(stdin ?? '');
    });
  }

  /** Runs and expects success; returns stdout. */
  async ok(args: string[], stdin?: string): Promise<string> {
    const r = await this.run(args, stdin);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
    return r.stdout;
  }

  cleanup(): void {
    if (this.ownCache) rmSync(this.cacheDir, { recursive: true, force: true });
  }
}
