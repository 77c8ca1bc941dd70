import assert from 'node:assert/strict';
import { backoffDelayMs, MAX_SLOW_FACTOR, nextFreeAt, recovered, segmentDurationMs, slotAt, slowedDown } from '../src/temporal/pace';

/* Pure: no servers. The pace the sender workflow plans with and the batch waits by (src/temporal/pace.ts). */
describe('A sender number’s pace (arithmetic)', () => {
  it('when a number sends 1, 3 or 0.5 segments a second, then a segment takes 1000, 333⅓ or 2000 ms, times the slow-down', () => {
    assert.equal(segmentDurationMs(1), 1000);
    assert.equal(segmentDurationMs(3), 1000 / 3);
    assert.equal(segmentDurationMs(0.5), 2000);
    assert.equal(segmentDurationMs(1, 2), 2000);
    assert.equal(segmentDurationMs(10, 1.25), 125);
  });

  it('when messages of 2, 1 and 2 segments follow each other at 1/s, then they take the slots at 0, 2 and 3 s and free the number at 5 s', () => {
    const start = 1_000_000;
    let freeAt = 0;
    const slots = [];
    for (const segments of [2, 1, 2]) {
      const at = slotAt(freeAt, start); // sent on time: the clock is never later than the slot here
      slots.push(at - start);
      freeAt = nextFreeAt(at, segments, segmentDurationMs(1));
    }
    assert.deepEqual(slots, [0, 2000, 3000]);
    assert.equal(freeAt - start, 5000);
  });

  it('when the next free slot has passed, then a message goes now, never earlier; when it is ahead, it waits for it', () => {
    assert.equal(slotAt(5_000, 9_000), 9_000);
    assert.equal(slotAt(9_000, 5_000), 9_000);
    // A late wake-up counts from when it went: the gap after it is whole.
    assert.equal(nextFreeAt(slotAt(5_000, 9_000), 1, 1000), 10_000);
  });

  it('when the carrier keeps answering 429, then each slows the number by a quarter, up to four times slower', () => {
    const factors = [1];
    for (let i = 0; i < 10; i++) factors.push(slowedDown(factors.at(-1)!));
    assert.deepEqual(factors.slice(0, 4), [1, 1.25, 1.5625, 1.953125]);
    assert.ok(factors.every((f, i) => i === 0 || f >= factors[i - 1]), 'never faster after a 429');
    assert.equal(factors.at(-1), MAX_SLOW_FACTOR);
  });

  it('when sends go through again, then each takes back 5 % of the slow-down, down to the full rate and no further', () => {
    assert.equal(recovered(2, 4), 1.8);
    assert.equal(recovered(1.1, 1), 1.05);
    assert.equal(recovered(1.1, 10), 1);
    assert.equal(recovered(1, 100), 1);
  });

  it('when a message is set back again and again, then it waits twice as long each time, spread ±50 %, capped, and never less than Retry-After', () => {
    const timings = { backoffMs: 200, backoffMaxMs: 2000 };
    // random 0.5: the middle of the spread.
    assert.deepEqual([1, 2, 3, 4, 5, 6].map((n) => backoffDelayMs(n, timings, 0.5)), [200, 400, 800, 1600, 2000, 2000]);
    assert.equal(backoffDelayMs(3, timings, 0), 400);
    assert.equal(backoffDelayMs(3, timings, 0.999), 800 * 1.499);
    assert.equal(backoffDelayMs(1, timings, 0.5, 5000), 5000, 'the carrier’s Retry-After wins when longer');
    assert.equal(backoffDelayMs(4, timings, 0.5, 100), 1600);
  });
});
