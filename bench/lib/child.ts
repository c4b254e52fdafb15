// Benchmark children: each measured component runs in its own Node process (TypeScript through
// tsx), so its peak RSS and CPU time are its own. Parent and child talk in JSON messages over the
// IPC channel: the parent sends `{ id, type, ... }`, the child answers `{ id, ok, value | error }`.
// A child exits when asked, when its parent goes away, or is killed by stop() after a grace period.

import { type ChildProcess, fork } from 'node:child_process';

export interface ChildOptions {
  cwd: string;
  /** Extra Node flags (e.g. --expose-gc); `--import tsx` is always added. */
  nodeArgs?: string[];
  /** Show the child's stdout (e.g. for --trace-gc while investigating); default: discarded. */
  inheritStdout?: boolean;
  /** A request not answered within this time rejects (and the child is killed). Default 10 min. */
  requestTimeoutMs?: number;
}

export interface ChildRequest {
  type: string;
  [key: string]: unknown;
}

interface Reply {
  id: number;
  ok: boolean;
  value?: unknown;
  error?: string;
}

export interface Child {
  readonly pid: number | undefined;
  request<T>(msg: ChildRequest): Promise<T>;
  /** Asks the child to exit, waits for it, kills it if it does not go within 5 s. */
  stop(): Promise<void>;
}

const STDERR_TAIL = 4_000;

export function startChild(file: string, opts: ChildOptions): Child {
  const proc = fork(file, [], {
    cwd: opts.cwd,
    execArgv: ['--import', 'tsx', ...(opts.nodeArgs ?? [])],
    stdio: ['ignore', opts.inheritStdout ? 'inherit' : 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  proc.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_TAIL);
  });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  let nextId = 1;
  let exited: string | undefined;
  const exitedPromise = new Promise<void>((resolve) => {
    proc.once('exit', (code, signal) => {
      exited = `child ${file} exited (${signal ?? `code ${code}`})${stderr ? `:\n${stderr}` : ''}`;
      for (const p of pending.values()) {
        clearTimeout(p.timer);
        p.reject(new Error(exited));
      }
      pending.clear();
      resolve();
    });
  });
  proc.on('message', (raw) => {
    const reply = raw as Reply;
    const p = pending.get(reply.id);
    if (!p) return;
    pending.delete(reply.id);
    clearTimeout(p.timer);
    if (reply.ok) p.resolve(reply.value);
    else p.reject(new Error(`child ${file}: ${reply.error}`));
  });
  return {
    pid: proc.pid,
    request<T>(msg: ChildRequest): Promise<T> {
      if (exited) return Promise.reject(new Error(exited));
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`child ${file}: no answer to ${msg.type} within ${opts.requestTimeoutMs ?? 600_000} ms`));
          kill(proc);
        }, opts.requestTimeoutMs ?? 600_000);
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
        proc.send({ ...msg, id });
      });
    },
    async stop(): Promise<void> {
      if (exited) return;
      if (proc.connected) proc.send({ id: 0, type: 'exit' });
      const grace = setTimeout(() => kill(proc), 5_000);
      await exitedPromise;
      clearTimeout(grace);
    },
  };
}

function kill(proc: ChildProcess): void {
  if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
}

export type Handler = (msg: ChildRequest) => Promise<unknown>;

/** The child's side: answers each request with `handle`, exits on `exit` or when the parent goes. */
export function serveParent(handle: Handler, onExit: () => Promise<void> = async () => {}): void {
  if (!process.send) throw new Error('this file runs as a benchmark child (forked with an IPC channel)');
  const send = process.send.bind(process);
  let exiting = false;
  const exit = async () => {
    if (exiting) return;
    exiting = true;
    await onExit().catch(() => undefined);
    process.exit(0);
  };
  process.on('disconnect', () => void exit());
  process.on('message', (raw) => {
    const msg = raw as ChildRequest & { id: number };
    if (msg.type === 'exit') return void exit();
    handle(msg).then(
      (value) => send({ id: msg.id, ok: true, value }),
      (err: unknown) => send({ id: msg.id, ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
    );
  });
}
