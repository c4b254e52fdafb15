// A lean HTTP/1.1 burst client for benchmark 1. The client shares the machine's two cores with
// the bot it measures, so its own CPU per request lands in the measured latency: undici's pool
// spent about as much CPU per request as the bot did (requests, web streams, header objects).
// This client writes each prepared request as one buffer on its own keep-alive connection (as
// Slack's many senders would) and reads only what an ack needs: the status line, the framing
// (Content-Length or chunked) and the body.
//
// The clock is conservative: every request of a burst is timed from the moment just before the
// FIRST request is written, so the client's own sending loop counts against the bot, and stops
// when the last byte of that request's answer has been read.

import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Answered, Prepared } from './http-load.ts';

export interface RawPool {
  /** Sends every request at once, one per connection; answers in request order. */
  burst(requests: readonly Prepared[]): Promise<Answered[]>;
  close(): void;
}

/** `connections` keep-alive sockets to `url`'s host and port, opened before anything is timed. */
export async function openRawPool(url: string, connections: number): Promise<RawPool> {
  const { hostname, port } = new URL(url);
  const sockets = await Promise.all(Array.from({ length: connections }, () => open(hostname, Number(port))));
  return {
    async burst(requests) {
      if (requests.length > sockets.length) throw new Error(`${requests.length} requests need as many connections; the pool has ${sockets.length}`);
      // The server closes connections idle for a few seconds; reopen those before the clock starts.
      for (let i = 0; i < requests.length; i++) {
        if ((sockets[i] as Socket).destroyed || (sockets[i] as Socket).readyState !== 'open') sockets[i] = await open(hostname, Number(port));
      }
      const wire = requests.map(serialize);
      const pending: Promise<Answered>[] = [];
      const t0 = performance.now();
      for (let i = 0; i < wire.length; i++) pending.push(exchange(sockets[i] as Socket, wire[i] as Buffer, t0));
      return Promise.all(pending);
    },
    close() {
      for (const s of sockets) s.destroy();
    },
  };
}

function open(host: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, noDelay: true }, () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** The request as bytes on the wire (built before the clock starts). */
function serialize(r: Prepared): Buffer {
  const { pathname, search, host } = new URL(r.url);
  const body = Buffer.from(r.body);
  const headers = { ...r.headers, host, 'content-length': String(body.length), connection: 'keep-alive' };
  const head = `POST ${pathname}${search} HTTP/1.1\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}

/** Writes one request and resolves when its whole answer has arrived (or the socket failed). */
function exchange(socket: Socket, request: Buffer, t0: number): Promise<Answered> {
  return new Promise((resolve) => {
    const reader = new ResponseReader();
    const done = (status: number, body: string) => {
      socket.off('data', onData);
      socket.off('error', onError);
      socket.off('close', onClose);
      resolve({ ms: performance.now() - t0, status, body });
    };
    const onData = (chunk: Buffer) => {
      try {
        const res = reader.push(chunk);
        if (res) done(res.status, res.body);
      } catch (err) {
        done(0, (err as Error).message);
      }
    };
    const onError = (err: Error) => done(0, err.message);
    const onClose = () => done(0, 'connection closed before the answer was complete');
    socket.on('data', onData);
    socket.once('error', onError);
    socket.once('close', onClose);
    socket.write(request);
  });
}

/** Just enough of an HTTP/1.1 response parser for acks: status, Content-Length or chunked body. */
class ResponseReader {
  private buf: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): { status: number; body: string } | undefined {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const end = this.buf.indexOf('\r\n\r\n');
    if (end < 0) return undefined;
    const head = this.buf.subarray(0, end).toString('latin1');
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0);
    const rest = this.buf.subarray(end + 4);
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    if (length) {
      const n = Number(length[1]);
      return rest.length >= n ? { status, body: rest.subarray(0, n).toString('utf8') } : undefined;
    }
    if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) {
      const body = dechunk(rest);
      return body === undefined ? undefined : { status, body };
    }
    throw new Error(`answer without Content-Length or chunked framing: ${head.split('\r\n')[0]}`);
  }
}

/** The body of a complete chunked encoding, or undefined while the last chunk has not arrived. */
function dechunk(data: Buffer): string | undefined {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', at);
    if (lineEnd < 0) return undefined;
    const size = Number.parseInt(data.subarray(at, lineEnd).toString('latin1'), 16);
    if (size === 0) return data.length >= lineEnd + 4 ? Buffer.concat(parts).toString('utf8') : undefined;
    const start = lineEnd + 2;
    if (data.length < start + size + 2) return undefined;
    parts.push(data.subarray(start, start + size));
    at = start + size + 2;
  }
}
