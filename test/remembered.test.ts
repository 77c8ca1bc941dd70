import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { remembered } from '../src/db/remembered';

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
    await sleep(60);
    assert.equal(await lookup('a'), 'a#3');
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
});
