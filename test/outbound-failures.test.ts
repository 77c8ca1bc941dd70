import assert from 'node:assert/strict';
import { Contact, Message } from '../src/db/models';
import { senderViewQuery, senderWorkflowId } from '../src/temporal/sender';
import { call } from './support/stack';
import { LANDLINE, outboundSuite, UNREACHABLE } from './support/outbound-suite';
import { carrierMessages, connectedWorkspace, countByBody, eventually, randomRecipient, sendSms, settle } from './outbound.support';

describe('outbound SMS: carrier faults and refusals', function () {
  const stack = outboundSuite(this);

  describe('when the carrier answers 429 to half the sends', () => {
    it('then every message is still delivered exactly once, and the number slowed down meanwhile', async () => {
      const { ws, number } = await connectedWorkspace(stack(), { rate: 5 });
      await call(stack().sandbox.url, 'POST', '/sandbox/faults', { body: { seed: 7, errorRates: { '429': 0.5 }, retryAfterSeconds: 0 } });
      const ids = [];
      for (let i = 0; i < 10; i++) ids.push((await sendSms(stack(), ws, randomRecipient(), `storm ${i}`)).body.id);
      const sender = stack().temporal.workflow.getHandle(senderWorkflowId(number.id));
      await eventually('the number to slow down', async () => (await sender.query(senderViewQuery)).slowFactor > 1, 20_000, 50);
      await settle(stack(), ws, ids, ['delivered'], 60_000);
      const sent = await carrierMessages(stack(), number.e164);
      assert.equal(sent.length, 10);
      assert.ok([...countByBody(sent).values()].every((n) => n === 1));
      const attempts = await Message.find({ workspaceId: ws.id }, { sendAttempts: 1 }).lean();
      assert.ok(attempts.reduce((a, m) => a + (m.sendAttempts ?? 0), 0) > 10, 'some sends were refused and retried');
    });
  });

  describe('when the carrier accepts a send but the answer is lost', () => {
    it('then the message is looked up instead of sent again: exactly one at the carrier', async () => {
      const { ws, number } = await connectedWorkspace(stack(), { rate: 5 });
      await call(stack().sandbox.url, 'POST', '/sandbox/faults', { body: { dropResponseAfterAccept: 1 } });
      const ids = [];
      for (let i = 0; i < 3; i++) ids.push((await sendSms(stack(), ws, randomRecipient(), `lost answer ${i}`)).body.id);
      await settle(stack(), ws, ids, ['delivered'], 30_000);
      const sent = await carrierMessages(stack(), number.e164);
      assert.equal(sent.length, 3);
      const stored = await Message.find({ _id: { $in: ids } }).lean();
      assert.deepEqual(new Set(stored.map((m) => m.providerSid)), new Set(sent.map((m) => m.sid)));
      assert.ok(stored.every((m) => m.sendAttempts === 1));
    });
  });

  describe('when the provider refuses a message for good', () => {
    it('then it fails with the code and a sentence; 21610 also records the opt-out', async () => {
      const { ws, number } = await connectedWorkspace(stack(), { rate: 10 });
      const landline = `${LANDLINE}${String(Date.now()).slice(-4)}`;
      const a = await sendSms(stack(), ws, landline, 'to a landline');
      const unreachable = `${UNREACHABLE}${String(Date.now()).slice(-4)}`;
      const b = await sendSms(stack(), ws, unreachable, 'to a phone that is off');

      const handset = randomRecipient();
      await call(stack().sandbox.url, 'POST', '/sandbox/inbound', { body: { from: handset, to: number.e164, body: 'STOP' } });
      const c = await sendSms(stack(), ws, handset, 'after STOP');
      assert.equal(c.status, 202, 'our list does not know yet: only the carrier does');

      const [fa, fb, fc] = await settle(stack(), ws, [a.body.id, b.body.id, c.body.id], ['failed', 'undelivered']);
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
      const next = await sendSms(stack(), ws, handset, 'again');
      assert.equal(next.status, 422);
      assert.equal(next.body.error.code, 'recipient_opted_out');
    });
  });
});
