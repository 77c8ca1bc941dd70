import assert from 'node:assert/strict';
import { Contact, Conversation, Message } from '../src/db/models';
import { createWorker } from '../src/worker';
import { countSegments, signTwilioRequest } from '../src/sandbox';
import { measureBody } from '../src/messaging/segments';
import { contactIdFor } from '../src/inbox/threads';
import { recordHandover } from '../src/messaging/status';
import { senderViewQuery, senderWorkflowId } from '../src/temporal/sender';
import { call, createTestWorkspace, PLATFORM_ACCOUNT, startStack, type Stack } from './support/stack';
import { carrierMessages, type CarrierMessage, connectedWorkspace, countByBody, eventually, getMessage, randomRecipient, seedNumber, sendSms, senderBetweenBatches, settle } from './outbound.support';

const LANDLINE = '+1312555';
const UNREACHABLE = '+1617555';

/**
 * The number's pace held: between any two sends there were at least as many slots as the segments
 * sent in between, by two clocks.
 * - Ours, exactly: the time each send's attempt was written down (`sendAttemptAt`, taken in the
 *   same tick as the slot). A send may start late (load), never early, and the slot after it counts
 *   from when it went, so no gap is ever short: OUR_SLACK_MS is only the clock's rounding.
 * - The carrier's, generously: its receive time adds each create's trip over loopback, which on the
 *   shared 2-core machine varies by up to a second (a late arrival shortens the gap after it).
 *   CARRIER_SLACK_MS allows that; a pace that is too fast still fails over the longer spans.
 */
const OUR_SLACK_MS = 5;
const CARRIER_SLACK_MS = 1500;
function assertGaps(what: string, times: Map<string, number>, sent: CarrierMessage[], rate: number, slackMs: number) {
  const ordered = [...sent].sort((a, b) => times.get(a.sid)! - times.get(b.sid)!);
  let segments = 0;
  const before = ordered.map((m) => (segments += m.segments) - m.segments);
  for (let i = 0; i < ordered.length; i++) {
    for (let j = i + 1; j < ordered.length; j++) {
      const gap = times.get(ordered[j].sid)! - times.get(ordered[i].sid)!;
      const least = ((before[j] - before[i]) * 1000) / rate - slackMs;
      assert.ok(gap >= least, `by ${what}, sends ${i} and ${j} were ${gap} ms apart, less than ${least} ms: faster than ${rate}/s`);
    }
  }
}
async function assertPaced(sent: CarrierMessage[], rate: number) {
  const stored = await Message.find({ providerSid: { $in: sent.map((m) => m.sid) } }, { providerSid: 1, sendAttemptAt: 1 }).lean();
  assert.equal(stored.length, sent.length, 'every send is one of our messages');
  assertGaps('our clock', new Map(stored.map((m) => [m.providerSid!, m.sendAttemptAt!.getTime()])), sent, rate, OUR_SLACK_MS);
  assertGaps('the carrier’s clock', new Map(sent.map((m) => [m.sid, Date.parse(m.dateCreated)])), sent, rate, CARRIER_SLACK_MS);
}

