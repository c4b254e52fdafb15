// Where a diagnosis spends its time, from a V8 CPU profile of one run: self time of every sampled
// function, grouped into the stages a reader can act on (parsing lists, interning, checks, HTTP,
// garbage collection, waiting for the API server).

import { Session } from 'node:inspector/promises';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Stage of one sampled function, by its source file and name. */
export function stageOf(url: string, functionName: string): string {
  if (functionName === '(garbage collector)') return 'garbage collection';
  if (functionName === '(idle)') return 'waiting (idle: API server, network)';
  if (url.includes('/src/k8s/list-stream.ts')) {
    // JSON.parse is native: its time is the self time of the function that calls it.
    return functionName === 'finishItem' || functionName === 'decode' ? 'JSON.parse of list items' : 'list scanning';
  }
  if (url.includes('/src/k8s/intern.ts')) return 'string interning';
  if (url.includes('/src/k8s/projection.ts')) return 'projection (dropping unread fields)';
  if (url.includes('/src/k8s/')) return 'snapshot loader, client';
  if (url.includes('/src/checks/')) return 'checks';
  if (url.includes('/src/engine/')) return 'engine';
  if (url.includes('/undici/') || url.startsWith('node:') || url.includes('/wasm/')) return 'HTTP, TLS, buffers';
  if (url === '') {
    // Native functions: the inspector's own message dispatch is the profiler, the rest is TLS,
    // buffer and string conversion underneath HTTP.
    if (functionName === 'dispatch') return 'profiler';
    if (functionName === '(program)') return 'other';
    return 'HTTP, TLS, buffers';
  }
  if (url.includes('/node_modules/yaml/')) return 'kubeconfig (yaml)';
  return 'other';
}

/** Milliseconds of self time per stage, largest first. */
export function stages(profile: CpuProfile): Record<string, number> {
  const byNode = new Map(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const node = byNode.get(id);
    if (!node) return;
    const stage = stageOf(node.callFrame.url, node.callFrame.functionName);
    totals.set(stage, (totals.get(stage) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return Object.fromEntries([...totals].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, Math.round(v)]));
}

/** Runs `work` under the V8 CPU profiler (sampling every 200 µs) and groups its self time. */
export async function profiled<T>(work: () => Promise<T>): Promise<{ result: T; stages: Record<string, number> }> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 200 });
    await session.post('Profiler.start');
    const result = await work();
    const { profile } = await session.post('Profiler.stop');
    return { result, stages: stages(profile as CpuProfile) };
  } finally {
    session.disconnect();
  }
}
