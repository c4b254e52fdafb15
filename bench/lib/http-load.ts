// The client side of the latency benchmarks: prepared requests (signed before the clock starts),
// sent all at once (benchmark 1) or on a fixed schedule that does not wait for answers (benchmark
// 4, an open loop, so a slow answer cannot slow the sending down and hide itself). Latency is from
// just before the request is written until its whole body has arrived.

import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';

export interface Prepared {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface Answered {
  ms: number;
  status: number;
  body: string;
}

/** One keep-alive pool, enough connections for every request in flight (as Slack's many senders). */
export function loadAgent(connections: number): Agent {
  return new Agent({ connections, pipelining: 1, keepAliveTimeout: 30_000 });
}

export async function send(agent: Agent, r: Prepared): Promise<Answered> {
  const t0 = performance.now();
  try {
    const res = await request(r.url, { method: 'POST', headers: r.headers, body: r.body, dispatcher: agent });
    const body = await res.body.text();
    return { ms: performance.now() - t0, status: res.statusCode, body };
  } catch (err) {
    return { ms: performance.now() - t0, status: 0, body: err instanceof Error ? err.message : String(err) };
  }
}

/** Request i is sent at start + i × intervalMs, whatever the earlier ones are doing. */
export async function paced(agent: Agent, requests: readonly Prepared[], intervalMs: number): Promise<{ answers: Answered[]; spanMs: number }> {
  const start = performance.now();
  const pending: Promise<Answered>[] = [];
  for (let i = 0; i < requests.length; i++) {
    const due = start + i * intervalMs;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    pending.push(send(agent, requests[i] as Prepared));
  }
  const spanMs = performance.now() - start;
  return { answers: await Promise.all(pending), spanMs };
}

/** Status code → count, e.g. `{ "200": 200 }`. */
export function statusCounts(answers: readonly Answered[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const a of answers) out[String(a.status)] = (out[String(a.status)] ?? 0) + 1;
  return out;
}
