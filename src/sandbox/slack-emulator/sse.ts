// Server-Sent Events to the emulator pages: every open page gets a snapshot when it connects and
// then every change, so a bot's `chat.update` progress edits show up without a reload. A page
// that reconnects (EventSource does so by itself) simply gets a fresh snapshot.

import type { IncomingMessage, ServerResponse } from 'node:http';

// Comments keep idle connections from being cut by proxies; a browser ignores them.
const HEARTBEAT_MS = 20_000;

export class SseHub {
  private readonly clients = new Set<ServerResponse>();
  private heartbeat: NodeJS.Timeout | undefined;

  /** Takes over the response for an event stream; `first` is sent to this client only. */
  attach(req: IncomingMessage, res: ServerResponse, first: unknown): void {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write(`retry: 1000\n${frame(first)}`);
    this.clients.add(res);
    this.startHeartbeat();
    req.on('close', () => this.clients.delete(res));
  }

  broadcast(event: unknown): void {
    const data = frame(event);
    for (const res of this.clients) res.write(data);
  }

  get size(): number {
    return this.clients.size;
  }

  /** Ends every stream (so the HTTP server can close) and stops the heartbeat. */
  close(): void {
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    for (const res of this.clients) res.end();
    this.clients.clear();
  }

  private startHeartbeat(): void {
    if (this.heartbeat) return;
    this.heartbeat = setInterval(() => {
      for (const res of this.clients) res.write(': keep-alive\n\n');
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
  }
}

// One `data:` line: JSON.stringify never emits a raw newline, which would end the field.
function frame(event: unknown): string {
  return `data: ${JSON.stringify(event)}\n\n`;
}
