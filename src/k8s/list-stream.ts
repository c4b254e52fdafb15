// Parses a Kubernetes list response (`{"kind":"PodList","metadata":{...},"items":[...]}`) as it
// arrives, one item at a time. A page of 500 Istio-injected pods is ~4 MB of JSON: read whole, it
// becomes one large string that V8 keeps until its next full collection, and a diagnosis reading
// 20,000 pods piles up tens of such strings. Here each item's bytes are cut out of the stream and
// parsed on their own (small, short-lived strings); everything outside `items` is kept and parsed
// at the end with `items` left empty. JSON's structural characters are ASCII and never occur
// inside a multi-byte UTF-8 sequence, so scanning bytes is safe; text is decoded only after the
// bytes of a whole item are joined. Strings are skipped with native indexOf, not byte by byte.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

export class InvalidListJson extends Error {}

export interface ParsedList<T> {
  /** The parsed body without its items (`items: []`): kind, apiVersion, metadata (continue, ...).
   *  Whatever JSON the body held when it is not an object. */
  list: unknown;
  /** The items, or undefined when the body had no `items` array this parser recognised (then
   *  `list` holds whatever `items` was, exactly as JSON.parse of the whole body would). */
  items: T[] | undefined;
}

/**
 * Feed it the body's chunks in order, then call end(). Throws InvalidListJson (from push or end)
 * when the body is not valid JSON. A body that is not a JSON object is kept whole and parsed at
 * the end, so the caller sees what JSON.parse of the whole body would have given.
 */
export class ListStreamParser<T = unknown> {
  /** @param transform applied to each item as soon as it is parsed (e.g. dropping unread fields,
   *  so the dropped parts never outlive the young generation). */
  constructor(private readonly transform: (item: T) => T = (item) => item) {}

  private readonly items: T[] = [];
  /** Bytes outside the items array (small: kind, apiVersion, metadata). */
  private readonly rest: Uint8Array[] = [];
  /** Bytes of the item being read, across chunks. */
  private item: Uint8Array[] = [];
  private depth = 0;
  private inString = false;
  /** The previous chunk ended inside a string right after a backslash. */
  private escaped = false;
  /** Inside the top-level `items` array, between its brackets. */
  private inItems = false;
  private sawItems = false;
  /** Items (or empty slots) separated so far in the items array, to reject `[,` and `,]`. */
  private slots = 0;
  /** Bytes of the string being read at depth 1 (a key, or a top-level value). */
  private key: Uint8Array[] | null = null;
  private lastKey = '';
  /** Next backslash at or after the scan position in the current chunk (-1: none left). Found
   *  once per stretch, not once per string: most chunks hold no backslash at all. */
  private slash = -1;
  private slashFrom = Number.POSITIVE_INFINITY;
  /** The body is not a JSON object: keep every byte for one JSON.parse at the end. */
  private raw = false;

