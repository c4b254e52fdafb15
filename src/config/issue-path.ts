// Formats locations inside a config document the way users read them: `clusters[2].kubeconfig`.

export type PathSegment = string | number | symbol;

export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out || '(top level)';
}

/** The raw value at `path` in a parsed document, or undefined when any step is missing. */
export function valueAt(doc: unknown, path: readonly PathSegment[]): unknown {
  let cur: unknown = doc;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[seg as PropertyKey];
  }
  return cur;
}
