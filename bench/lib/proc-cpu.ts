// CPU time of another process, from Linux's /proc (user + system, clock ticks of 10 ms). The
// latency benchmarks share two cores between the process measured, its load generator and Redis;
// the CPU each spent per round says whose work a slow round was. Null where /proc is missing.

import { readFileSync } from 'node:fs';

const TICK_MS = 10;

/** User + system CPU ms of process `pid` (all its threads) so far, or null. */
export function processCpuMs(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    // Fields after the command name (which is in parentheses and may contain spaces): utime is
    // the 12th and stime the 13th of those.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? ticks * TICK_MS : null;
  } catch {
    return null;
  }
}
