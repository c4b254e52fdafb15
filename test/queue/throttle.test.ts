// Progress edits of the parent message: the first at once, later ones coalesced to the latest
// state, in order, and none after stop(). (No timing is asserted: intervals are either zero or
// far longer than the test.)

import { describe, expect, it } from 'vitest';
import { ThrottledSender } from '../../src/workers/throttle.ts';

describe('ThrottledSender', () => {
  it('sends the first state at once and holds later ones back within the interval', async () => {
    const sent: number[] = [];
    const sender = new ThrottledSender<number>(async (n) => {
      sent.push(n);
    }, 60_000);
    sender.push(1);
    sender.push(2);
    sender.push(3);
    await sender.stop();
    sender.push(4);
    expect(sent).toEqual([1]);
  });

  it('sends every state, in order, when there is no interval, even if a send fails', async () => {
    const sent: number[] = [];
    const sender = new ThrottledSender<number>(async (n) => {
      if (n === 2) throw new Error('Slack said no');
      sent.push(n);
    }, 0);
    for (const n of [1, 2, 3, 4]) sender.push(n);
    await sender.stop();
    expect(sent).toEqual([1, 3, 4]);
  });
});
