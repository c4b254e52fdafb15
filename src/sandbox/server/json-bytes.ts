// Stored objects as UTF-8 JSON bytes, encoded once per object and served version: the sandbox's
// counterpart of kube-apiserver's watch cache. A benchmark mesh is ~550 MB of JSON read again on
// every diagnosis: cached as strings, every response still converted them to bytes, and the
// strings made this server's V8 heap (which every full collection walks) 550 MB larger.
//
// Stored objects are never mutated (store.ts: a write stores a new object), so an object's bytes
// never change; an object that is no longer stored takes its cache entry with it (WeakMap).

import type { K8sObject } from '../../domain/k8s-object.ts';

/**
 * Bytes are carved out of large shared slabs, each JSON followed by one ',' byte.
 * Why slabs: one Buffer per object would be 165k ArrayBuffers for the GC to track, and V8 runs a
 * full collection each time external memory has grown by 64 MB; slabs growing fourfold (4 MB up
 * to 512 MB) cost the first read of a 550 MB mesh 3 such collections (5 when doubling). Their
 * unused tails are never touched, so they cost address space, not RSS.
 * Why the comma: objects serialized one after the other (the first list of a type) lie back to
 * back, so a page of a list is a handful of slices of a slab (see `joinAdjacent`).
 */
const FIRST_SLAB_BYTES = 4 << 20;
const MAX_SLAB_BYTES = 512 << 20;
const SLAB_GROWTH = 4;
const COMMA = 0x2c;

class ByteArena {
  private slab: Buffer = Buffer.alloc(0);
  private used = 0;

  /** The UTF-8 bytes of `text`, stored with a ',' after them. */
  append(text: string): Buffer {
    const length = Buffer.byteLength(text, 'utf8');
    if (this.used + length + 1 > this.slab.length) this.newSlab(length + 1);
    const start = this.used;
    this.slab.write(text, start, length, 'utf8');
    this.slab[start + length] = COMMA;
    this.used = start + length + 1;
    return this.slab.subarray(start, start + length);
  }

  private newSlab(atLeast: number): void {
    const grown = this.slab.length === 0 ? FIRST_SLAB_BYTES : Math.min(MAX_SLAB_BYTES, this.slab.length * SLAB_GROWTH);
    // Uninitialized: pages never written stay unmapped.
    this.slab = Buffer.allocUnsafeSlow(Math.max(atLeast, grown));
    this.used = 0;
  }
}

const arena = new ByteArena();

/** Bytes of an object as stored; bytes under other versions (CRDs serving several), by version. */
const asStored = new WeakMap<K8sObject, Buffer>();
const asOtherVersion = new WeakMap<K8sObject, Map<string, Buffer>>();

/** The object as served under the requested version (a shallow copy only when the version differs). */
export function asServed(obj: K8sObject, apiVersion: string): K8sObject {
  return obj.apiVersion === apiVersion ? obj : { ...obj, apiVersion };
}

/** Exactly the bytes of JSON.stringify(asServed(obj, apiVersion)); the same Buffer on every call. */
export function objectBytes(obj: K8sObject, apiVersion: string): Buffer {
  if (obj.apiVersion === apiVersion) {
    let bytes = asStored.get(obj);
    if (bytes === undefined) {
      bytes = arena.append(JSON.stringify(obj));
      asStored.set(obj, bytes);
    }
    return bytes;
  }
  let byVersion = asOtherVersion.get(obj);
  if (byVersion === undefined) {
    byVersion = new Map();
    asOtherVersion.set(obj, byVersion);
  }
  let bytes = byVersion.get(apiVersion);
  if (bytes === undefined) {
    bytes = arena.append(JSON.stringify(asServed(obj, apiVersion)));
    byVersion.set(apiVersion, bytes);
  }
  return bytes;
}

const COMMA_BYTES = Buffer.from(',');

/**
 * The JSON array elements `a,b,c` as few Buffers: runs of objects stored back to back in a slab
 * (with the ',' the arena puts after each) become one slice, so a page is a few large writes.
 */
export function joinAdjacent(parts: readonly Buffer[]): Buffer[] {
  const out: Buffer[] = [];
  let run: { slab: ArrayBufferLike; start: number; end: number } | undefined;
  for (const part of parts) {
    if (run && part.buffer === run.slab && part.byteOffset === run.end + 1) {
      run.end = part.byteOffset + part.length;
      continue;
    }
    if (run) out.push(Buffer.from(run.slab, run.start, run.end - run.start), COMMA_BYTES);
    run = { slab: part.buffer, start: part.byteOffset, end: part.byteOffset + part.length };
  }
  if (run) out.push(Buffer.from(run.slab, run.start, run.end - run.start));
  return out;
}
