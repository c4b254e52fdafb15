// The streaming list parser must give what JSON.parse of the whole body gives, however the body is
// cut into chunks: that is what lets the client read lists item by item.

import { describe, expect, it } from 'vitest';
import { InvalidListJson, ListStreamParser } from '../../src/k8s/list-stream.ts';

/** Deterministic chunk sizes (1..maxChunk bytes) so a failure can be replayed. */
function chunks(body: string, seed: number, maxChunk: number): Uint8Array[] {
  const bytes = Buffer.from(body, 'utf8');
  const out: Uint8Array[] = [];
  let state = seed;
  for (let i = 0; i < bytes.length; ) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    const size = 1 + (state % maxChunk);
    out.push(bytes.subarray(i, i + size));
    i += size;
  }
  return out;
}

function parseStreamed(body: string, seed = 1, maxChunk = 7) {
  const parser = new ListStreamParser();
  for (const c of chunks(body, seed, maxChunk)) parser.push(c);
  return parser.end();
}

function expectSameAsJsonParse(body: string): void {
  const whole = JSON.parse(body) as Record<string, unknown>;
  for (const [seed, maxChunk] of [
    [1, 1],
    [2, 3],
    [3, 7],
    [4, 64],
    [5, 100_000],
  ] as const) {
    const { list, items } = parseStreamed(body, seed, maxChunk);
    expect(items, `seed ${seed} chunk ≤ ${maxChunk}`).toEqual(whole.items);
    expect(list).toEqual({ ...whole, items: [] });
  }
}

const POD = {
  metadata: {
    name: 'review-v1-abc',
    namespace: 'review',
    labels: { app: 'review', version: 'v1' },
    annotations: { 'sidecar.istio.io/status': '{"containers":["istio-proxy"],"note":"[,{}]"}' },
  },
  spec: { containers: [{ name: 'app', env: [{ name: 'Q', value: 'say \\"hi\\", {ok}' }] }] },
  status: { phase: 'Running', message: 'ünïcödé ✓ 日本語 🚀', podIP: '10.0.0.7' },
};

describe('ListStreamParser', () => {
  it('gives the items and the rest of a list exactly as JSON.parse, for any chunking', () => {
    const body = JSON.stringify({
      kind: 'PodList',
      apiVersion: 'v1',
      metadata: { resourceVersion: '42', continue: 'eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ', items: ['not', 'these'] },
      items: [POD, { ...POD, metadata: { ...POD.metadata, name: 'two' } }, { weird: 'a"b\\c' }],
    });
    expectSameAsJsonParse(body);
  });

  it('handles pretty-printed bodies, items before metadata, and escaped quotes and backslashes at chunk edges', () => {
    const body = JSON.stringify(
      { items: [{ s: '\\\\"\\u0022]}' }, { n: [1, [2, { '"items"': [] }]] }, {}], metadata: { continue: '' }, kind: 'List' },
      null,
      2,
    );
    expectSameAsJsonParse(body);
  });

  it('returns no items for an empty list', () => {
    expectSameAsJsonParse('{"kind":"PodList","metadata":{},"items":[]}');
    expectSameAsJsonParse('{ "items" : [ \n ] , "kind":"PodList"}');
  });

  it('leaves a body without a recognisable items array to JSON.parse', () => {
    for (const body of ['{"kind":"Status","items":null}', '{"it\\u0065ms":[{"a":1}]}', '[{"a":1}]', '"text"', 'null', '5']) {
      const { list, items } = parseStreamed(body);
      expect(items).toBeUndefined();
      expect(list).toEqual(JSON.parse(body));
    }
  });

  it('rejects invalid JSON: broken item, empty slots, truncation', () => {
    const invalid = [
      '{"items":[{"a":1},{"a":]}',
      '{"items":[{"a":1},]}',
      '{"items":[,{"a":1}]}',
      '{"items":[{"a":1},,{"a":2}]}',
      '{"items":[{"a":1}',
      '{"metadata":{"continue":"x"},"items":[{"a":1}],}',
      '{"items":[{"a":"unterminated}]}',
    ];
    for (const body of invalid) {
      expect(() => parseStreamed(body), body).toThrow(InvalidListJson);
      expect(() => JSON.parse(body), body).toThrow(SyntaxError);
    }
  });
});
