// What the numbers were measured on. Load average matters here: the benchmark machine is shared,
// and a run at load 4 on 2 cores measures the neighbours as much as mesh-medic.

import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import type { MachineInfo } from './types.ts';

export function loadAverage(): number[] {
  return loadavg().map((v) => Math.round(v * 100) / 100);
}

export function machineInfo(startedAt: Date, startLoad: number[]): MachineInfo {
  const list = cpus();
  return {
    cores: list.length,
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    node: process.version,
    platform: `${platform()} ${release()}`,
    totalMemoryMB: Math.round(totalmem() / 2 ** 20),
    date: startedAt.toISOString(),
    loadAverage: { start: startLoad, end: loadAverage() },
  };
}
