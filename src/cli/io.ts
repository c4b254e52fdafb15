// What a CLI command may touch of the outside world, passed in so tests run commands in-process.

import type { Check } from '../checks/types.ts';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Environment for readEnv; undefined means the process's own (read only by src/config/env.ts). */
  env?: NodeJS.ProcessEnv;
  cwd: string;
  /** Whether stdout is a terminal (colour, unless NO_COLOR/FORCE_COLOR decide). */
  isTTY: boolean;
}

/** What commands use that tests may replace (the real catalog by default). */
export interface CliDeps {
  checks?: readonly Check[];
}

export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    cwd: process.cwd(),
    isTTY: Boolean(process.stdout.isTTY),
  };
}
