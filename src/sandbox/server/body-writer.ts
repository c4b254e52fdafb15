// Writes a response body to the client at the pace the client reads it.
//
// Why not hand Node the whole body at once: what is written to a TLS socket waits in native
// buffers that V8 counts as external memory until the socket has sent it. A benchmark mesh read
// keeps dozens of 1-2 MB list pages in flight, and every 64 MB of external memory growth made V8
// run a full collection of this server's ~1 GB heap: --trace-gc showed 3-4 per mesh read, most
// of the sandbox's CPU. Written a piece at a time, a response holds at most about one piece.

import type { ServerResponse } from 'node:http';
import type { BodyChunk } from './context.ts';

/** Bytes handed to the socket before waiting for it to drain. */
export const PIECE_BYTES = 64 * 1024;

export function byteLength(chunk: BodyChunk): number {
  return typeof chunk === 'string' ? Buffer.byteLength(chunk, 'utf8') : chunk.length;
}

/** Writes every chunk, then ends the response; large bodies a piece at a time (see above). */
export function writeBody(res: ServerResponse, chunks: readonly BodyChunk[], totalBytes: number): void {
  if (totalBytes <= PIECE_BYTES) {
    // One socket write for head and body.
    res.cork();
    for (const c of chunks) res.write(c);
    res.end();
    return;
  }
  const pieces = piecesOf(chunks);
  const pump = (): void => {
    for (let next = pieces.next(); !next.done; next = pieces.next()) {
      if (res.destroyed) return;
      if (!res.write(next.value)) {
        res.once('drain', pump);
        return;
      }
    }
    res.end();
  };
  pump();
}

/** The chunks with Buffers cut to at most PIECE_BYTES (views, no copies); strings as they are. */
function* piecesOf(chunks: readonly BodyChunk[]): Generator<BodyChunk> {
  for (const chunk of chunks) {
    if (typeof chunk === 'string' || chunk.length <= PIECE_BYTES) {
      yield chunk;
      continue;
    }
    for (let start = 0; start < chunk.length; start += PIECE_BYTES) yield chunk.subarray(start, start + PIECE_BYTES);
  }
}
