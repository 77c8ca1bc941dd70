import assert from 'node:assert/strict';
import { setImmediate as setImmediatePromise } from 'node:timers/promises';
import { remembered } from '../src/db/remembered';
import { eventually } from './support/eventually';

describe('Lookups remembered for a while in the process', () => {
  it('then a value found is answered again without asking, until its time is up', async () => {
    const asked: string[] = [];
    const lookup = remembered(async (key) => {
      asked.push(key);
      return `${key}#${asked.length}`;
    }, { forMs: 50 });
    assert.equal(await lookup('a'), 'a#1');
    assert.equal(await lookup('a'), 'a#1');
    assert.equal(await lookup('b'), 'b#2');
    // Answered from memory (asking nothing) until its 50 ms are up, then asked again.
    assert.equal(await eventually('the remembered value to expire', async () => {
      const value = await lookup('a');
      return value !== 'a#1' && value;
    }, 5000, 10), 'a#3');
    assert.deepEqual(asked, ['a', 'b', 'a']);
  });

  it('then nothing found is never remembered', async () => {
    let exists = false;
    let asks = 0;
    const lookup = remembered(async () => {
      asks++;
      return exists ? 'found' : null;
    }, { forMs: 60_000 });
    assert.equal(await lookup('k'), undefined);
    exists = true;
    assert.equal(await lookup('k'), 'found');
    assert.equal(asks, 2);
  });

  it('then lookups of a key while it loads share the one load', async () => {
    let asks = 0;
    let release!: () => void;
    const lookup = remembered(async (key) => {
      asks++;
      await new Promise<void>((r) => (release = r));
      return key.toUpperCase();
    }, { forMs: 60_000 });
    const burst = Array.from({ length: 20 }, () => lookup('k'));
    await setImmediatePromise();
    release();
    assert.deepEqual(new Set(await Promise.all(burst)), new Set(['K']));
    assert.equal(asks, 1);
  });

  it('then a value keepIf refuses is answered but asked for again next time', async () => {
    let state = 'reserved';
    let asks = 0;
    const lookup = remembered(async () => {
      asks++;
      return { state };
    }, { forMs: 60_000, keepIf: (v) => v.state === 'held' });
    assert.equal((await lookup('n'))?.state, 'reserved');
    state = 'held';
    assert.equal((await lookup('n'))?.state, 'held');
    state = 'reserved';
    assert.equal((await lookup('n'))?.state, 'held', 'a kept value is remembered');
    assert.equal(asks, 2);
  });

  it('then a key forgotten, even while it loads, is read again by the next lookup', async () => {
    let value = 'old';
    let release!: () => void;
    const lookup = remembered(async () => {
      const read = value;
      await new Promise<void>((r) => (release = r));
      return read;
    }, { forMs: 60_000 });
    const inFlight = lookup('k');
    await setImmediatePromise();
    value = 'new';
    lookup.forget('k');
    release();
    assert.equal(await inFlight, 'old');
    const next = lookup('k');
    await setImmediatePromise();
    release();
    assert.equal(await next, 'new');
  });
});
