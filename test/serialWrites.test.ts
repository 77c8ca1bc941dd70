import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { serialWrite } from '../src/db/serialWrites';

describe('Serial writes to one document (FerretDB updates are read-then-replace)', () => {
  it('then concurrent read-modify-write steps on one key lose nothing', async () => {
    let stored = 0;
    const increment = async () => {
      const read = stored;
      await sleep(Math.random() * 3);
      stored = read + 1;
    };
    await Promise.all(Array.from({ length: 50 }, () => serialWrite('doc:a', increment)));
    assert.equal(stored, 50);
  });

  it('then a failed write is reported to its caller and the next one still runs', async () => {
    const order: string[] = [];
    const failing = serialWrite('doc:b', async () => {
      order.push('first');
      throw new Error('refused');
    });
    const next = serialWrite('doc:b', async () => {
      order.push('second');
      return 2;
    });
    await assert.rejects(failing, /refused/);
    assert.equal(await next, 2);
    assert.deepEqual(order, ['first', 'second']);
  });

  it('then writes to different keys run side by side', async () => {
    let running = 0;
    let most = 0;
    const write = async () => {
      running++;
      most = Math.max(most, running);
      await sleep(10);
      running--;
    };
    await Promise.all(['doc:c', 'doc:d', 'doc:e'].map((k) => serialWrite(k, write)));
    assert.equal(most, 3);
  });
});