describe('outbound SMS', function () {
  this.timeout(120_000);
  let stack: Stack;

  before(async () => {
    stack = await startStack({
      env: {
        PROVIDER_TIMEOUT_MS: '3000',
        MESSAGE_BACKOFF_SECONDS: '0.2',
        MESSAGE_BACKOFF_MAX_SECONDS: '2',
        PACE_RECOVERY_SECONDS: '5',
        AMBIGUOUS_LOOKUP_GRACE_SECONDS: '1',
        // The sandbox does not retry a callback that failed (as Twilio): on a loaded machine one can
        // time out, and then the sender's ask at the provider is what settles the message.
        MESSAGE_FINAL_STATUS_WAIT_SECONDS: '10',
        // The tests poll each message's view (settle): 20 messages every 200 ms pass the per-address
        // limit within seconds on a quiet machine. The limits are abuse.test.ts's subject.
        RATE_LIMIT_PER_ADDRESS: '0',
        RATE_LIMIT_PER_KEY: '0',
      },
      sandbox: { landlinePrefixes: [LANDLINE], deliveryFailures: { [UNREACHABLE]: 30003 } },
    });
  });
  after(async () => stack?.stop());
  afterEach(async () => {
    await call(stack.sandbox.url, 'DELETE', '/sandbox/faults');
  });

  it('when the body is GSM-7 with extension characters or UCS-2, then segments match the carrier’s count', () => {
    for (const body of ['hello', 'a'.repeat(160), 'a'.repeat(161), '€'.repeat(80), '€'.repeat(81), 'a'.repeat(152) + '[' + 'a'.repeat(9), 'ж'.repeat(70), 'ж'.repeat(71), 'a'.repeat(100) + '✓', '😀'.repeat(36)]) {
      assert.deepEqual(measureBody(body), countSegments(body), JSON.stringify(body));
    }
  });

  describe('when an agent sends a text', () => {
    it('then it is accepted with segments and encoding, joins the thread, and ends delivered once at the carrier', async () => {
      const { ws, number } = await connectedWorkspace(stack);
      const to = randomRecipient();
      const res = await sendSms(stack, ws, to, 'Your order has shipped 📦');
      assert.equal(res.status, 202, JSON.stringify(res.body));
      assert.equal(res.body.status, 'accepted');
      assert.equal(res.body.to, to);
      assert.equal(res.body.from, number.e164);
      assert.equal(res.body.encoding, 'UCS-2');
      assert.equal(res.body.segments, 1);
      const conversation = await Conversation.findById(res.body.conversationId).lean();
      assert.equal(conversation?.contactAddress, to);
      assert.equal(conversation?.channel, 'sms');

      const [done] = await settle(stack, ws, [res.body.id], ['delivered']);
      assert.deepEqual(
        done.statusHistory.map((h: { status: string }) => h.status),
        ['accepted', 'queued', 'sending', 'sent', 'delivered'],
      );
      assert.equal(done.errorCode, null);
      const atCarrier = await carrierMessages(stack, number.e164);
      assert.equal(atCarrier.length, 1);
      assert.equal(atCarrier[0].to, to);
      assert.equal(atCarrier[0].status, 'delivered');

      // A national number is read with the workspace's default country (US) and lands in the same thread.
      const national = `(${to.slice(2, 5)}) ${to.slice(5, 8)}-${to.slice(8)}`;
      const again = await sendSms(stack, ws, national, 'second');
      assert.equal(again.status, 202);
      assert.equal(again.body.to, to);
      assert.equal(again.body.conversationId, res.body.conversationId);

      // Another workspace's key never sees it.
      const other = await createTestWorkspace();
      const foreign = await call(stack.url, 'GET', `/v1/workspaces/${ws.id}/messages/${res.body.id}`, { key: other.agent });
      assert.equal(foreign.status, 404);
      const mine = await call(stack.url, 'GET', `/v1/workspaces/${other.id}/messages/${res.body.id}`, { key: other.agent });
      assert.equal(mine.status, 404);
    });
  });

  describe('when a send is refused', () => {
    it('then each check answers in order with its error, and nothing is stored or sent', async () => {
      const noAddon = await createTestWorkspace({ addon: false });
      let res = await sendSms(stack, noAddon, randomRecipient(), 'hi');
      assert.equal(res.status, 402);
      assert.equal(res.body.error.code, 'addon_required');

      const unconnected = await createTestWorkspace();
      res = await sendSms(stack, unconnected, randomRecipient(), 'hi');
      assert.equal(res.status, 409);
      assert.equal(res.body.error.code, 'channel_not_connected');

      const { ws, number } = await connectedWorkspace(stack);
      assert.equal((await call(stack.url, 'PATCH', `/v1/workspaces/${ws.id}/sms`, { key: ws.admin, body: { enabled: false } })).status, 200);
      res = await sendSms(stack, ws, randomRecipient(), 'hi');
      assert.equal(res.status, 409);
      assert.equal(res.body.error.code, 'channel_disabled');
      await call(stack.url, 'PATCH', `/v1/workspaces/${ws.id}/sms`, { key: ws.admin, body: { enabled: true } });

      const stopped = randomRecipient();
      await Contact.create({ _id: contactIdFor(ws.id, stopped), workspaceId: ws.id, address: stopped, optedOut: true });
      res = await sendSms(stack, ws, stopped, 'hi');
      assert.equal(res.status, 422);
      assert.equal(res.body.error.code, 'recipient_opted_out');

      res = await sendSms(stack, ws, '+1555', 'hi');
      assert.equal(res.status, 422);
      assert.equal(res.body.error.code, 'invalid_recipient');
      // The right length, but no number of its plan (Anguilla's): judged with the full metadata.
      res = await sendSms(stack, ws, '+12648880539', 'hi');
      assert.equal(res.status, 422);
      assert.equal(res.body.error.code, 'invalid_recipient');

      for (const body of [
        { channel: 'sms', to: randomRecipient(), body: '' },
        { channel: 'sms', to: randomRecipient(), body: 'x'.repeat(1601) },
        { channel: 'email', to: randomRecipient(), body: 'hi' },
        { channel: 'sms', body: 'hi' },
      ]) {
        res = await call(stack.url, 'POST', `/v1/workspaces/${ws.id}/messages`, { key: ws.agent, body });
        assert.equal(res.status, 400, JSON.stringify(body));
        assert.equal(res.body.error.code, 'validation_failed');
      }
      assert.equal((await sendSms(stack, ws, randomRecipient(), 'x'.repeat(1600))).status, 202, '1600 characters are allowed');

      // The addon check comes first even when everything else is wrong too.
      await call(stack.url, 'PUT', `/v1/workspaces/${ws.id}/addons/sms`, { key: ws.admin, body: { active: false } });
      res = await sendSms(stack, ws, stopped, 'hi');
      assert.equal(res.status, 402);

      assert.equal(await Message.countDocuments({ workspaceId: { $in: [noAddon.id, unconnected.id] } }), 0);
      assert.equal(await Message.countDocuments({ workspaceId: ws.id, to: stopped }), 0);
      await eventually('the 1600-character message to leave', async () => (await carrierMessages(stack, number.e164)).length === 1);
    });
  });

  describe('when a request is repeated with the same Idempotency-Key', () => {
    it('then the same message comes back and the carrier gets it once; another body is 409', async () => {
      const { ws, number } = await connectedWorkspace(stack, { rate: 10 });
      const to = randomRecipient();
      const answers = await Promise.all(Array.from({ length: 5 }, () => sendSms(stack, ws, to, 'Only once', 'key-1')));
      for (const a of answers) assert.equal(a.status, 202, JSON.stringify(a.body));
      assert.equal(new Set(answers.map((a) => a.body.id)).size, 1);
      await settle(stack, ws, [answers[0].body.id], ['delivered']);

      const later = await sendSms(stack, ws, to, 'Only once', 'key-1');
      assert.equal(later.status, 202);
      assert.equal(later.body.id, answers[0].body.id);
      assert.equal(later.body.status, 'delivered');

      const conflict = await sendSms(stack, ws, to, 'Something else', 'key-1');
      assert.equal(conflict.status, 409);
      assert.equal(conflict.body.error.code, 'idempotency_conflict');

      // Every repeat's signal is in the sender's history (each was answered 202 after it): once it has
      // taken them all in with nothing queued and no batch running, nothing more can leave.
      await eventually('the sender to have taken in every repeat, with nothing queued', async () => {
        const view = await senderBetweenBatches(stack, number.id);
        return view && view.queued === 0;
      });
      assert.equal((await carrierMessages(stack, number.e164)).length, 1);
      assert.equal(await Message.countDocuments({ workspaceId: ws.id }), 1);
    });
  });

  describe('when 20 messages queue on a one-segment-a-second number, with two workers', () => {
    it('then the carrier receives them a second apart, in acceptance order per recipient', async () => {
      const second = await createWorker(stack.config);
      const running = second.worker.run();
      try {
        const { ws, number } = await connectedWorkspace(stack, { rate: 1 });
        const recipients = [randomRecipient(), randomRecipient(), randomRecipient()];
        const ids: string[] = [];
        for (let i = 0; i < 20; i++) {
          const res = await sendSms(stack, ws, recipients[i % 3], `pace ${i}`);
          assert.equal(res.status, 202);
          ids.push(res.body.id);
        }
        await settle(stack, ws, ids, ['delivered'], 60_000);
        const sent = (await carrierMessages(stack, number.e164)).sort((a, b) => Date.parse(a.dateCreated) - Date.parse(b.dateCreated));
        assert.equal(sent.length, 20);
        assert.equal(countByBody(sent).size, 20);
        // Never faster than the number's pace (how close to it the drain comes is scripts/bench-outbound.ts's ratio).
        await assertPaced(sent, 1);
        for (const r of recipients) {
          const order = sent.filter((m) => m.to === r).map((m) => Number(m.body.split(' ')[1]));
          assert.deepEqual(order, [...order].sort((a, b) => a - b), `order to ${r}: ${order}`);
        }
      } finally {
        second.worker.shutdown();
        await running;
        await second.connection.close();
      }
    });
  });

  describe('when multi-segment messages share a number between two workers', () => {
    it('then each message takes as many slots of the number as it has segments', async () => {
      const second = await createWorker(stack.config);
      const running = second.worker.run();
      try {
        const { ws, number } = await connectedWorkspace(stack, { rate: 1 });
        const bodies = Array.from({ length: 8 }, (_, i) => `${i} `.padEnd(i % 2 === 0 ? 300 : 20, 'x')); // 2 or 1 segments
        const ids = [];
        for (const body of bodies) ids.push((await sendSms(stack, ws, randomRecipient(), body)).body.id);
        await settle(stack, ws, ids, ['delivered'], 30_000);
        const sent = (await carrierMessages(stack, number.e164)).sort((a, b) => Date.parse(a.dateCreated) - Date.parse(b.dateCreated));
        assert.equal(sent.length, 8);
        assert.equal(sent.reduce((a, m) => a + m.segments, 0), 12);
        await assertPaced(sent, 1);
      } finally {
        second.worker.shutdown();
        await running;
        await second.connection.close();
      }
    });
  });

  describe('when the carrier answers 429 to half the sends', () => {
    it('then every message is still delivered exactly once, and the number slowed down meanwhile', async () => {
      const { ws, number } = await connectedWorkspace(stack, { rate: 5 });
      await call(stack.sandbox.url, 'POST', '/sandbox/faults', { body: { seed: 7, errorRates: { '429': 0.5 }, retryAfterSeconds: 0 } });
      const ids = [];
      for (let i = 0; i < 10; i++) ids.push((await sendSms(stack, ws, randomRecipient(), `storm ${i}`)).body.id);
      const sender = stack.temporal.workflow.getHandle(senderWorkflowId(number.id));
      await eventually('the number to slow down', async () => (await sender.query(senderViewQuery)).slowFactor > 1, 20_000, 50);
      await settle(stack, ws, ids, ['delivered'], 60_000);
      const sent = await carrierMessages(stack, number.e164);
      assert.equal(sent.length, 10);
      assert.ok([...countByBody(sent).values()].every((n) => n === 1));
      const attempts = await Message.find({ workspaceId: ws.id }, { sendAttempts: 1 }).lean();
      assert.ok(attempts.reduce((a, m) => a + (m.sendAttempts ?? 0), 0) > 10, 'some sends were refused and retried');
    });
  });

  describe('when the carrier accepts a send but the answer is lost', () => {
    it('then the message is looked up instead of sent again: exactly one at the carrier', async () => {
      const { ws, number } = await connectedWorkspace(stack, { rate: 5 });
      await call(stack.sandbox.url, 'POST', '/sandbox/faults', { body: { dropResponseAfterAccept: 1 } });
      const ids = [];
      for (let i = 0; i < 3; i++) ids.push((await sendSms(stack, ws, randomRecipient(), `lost answer ${i}`)).body.id);
      await settle(stack, ws, ids, ['delivered'], 30_000);
      const sent = await carrierMessages(stack, number.e164);
      assert.equal(sent.length, 3);
      const stored = await Message.find({ _id: { $in: ids } }).lean();
      assert.deepEqual(new Set(stored.map((m) => m.providerSid)), new Set(sent.map((m) => m.sid)));
      assert.ok(stored.every((m) => m.sendAttempts === 1));
    });
  });

  describe('when the provider refuses a message for good', () => {
    it('then it fails with the code and a sentence; 21610 also records the opt-out', async () => {
      const { ws, number } = await connectedWorkspace(stack, { rate: 10 });
      const landline = `${LANDLINE}${String(Date.now()).slice(-4)}`;
      const a = await sendSms(stack, ws, landline, 'to a landline');
      const unreachable = `${UNREACHABLE}${String(Date.now()).slice(-4)}`;
      const b = await sendSms(stack, ws, unreachable, 'to a phone that is off');

      const handset = randomRecipient();
      await call(stack.sandbox.url, 'POST', '/sandbox/inbound', { body: { from: handset, to: number.e164, body: 'STOP' } });
      const c = await sendSms(stack, ws, handset, 'after STOP');
      assert.equal(c.status, 202, 'our list does not know yet: only the carrier does');

      const [fa, fb, fc] = await settle(stack, ws, [a.body.id, b.body.id, c.body.id], ['failed', 'undelivered']);
      assert.equal(fa.status, 'failed');
      assert.equal(fa.errorCode, '21614');
      assert.match(fa.errorMessage, /landline/);
      assert.equal(fb.status, 'undelivered');
      assert.equal(fb.errorCode, '30003');
      assert.match(fb.errorMessage, /unreachable/);
      assert.equal(fc.status, 'failed');
      assert.equal(fc.errorCode, '21610');
      assert.match(fc.errorMessage, /STOP/);
      assert.equal((await Contact.findOne({ workspaceId: ws.id, address: handset }).lean())?.optedOut, true);
      const next = await sendSms(stack, ws, handset, 'again');
      assert.equal(next.status, 422);
      assert.equal(next.body.error.code, 'recipient_opted_out');
    });
  });

  describe('when sending is turned off while messages wait, then on again', () => {
    it('then they wait without reaching the carrier and leave once it is back on', async () => {
      const { ws, number } = await connectedWorkspace(stack, { rate: 0.5 });
      const ids = [];
      for (let i = 0; i < 3; i++) ids.push((await sendSms(stack, ws, randomRecipient(), `paused ${i}`)).body.id);
      await call(stack.url, 'PATCH', `/v1/workspaces/${ws.id}/sms`, { key: ws.admin, body: { enabled: false } });
      // The sender has the change and its batch (cancelled) has stopped: it waits, whatever the clock.
      await eventually('the sender to take in the pause with no batch running', () => senderBetweenBatches(stack, number.id));
      const during = await carrierMessages(stack, number.e164);
      assert.ok(during.length <= 1, `${during.length} left while sending was off`);
      const waiting = await Promise.all(ids.map((id) => getMessage(stack, ws, id)));
      assert.ok(waiting.filter((m) => m.status === 'accepted').length >= 2);

      const resumedAt = Date.now();
      await call(stack.url, 'PATCH', `/v1/workspaces/${ws.id}/sms`, { key: ws.admin, body: { enabled: true } });
      await settle(stack, ws, ids, ['delivered'], 30_000);
      const sent = await carrierMessages(stack, number.e164);
      assert.equal(sent.length, 3);
      // The ones that waited reached the carrier only after sending was back on (its clock and ours are one machine's).
      const late = sent.filter((m) => !during.some((d) => d.sid === m.sid));
      for (const m of late) assert.ok(Date.parse(m.dateCreated) >= resumedAt, `${m.body} reached the carrier at ${m.dateCreated}, before sending was back on`);
    });
  });

  describe('when the channel is disconnected while messages wait', () => {
    it('then the ones that had not left fail with channel_not_connected, and new sends are refused', async () => {
      const { ws, number } = await connectedWorkspace(stack, { rate: 0.5 });
      const ids = [];
      for (let i = 0; i < 3; i++) ids.push((await sendSms(stack, ws, randomRecipient(), `disconnect ${i}`)).body.id);
      assert.equal((await call(stack.url, 'DELETE', `/v1/workspaces/${ws.id}/sms`, { key: ws.admin })).status, 200);
      const views = await settle(stack, ws, ids, ['delivered', 'failed'], 30_000);
      const failed = views.filter((v) => v.status === 'failed');
      assert.ok(failed.length >= 2);
      for (const f of failed) {
        assert.equal(f.errorCode, 'channel_not_connected');
        assert.match(f.errorMessage, /disconnected/);
      }
      assert.equal((await carrierMessages(stack, number.e164)).length, views.length - failed.length);
      const res = await sendSms(stack, ws, randomRecipient(), 'new');
      assert.equal(res.status, 409);
      assert.equal(res.body.error.code, 'channel_not_connected');
    });
  });

  describe('when the channel is switched to another number while messages wait', () => {
    it('then the ones that had not left fail with channel_not_connected, and new ones go from the new number', async () => {
      const { ws, number } = await connectedWorkspace(stack, { rate: 0.5 });
      const next = await seedNumber(stack, { rate: 5 });
      const to = randomRecipient();
      const ids = [];
      for (let i = 0; i < 3; i++) ids.push((await sendSms(stack, ws, to, `before switch ${i}`)).body.id);
      assert.equal((await call(stack.url, 'PUT', `/v1/workspaces/${ws.id}/sms`, { key: ws.admin, body: { numberId: next.id } })).status, 200);
      const after = await sendSms(stack, ws, to, 'after switch');
      assert.equal(after.status, 202);
      assert.equal(after.body.from, next.e164);

      const views = await settle(stack, ws, ids, ['delivered', 'failed'], 30_000);
      const failed = views.filter((v) => v.status === 'failed');
      assert.ok(failed.length >= 2, `${failed.length} failed`);
      for (const f of failed) {
        assert.equal(f.errorCode, 'channel_not_connected');
        assert.match(f.errorMessage, /switched to another number/);
      }
      assert.equal((await carrierMessages(stack, number.e164)).length, views.length - failed.length);
      const [done] = await settle(stack, ws, [after.body.id], ['delivered'], 30_000);
      assert.equal(done.from, next.e164);
      assert.deepEqual((await carrierMessages(stack, next.e164)).map((m) => m.body), ['after switch']);
    });
  });

  describe('when a status callback overtakes the record of the handover', () => {
    const sentMessage = async (number: { e164: string }, workspaceId: string) => {
      const now = new Date();
      return Message.create({
        _id: `msg_early_${Date.now()}_${Math.floor(Math.random() * 1e6)}`,
        workspaceId,
        conversationId: 'conv_none',
        channel: 'sms',
        direction: 'outbound',
        from: number.e164,
        to: randomRecipient(),
        body: 'racing its callbacks',
        status: 'accepted',
        statusRank: 0,
        reached: ['accepted'],
        statusHistory: [{ status: 'accepted', at: now }],
        idempotencyKey: `early-${now.getTime()}-${Math.random()}`,
        sendAttemptAt: now,
        createdAt: now,
        updatedAt: now,
      });
    };
    const postCallback = (messageId: string, params: Record<string, string>) => {
      const url = `${stack.config.PUBLIC_URL}/webhooks/twilio/status?messageId=${messageId}`;
      return fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signTwilioRequest(PLATFORM_ACCOUNT.authToken, url, params) },
        body: new URLSearchParams(params),
      });
    };

    it('then the callback applies at once, and the late handover only joins the history', async () => {
      const { ws, number } = await connectedWorkspace(stack);
      const message = await sentMessage(number, ws.id);
      const sid = `SM${'e'.repeat(32)}`;
      const base = { MessageSid: sid, AccountSid: PLATFORM_ACCOUNT.accountSid, From: number.e164, To: message.to };
      assert.equal((await postCallback(message._id, { ...base, MessageStatus: 'sent' })).status, 204);
      assert.equal((await postCallback(message._id, { ...base, MessageStatus: 'delivered' })).status, 204);
      assert.equal((await getMessage(stack, ws, message._id)).status, 'delivered');

      await recordHandover(message._id, sid);
      const view = await getMessage(stack, ws, message._id);
      assert.equal(view.status, 'delivered');
      assert.deepEqual(
        view.statusHistory.map((h: { status: string }) => h.status),
        ['accepted', 'queued', 'sent', 'delivered'],
      );
      assert.equal((await Message.findById(message._id).lean())!.providerSid, sid);
      await recordHandover(message._id, sid);
      assert.equal((await getMessage(stack, ws, message._id)).statusHistory.length, 4, 'a repeated handover adds nothing');
    });

    it('then a callback naming another sid, or from another sender, changes nothing', async () => {
      const { ws, number } = await connectedWorkspace(stack);
      const message = await sentMessage(number, ws.id);
      const sid = `SM${'f'.repeat(32)}`;
      await recordHandover(message._id, sid);
      const base = { AccountSid: PLATFORM_ACCOUNT.accountSid, From: number.e164, To: message.to, MessageStatus: 'delivered' };
      assert.equal((await postCallback(message._id, { ...base, MessageSid: `SM${'0'.repeat(32)}` })).status, 204);
      assert.equal((await getMessage(stack, ws, message._id)).status, 'queued');
      assert.equal((await postCallback(message._id, { ...base, MessageSid: sid })).status, 204);
      assert.equal((await getMessage(stack, ws, message._id)).status, 'delivered');
    });
  });

  describe('when status callbacks arrive twice and out of order', () => {
    it('then the status only moves forward and each status is kept once', async () => {
      const { ws, number } = await connectedWorkspace(stack, { rate: 10 });
      await call(stack.sandbox.url, 'POST', '/sandbox/faults', { body: { seed: 3, callbacks: { shuffle: true, duplicate: 0.7 } } });
      const ids = [];
      for (let i = 0; i < 6; i++) ids.push((await sendSms(stack, ws, randomRecipient(), `shuffled ${i}`)).body.id);
      const views = await settle(stack, ws, ids, ['delivered'], 30_000);
      await eventually('the carrier to have posted every status callback and its duplicates', () => stack.sandbox.carrier.pendingCallbacks() === 0);
      for (const id of ids) {
        const v = await getMessage(stack, ws, id);
        assert.equal(v.status, 'delivered');
        const statuses = v.statusHistory.map((h: { status: string }) => h.status);
        assert.equal(new Set(statuses).size, statuses.length, `history has repeats: ${statuses}`);
      }
      assert.equal(views.length, 6);

      // Hand-made callbacks for the first message: a late "sent", a later final status and a repeated "delivered" change nothing.
      const msg = await Message.findById(ids[0]).lean();
      const url = `${stack.config.PUBLIC_URL}/webhooks/twilio/status?messageId=${ids[0]}`;
      const post = (params: Record<string, string>, signature = signTwilioRequest(PLATFORM_ACCOUNT.authToken, url, params)) =>
        fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature }, body: new URLSearchParams(params) });
      const base = { MessageSid: msg!.providerSid!, AccountSid: PLATFORM_ACCOUNT.accountSid, From: number.e164, To: msg!.to };
      assert.equal((await post({ ...base, MessageStatus: 'sent' })).status, 204);
      assert.equal((await post({ ...base, MessageStatus: 'undelivered', ErrorCode: '30005' })).status, 204);
      assert.equal((await post({ ...base, MessageStatus: 'delivered' })).status, 204);
      const after = await getMessage(stack, ws, ids[0]);
      assert.equal(after.status, 'delivered');
      assert.equal(after.errorCode, null);

      assert.equal((await post({ ...base, MessageStatus: 'failed' }, 'forged')).status, 403);
      const unsigned = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ ...base, MessageStatus: 'failed' }) });
      assert.equal(unsigned.status, 401);
      assert.equal((await getMessage(stack, ws, ids[0])).status, 'delivered');
    });
  });
});
