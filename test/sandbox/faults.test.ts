import assert from 'node:assert/strict';
import type { RunningSandbox } from '../../src/sandbox';
import { createProvider, ProviderError } from '../../src/provider';
import { call, groundTruth, HANDSET, LOCAL, PLATFORM, providerFor, startReceiver, startTestSandbox, waitFor, type Receiver } from './helpers';

async function failure(p: Promise<unknown>): Promise<ProviderError> {
  const e = await p.then(
    () => assert.fail('expected a ProviderError'),
    (err: unknown) => err,
  );
  assert.ok(e instanceof ProviderError, String(e));
  return e;
}

describe('sandbox faults through the provider adapter', () => {
  let sandbox: RunningSandbox;
  let receiver: Receiver;
  beforeEach(async () => {
    receiver = await startReceiver();
    sandbox = await startTestSandbox({ throughput: { local: 100 } });
  });
  afterEach(async () => {
    await sandbox.close();
    await receiver.close();
  });

  const setFaults = async (faults: object) => {
    const r = await call(sandbox.url, 'POST', '/sandbox/faults', faults);
    assert.equal(r.status, 200, JSON.stringify(r.body));
  };
  const send = (body = 'x', extra: object = {}) => providerFor(sandbox).sendMessage({ from: LOCAL, to: HANDSET, body, ...extra });

  it('when the carrier answers 429, then the error is throttled with Retry-After in ms', async () => {
    await setFaults({ errorRates: { '429': 1 }, retryAfterSeconds: 3 });
    const e = await failure(send());
    assert.equal(e.category, 'throttled');
    assert.equal(e.code, 20429);
    assert.equal(e.httpStatus, 429);
    assert.equal(e.retryAfterMs, 3000);
    assert.equal((await groundTruth(sandbox)).length, 0);
  });

  it('when the carrier answers 500 or 503, then the error is transient', async () => {
    await setFaults({ errorRates: { '500': 1 } });
    const e500 = await failure(send());
    assert.deepEqual([e500.category, e500.httpStatus, e500.code], ['transient', 500, 20500]);
    await setFaults({ errorRates: { '503': 1 } });
    const e503 = await failure(send());
    assert.deepEqual([e503.category, e503.httpStatus], ['transient', 503]);
  });

  it('when the carrier cannot be reached, then the error is transient (never sent)', async () => {
    const p = createProvider({ ...PLATFORM, baseUrl: 'http://127.0.0.1:1' });
    const e = await failure(p.sendMessage({ from: LOCAL, to: HANDSET, body: 'x' }));
    assert.deepEqual([e.category, e.code], ['transient', 'network']);
  });

  it('when the response is dropped after acceptance, then the error is ambiguous and the message exists', async () => {
    await setFaults({ dropResponseAfterAccept: 1 });
    const e = await failure(send('did it go?'));
    assert.equal(e.category, 'ambiguous');
    const truth = await groundTruth(sandbox);
    assert.equal(truth.length, 1);
    assert.equal(truth[0].body, 'did it go?');
    // How a sender resolves it: look the message up.
    await call(sandbox.url, 'DELETE', '/sandbox/faults');
    const found = await providerFor(sandbox).listMessages({ from: LOCAL, to: HANDSET });
    assert.deepEqual(found.map((m) => m.sid), [truth[0].sid]);
  });

  it('when a create times out, then it is ambiguous; when a fetch times out, then it is transient', async () => {
    const p = providerFor(sandbox, PLATFORM, 300);
    const sent = await p.sendMessage({ from: LOCAL, to: HANDSET, body: 'before' });
    await setFaults({ latencyMs: { create: 1000, fetch: 1000 } });
    const create = await failure(p.sendMessage({ from: LOCAL, to: HANDSET, body: 'slow' }));
    assert.deepEqual([create.category, create.code], ['ambiguous', 'timeout']);
    const fetch = await failure(p.fetchMessage(sent.sid));
    assert.deepEqual([fetch.category, fetch.code], ['transient', 'timeout']);
    // The slow create was accepted after all.
    await waitFor(async () => (await groundTruth(sandbox)).some((m) => m.body === 'slow'), 3000, 'the slow create to land');
  });

  it('when faults are seeded, then the same seed replays the same sequence', async () => {
    const run = async (seed: number) => {
      await setFaults({ seed, errorRates: { '429': 0.3, '500': 0.2 } });
      const out: string[] = [];
      for (let i = 0; i < 30; i++) out.push(await send().then(() => 'ok', (e: ProviderError) => String(e.httpStatus)));
      return out.join(',');
    };
    const a = await run(7);
    const b = await run(7);
    const c = await run(8);
    assert.equal(a, b);
    assert.notEqual(a, c);
    assert.ok(a.includes('429') && a.includes('500') && a.includes('ok'), a);
  });

  it('when callbacks are duplicated, then each status arrives twice', async () => {
    await setFaults({ callbacks: { duplicate: 1 } });
    await send('dup', { statusCallback: `${receiver.url}/s` });
    await waitFor(() => receiver.received.length === 6, 5000, 'six callbacks');
    const statuses = receiver.received.map((r) => r.params.MessageStatus).sort();
    assert.deepEqual(statuses, ['delivered', 'delivered', 'sending', 'sending', 'sent', 'sent']);
  });

  it('when callbacks are shuffled, then they arrive out of order but complete', async () => {
    await setFaults({ seed: 3, callbacks: { shuffle: true } });
    const sids = [];
    for (let i = 0; i < 6; i++) sids.push((await send(`s${i}`, { statusCallback: `${receiver.url}/s` })).sid);
    await waitFor(() => receiver.received.length === 18, 5000, 'eighteen callbacks');
    let outOfOrder = 0;
    for (const sid of sids) {
      const order = receiver.received.filter((r) => r.params.MessageSid === sid).map((r) => r.params.MessageStatus);
      assert.deepEqual([...order].sort(), ['delivered', 'sending', 'sent']);
      if (order.join() !== 'sending,sent,delivered') outOfOrder++;
    }
    assert.ok(outOfOrder > 0, 'no message had its callbacks out of order');
  });

  it('when webhook deliveries fail on the carrier side, then they count as failed attempts and are retried', async () => {
    await call(sandbox.url, 'POST', '/sandbox/numbers', { phoneNumber: LOCAL, type: 'local', smsUrl: `${receiver.url}/sms#rc=3&rp=all` });
    await setFaults({ webhookFailures: { count: 2, status: 502 } });
    const r = await call(sandbox.url, 'POST', '/sandbox/inbound', { from: HANDSET, to: LOCAL, body: 'hello' });
    assert.deepEqual([r.body.delivered, r.body.attempts], [true, 3]);
    assert.equal(receiver.received.length, 1);
    await setFaults({ webhookFailures: { rate: 1 } });
    const lost = await call(sandbox.url, 'POST', '/sandbox/inbound', { from: HANDSET, to: LOCAL, body: 'hello?' });
    assert.deepEqual([lost.body.delivered, lost.body.attempts, lost.body.responseStatus], [false, 4, 500]);
    assert.equal(receiver.received.length, 1);
  });

  it('when throughput is overridden for a number, then its queue runs at that rate', async () => {
    await sandbox.close();
    sandbox = await startTestSandbox();
    await setFaults({ throughput: { [LOCAL]: 20 } });
    for (let i = 0; i < 6; i++) await send(`t${i}`);
    const truth = await waitFor(async () => {
      const t = await groundTruth(sandbox);
      return t.every((m) => m.dateSent) && t;
    }, 3000, 'six to leave at 20/s');
    const times = truth.map((m) => Date.parse(m.dateSent!));
    for (let i = 1; i < times.length; i++) assert.ok(times[i] - times[i - 1] >= 50);
  });

  it('when the fault config is read, replaced and cleared, then GET reflects it; bad input is 400', async () => {
    await setFaults({ seed: 9, latencyMs: 5 });
    assert.equal((await call(sandbox.url, 'GET', '/sandbox/faults')).body.seed, 9);
    assert.equal((await call(sandbox.url, 'GET', '/sandbox/faults')).body.latencyMs, 5);
    assert.equal((await call(sandbox.url, 'DELETE', '/sandbox/faults')).status, 204);
    assert.equal((await call(sandbox.url, 'GET', '/sandbox/faults')).body.latencyMs, undefined);
    for (const bad of [{ errorRates: { '429': 2 } }, { errorRates: { '429': 0.7, '500': 0.7 } }, { nonsense: true }, { callbacks: { shuffle: 'yes' } }]) {
      const r = await call(sandbox.url, 'POST', '/sandbox/faults', bad);
      assert.equal(r.status, 400, JSON.stringify(bad));
      assert.equal(r.body.error.code, 'validation_failed');
    }
  });
});