  push(chunk: Uint8Array): void {
    if (this.raw) {
      this.rest.push(chunk);
      return;
    }
    let restStart = this.inItems ? -1 : 0;
    let itemStart = this.inItems ? 0 : -1;
    this.slash = -1;
    this.slashFrom = Number.POSITIVE_INFINITY;
    let i = 0;
    const n = chunk.length;
    while (i < n) {
      if (this.inString) {
        i = this.skipString(chunk, i);
        continue;
      }
      const b = chunk[i] as number;
      if (this.depth === 0 && (b === QUOTE || b === OPEN_BRACKET)) {
        this.raw = true;
        this.rest.push(chunk.subarray(restStart));
        return;
      }
      if (b === QUOTE) {
        this.inString = true;
        if (this.depth === 1) this.key = [];
        i = this.skipString(chunk, i + 1);
        continue;
      }
      if (b === OPEN_BRACE || b === OPEN_BRACKET) {
        this.depth++;
        if (this.depth === 2 && b === OPEN_BRACKET && this.lastKey === 'items') {
          // `[` stays in the rest; the items' bytes go to the item buffer from here.
          this.rest.push(chunk.subarray(restStart, i + 1));
          restStart = -1;
          itemStart = i + 1;
          this.inItems = true;
          this.sawItems = true;
          this.slots = 0;
        }
      } else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
        if (this.depth === 2 && this.inItems) {
          this.item.push(chunk.subarray(itemStart, i));
          this.finishItem(true);
          itemStart = -1;
          this.inItems = false;
          restStart = i;
        }
        this.depth--;
        if (this.depth < 0) throw new InvalidListJson('unbalanced brackets');
      } else if (b === COMMA && this.depth === 2 && this.inItems) {
        this.item.push(chunk.subarray(itemStart, i));
        this.finishItem(false);
        itemStart = i + 1;
      }
      i++;
    }
    if (restStart >= 0) this.rest.push(chunk.subarray(restStart));
    if (itemStart >= 0) this.item.push(chunk.subarray(itemStart));
  }

  end(): ParsedList<T> {
    if (!this.raw && (this.depth !== 0 || this.inString || this.inItems)) throw new InvalidListJson('truncated JSON');
    let list: unknown;
    try {
      list = JSON.parse(Buffer.concat(this.rest).toString('utf8'));
    } catch (err) {
      throw new InvalidListJson((err as Error).message);
    }
    // An `items` key this scanner did not recognise (escaped spelling) was parsed with the rest.
    return { list, items: this.sawItems && !this.raw ? this.items : undefined };
  }

  /** From `i` inside a string: returns the index after its closing quote, or the chunk length. */
  private skipString(chunk: Uint8Array, i: number): number {
    let j = i;
    if (this.escaped) {
      this.escaped = false;
      j++;
    }
    while (j < chunk.length) {
      const quote = chunk.indexOf(QUOTE, j);
      const slash = this.nextSlash(chunk, j);
      if (slash !== -1 && (quote === -1 || slash < quote)) {
        // Skip the escaped character (possibly in the next chunk).
        if (slash + 1 >= chunk.length) {
          this.escaped = true;
          this.keyBytes(chunk, i, chunk.length);
          return chunk.length;
        }
        j = slash + 2;
        continue;
      }
      if (quote === -1) break;
      this.keyBytes(chunk, i, quote);
      this.inString = false;
      if (this.key) {
        this.lastKey = Buffer.concat(this.key).toString('utf8');
        this.key = null;
      }
      return quote + 1;
    }
    this.keyBytes(chunk, i, chunk.length);
    return chunk.length;
  }

  private nextSlash(chunk: Uint8Array, from: number): number {
    if (from < this.slashFrom || (this.slash !== -1 && this.slash < from)) {
      this.slash = chunk.indexOf(BACKSLASH, from);
      this.slashFrom = from;
    }
    return this.slash;
  }

  private keyBytes(chunk: Uint8Array, from: number, to: number): void {
    if (this.key && to > from) this.key.push(chunk.subarray(from, to));
  }

  private finishItem(closing: boolean): void {
    const text = decode(this.item);
    this.item = [];
    const empty = text.trim() === '';
    // `[]` has one empty slot; any other empty slot is `[,` or `,,` or `,]`.
    if (empty && !(closing && this.slots === 0)) throw new InvalidListJson('empty item in items array');
    this.slots++;
    if (empty) return;
    try {
      this.items.push(this.transform(JSON.parse(text) as T));
    } catch (err) {
      if (err instanceof SyntaxError) throw new InvalidListJson(err.message);
      throw err;
    }
  }
}

/** UTF-8 text of the joined parts, without copying when there is only one part. */
function decode(parts: Uint8Array[]): string {
  if (parts.length === 1) {
    const p = parts[0] as Uint8Array;
    return Buffer.from(p.buffer, p.byteOffset, p.byteLength).toString('utf8');
  }
  return Buffer.concat(parts).toString('utf8');
}
