// Shares equal strings between the objects of one snapshot. JSON.parse gives every occurrence of a
// value its own string: 5,000 injected pods hold 20,000 copies of the proxy image name, 10,000 of
// "default-scheduler", of each env var name, of condition types and timestamps. Interning them as
// each item is parsed roughly halves the strings a large snapshot keeps. Values are replaced in
// place, so this is only for freshly parsed objects the caller owns.

/** Longer strings (certificates, embedded JSON) are rarely repeated: not worth a table entry. */
const MAX_INTERNED_LENGTH = 256;

export class StringInterner {
  private readonly table = new Map<string, string>();

  /** The shared instance of `s`. */
  string(s: string): string {
    if (s.length > MAX_INTERNED_LENGTH) return s;
    const shared = this.table.get(s);
    if (shared !== undefined) return shared;
    this.table.set(s, s);
    return s;
  }

  /** Replaces every string value inside `value` (objects and arrays, recursively) by its shared
   *  instance; returns `value`. Keys are left alone (V8 already shares property names). */
  inPlace<T>(value: T): T {
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const v: unknown = value[i];
        if (typeof v === 'string') value[i] = this.string(v);
        else if (typeof v === 'object' && v !== null) this.inPlace(v);
      }
    } else if (typeof value === 'object' && value !== null) {
      const obj = value as Record<string, unknown>;
      for (const k in obj) {
        const v = obj[k];
        if (typeof v === 'string') obj[k] = this.string(v);
        else if (typeof v === 'object' && v !== null) this.inPlace(v);
      }
    }
    return value;
  }
}
