import type { CliIo } from '../../src/cli/io.ts';

export interface CapturedIo extends CliIo {
  out: () => string;
  err: () => string;
}

/** A CliIo that records what a command prints. */
export function captureIo(opts: { env?: NodeJS.ProcessEnv; cwd?: string; isTTY?: boolean } = {}): CapturedIo {
  let out = '';
  let err = '';
  return {
    stdout: (t) => {
      out += t;
    },
    stderr: (t) => {
      err += t;
    },
    env: opts.env ?? {},
    cwd: opts.cwd ?? process.cwd(),
    isTTY: opts.isTTY ?? false,
    out: () => out,
    err: () => err,
  };
}
