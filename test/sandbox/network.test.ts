import assert from 'node:assert/strict';
import twilio from 'twilio';
import type { RunningSandbox } from '../../src/sandbox';
import { groundTruth, HANDSET, LOCAL, PLATFORM, providerFor, startReceiver, startTestSandbox, waitFor, type Receiver } from './helpers';

const gaps = (times: number[]) => times.slice(1).map((t, i) => t - times[i]);

describe('sandbox network', () => {
  let sandbox: RunningSandbox | undefined;
  let receiver: Receiver;
  beforeEach(async () => {
    receiver = await startReceiver();
  });
  afterEach(async () => {
    await sandbox?.close();
    sandbox = undefined;
    await receiver.close();
  });

  async function sentTimes(count: number): Promise<Array<{ sid: string; segments: number; dateSent: number }>> {
    const msgs = await waitFor(
      async () => {
        const all = await groundTruth(sandbox!, `?from=${encodeURIComponent(LOCAL)}`);
        return all.length === count && all.every((m) => m.dateSent) && all;
      },
      60_000,
      'every message to leave',
    );
    return msgs.map((m) => ({ sid: m.sid, segments: m.segments, dateSent: Date.parse(m.dateSent!) }));
  }

  it('when 30 messages are sent from one local number at the default rate, then they leave no faster than one segment a second', async function () {
    this.timeout(60_000);
    sandbox = await startTestSandbox();
    const p = providerFor(sandbox);
    for (let i = 0; i < 30; i++) await p.sendMessage({ from: LOCAL, to: HANDSET, body: `Message ${i}` });
    const sent = await sentTimes(30);
    const g = gaps(sent.map((m) => m.dateSent));
    assert.ok(g.every((d) => d >= 1000), `gaps under 1 s: ${g.filter((d) => d < 1000)}`);
    const span = sent[29].dateSent - sent[0].dateSent;
    assert.ok(span < 29_000 + 1_500, `released too slowly: ${span} ms for 29 gaps`);
  });

  it('when messages of one and two segments share a sender, then a two-segment message takes two slots', async () => {
    sandbox = await startTestSandbox({ throughput: { local: 20 } });
    const p = providerFor(sandbox);
    const bodies = Array.from({ length: 30 }, (_, i) => (i % 3 === 0 ? 'x'.repeat(200) : `short ${i}`));
    const created = [];
    for (const body of bodies) created.push(await p.sendMessage({ from: LOCAL, to: HANDSET, body }));
    assert.deepEqual(created.map((c) => c.segments), bodies.map((b) => (b.length > 160 ? 2 : 1)));
    const sent = await sentTimes(30);
    for (let i = 1; i < sent.length; i++) {
      const slot = (sent[i - 1].segments * 1000) / 20;
      assert.ok(sent[i].dateSent - sent[i - 1].dateSent >= slot, `message ${i} left ${sent[i].dateSent - sent[i - 1].dateSent} ms after one of ${sent[i - 1].segments} segments`);
    }
    const totalSlots = sent.slice(0, -1).reduce((a, m) => a + (m.segments * 1000) / 20, 0);
    assert.ok(sent[29].dateSent - sent[0].dateSent < totalSlots + 400, 'the queue is much slower than its rate');
  });

  it('when the body has a character outside GSM-7, then it is counted as UCS-2', async () => {
    sandbox = await startTestSandbox();
    const p = providerFor(sandbox);
    const ucs = await p.sendMessage({ from: LOCAL, to: HANDSET, body: 'ж'.repeat(71) });
    const gsm = await p.sendMessage({ from: LOCAL, to: HANDSET, body: 'a'.repeat(71) });
    assert.equal(ucs.segments, 2);
    assert.equal(gsm.segments, 1);
    const truth = await groundTruth(sandbox);
    assert.equal(truth.find((m) => m.sid === ucs.sid)!.encoding, 'UCS-2');
    assert.equal(truth.find((m) => m.sid === gsm.sid)!.encoding, 'GSM-7');
  });

  it('when a status callback is set, then sending, sent, delivered arrive signed (never queued) and a tampered copy fails validation', async () => {
    sandbox = await startTestSandbox({ throughput: { local: 50 } });
    const statusUrl = `${receiver.url}/status?ws=w1`;
    const sent = await providerFor(sandbox).sendMessage({ from: LOCAL, to: HANDSET, body: 'hi', statusCallback: statusUrl });
    await waitFor(() => receiver.received.length === 3, 5000, 'three callbacks');
    assert.deepEqual(receiver.received.map((r) => r.params.MessageStatus), ['sending', 'sent', 'delivered']);
    for (const r of receiver.received) {
      assert.equal(r.url, statusUrl);
      assert.equal(r.params.MessageSid, sent.sid);
      assert.equal(r.params.SmsSid, sent.sid);
      assert.equal(r.params.AccountSid, PLATFORM.accountSid);
      assert.equal(r.params.ApiVersion, '2010-04-01');
      assert.equal(r.params.ErrorCode, undefined);
      assert.ok(twilio.validateRequest(PLATFORM.authToken, r.signature!, r.url, r.params), 'signature should validate');
      assert.ok(!twilio.validateRequest(PLATFORM.authToken, r.signature!, r.url, { ...r.params, MessageStatus: 'failed' }), 'tampered parameter');
      assert.ok(!twilio.validateRequest(PLATFORM.authToken, r.signature!, r.url.replace('w1', 'w2'), r.params), 'tampered URL');
      assert.ok(!twilio.validateRequest('another-token', r.signature!, r.url, r.params), 'other token');
    }
    const p = providerFor(sandbox);
    assert.deepEqual(p.parseStatusCallback(receiver.received[2].params), { sid: sent.sid, status: 'delivered', accountSid: PLATFORM.accountSid });
  });

  it('when the handset is unreachable, then the message ends undelivered with 30003 in the callback', async () => {
    sandbox = await startTestSandbox({ throughput: { local: 50 } });
    const sent = await providerFor(sandbox).sendMessage({ from: LOCAL, to: '+15550103777', body: 'hi', statusCallback: `${receiver.url}/s` });
    const last = await waitFor(() => receiver.received.find((r) => r.params.MessageStatus === 'undelivered'), 5000, 'undelivered');
    assert.equal(last.params.ErrorCode, '30003');
    assert.equal((await providerFor(sandbox).fetchMessage(sent.sid)).errorCode, 30003);
  });

  it('when a message waits longer than its validity period, then it fails with 30036', async () => {
    sandbox = await startTestSandbox({ throughput: { local: 0.5 } });
    const p = providerFor(sandbox);
    const sids = [];
    for (let i = 0; i < 3; i++) sids.push((await p.sendMessage({ from: LOCAL, to: HANDSET, body: `v${i}`, validityPeriodSeconds: 1, statusCallback: `${receiver.url}/s` })).sid);
    const failed = await waitFor(
      () => {
        const f = receiver.received.filter((r) => r.params.MessageStatus === 'failed');
        return f.length === 2 && f;
      },
      6000,
      'two expired messages',
    );
    assert.deepEqual(failed.map((r) => [r.params.MessageSid, r.params.ErrorCode]), [[sids[1], '30036'], [sids[2], '30036']]);
    const first = await p.fetchMessage(sids[0]);
    assert.ok(['sending', 'sent', 'delivered'].includes(first.status));
    assert.equal((await p.fetchMessage(sids[2])).dateSent, null);
  });

  it('when a sender has more queued than its queue holds, then the excess fails with 30001', async () => {
    sandbox = await startTestSandbox({ maxQueueSeconds: 2 });
    const p = providerFor(sandbox);
    const first = await p.sendMessage({ from: LOCAL, to: HANDSET, body: 'first' });
    await waitFor(async () => (await p.fetchMessage(first.sid)).status !== 'queued', 2000, 'first to leave');
    const rest = [];
    for (let i = 0; i < 4; i++) rest.push((await p.sendMessage({ from: LOCAL, to: HANDSET, body: `m${i}`, statusCallback: `${receiver.url}/s` })).sid);
    const failed = await waitFor(
      () => {
        const f = receiver.received.filter((r) => r.params.MessageStatus === 'failed');
        return f.length === 2 && f;
      },
      3000,
      'overflow failures',
    );
    assert.deepEqual(failed.map((r) => [r.params.MessageSid, r.params.ErrorCode]).sort(), [[rest[2], '30001'], [rest[3], '30001']].sort());
    assert.equal((await p.fetchMessage(rest[0])).status === 'failed', false);
  });
});
