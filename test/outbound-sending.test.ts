import assert from 'node:assert/strict';
import { Contact, Conversation, Message } from '../src/db/models';
import { countSegments } from '../src/sandbox';
import { measureBody } from '../src/messaging/segments';
import { contactIdFor } from '../src/inbox/threads';
import { call, createTestWorkspace } from './support/stack';
import { outboundSuite } from './support/outbound-suite';
import { carrierMessages, connectedWorkspace, eventually, randomRecipient, sendSms, senderBetweenBatches, settle } from './outbound.support';

describe('outbound SMS: sending', function () {
  const stack = outboundSuite(this);

  it('when the body is GSM-7 with extension characters or UCS-2, then segments match the carrier’s count', () => {
    for (const body of ['hello', 'a'.repeat(160), 'a'.repeat(161), '€'.repeat(80), '€'.repeat(81), 'a'.repeat(152) + '[' + 'a'.repeat(9), 'ж'.repeat(70), 'ж'.repeat(71), 'a'.repeat(100) + '✓', '😀'.repeat(36)]) {
      assert.deepEqual(measureBody(body), countSegments(body), JSON.stringify(body));
    }
  });

  describe('when an agent sends a text', () => {
    it('then it is accepted with segments and encoding, joins the thread, and ends delivered once at the carrier', async () => {
      const { ws, number } = await connectedWorkspace(stack());
      const to = randomRecipient();
      const res = await sendSms(stack(), ws, to, 'Your order has shipped 📦');
      assert.equal(res.status, 202, JSON.stringify(res.body));
      assert.equal(res.body.status, 'accepted');
      assert.equal(res.body.to, to);
      assert.equal(res.body.from, number.e164);
      assert.equal(res.body.encoding, 'UCS-2');
      assert.equal(res.body.segments, 1);
      const conversation = await Conversation.findById(res.body.conversationId).lean();
      assert.equal(conversation?.contactAddress, to);
      assert.equal(conversation?.channel, 'sms');

      const [done] = await settle(stack(), ws, [res.body.id], ['delivered']);
      assert.deepEqual(
        done.statusHistory.map((h: { status: string }) => h.status),
        ['accepted', 'queued', 'sending', 'sent', 'delivered'],
      );
      assert.equal(done.errorCode, null);
      const atCarrier = await carrierMessages(stack(), number.e164);
      assert.equal(atCarrier.length, 1);
      assert.equal(atCarrier[0].to, to);
      assert.equal(atCarrier[0].status, 'delivered');

      // A national number is read with the workspace's default country (US) and lands in the same thread.
      const national = `(${to.slice(2, 5)}) ${to.slice(5, 8)}-${to.slice(8)}`;
      const again = await sendSms(stack(), ws, national, 'second');
      assert.equal(again.status, 202);
      assert.equal(again.body.to, to);
      assert.equal(again.body.conversationId, res.body.conversationId);

      // Another workspace's key never sees it.
      const other = await createTestWorkspace();
      const foreign = await call(stack().url, 'GET', `/v1/workspaces/${ws.id}/messages/${res.body.id}`, { key: other.agent });
      assert.equal(foreign.status, 404);
      const mine = await call(stack().url, 'GET', `/v1/workspaces/${other.id}/messages/${res.body.id}`, { key: other.agent });
      assert.equal(mine.status, 404);
    });
  });

  describe('when a send is refused', () => {
    it('then each check answers in order with its error, and nothing is stored or sent', async () => {
      const noAddon = await createTestWorkspace({ addon: false });
      let res = await sendSms(stack(), noAddon, randomRecipient(), 'hi');
      assert.equal(res.status, 402);
      assert.equal(res.body.error.code, 'addon_required');

      const unconnected = await createTestWorkspace();
      res = await sendSms(stack(), unconnected, randomRecipient(), 'hi');
      assert.equal(res.status, 409);
      assert.equal(res.body.error.code, 'channel_not_connected');

      const { ws, number } = await connectedWorkspace(stack());
      assert.equal((await call(stack().url, 'PATCH', `/v1/workspaces/${ws.id}/sms`, { key: ws.admin, body: { enabled: false } })).status, 200);
      res = await sendSms(stack(), ws, randomRecipient(), 'hi');
      assert.equal(res.status, 409);
      assert.equal(res.body.error.code, 'channel_disabled');
      await call(stack().url, 'PATCH', `/v1/workspaces/${ws.id}/sms`, { key: ws.admin, body: { enabled: true } });

      const stopped = randomRecipient();
      await Contact.create({ _id: contactIdFor(ws.id, stopped), workspaceId: ws.id, address: stopped, optedOut: true });
      res = await sendSms(stack(), ws, stopped, 'hi');
      assert.equal(res.status, 422);
      assert.equal(res.body.error.code, 'recipient_opted_out');

      res = await sendSms(stack(), ws, '+1555', 'hi');
      assert.equal(res.status, 422);
      assert.equal(res.body.error.code, 'invalid_recipient');
      // The right length, but no number of its plan (Anguilla's): judged with the full metadata.
      res = await sendSms(stack(), ws, '+12648880539', 'hi');
      assert.equal(res.status, 422);
      assert.equal(res.body.error.code, 'invalid_recipient');

      for (const body of [
        { channel: 'sms', to: randomRecipient(), body: '' },
        { channel: 'sms', to: randomRecipient(), body: 'x'.repeat(1601) },
        { channel: 'email', to: randomRecipient(), body: 'hi' },
        { channel: 'sms', body: 'hi' },
      ]) {
        res = await call(stack().url, 'POST', `/v1/workspaces/${ws.id}/messages`, { key: ws.agent, body });
        assert.equal(res.status, 400, JSON.stringify(body));
        assert.equal(res.body.error.code, 'validation_failed');
      }
      assert.equal((await sendSms(stack(), ws, randomRecipient(), 'x'.repeat(1600))).status, 202, '1600 characters are allowed');

      // The addon check comes first even when everything else is wrong too.
      await call(stack().url, 'PUT', `/v1/workspaces/${ws.id}/addons/sms`, { key: ws.admin, body: { active: false } });
      res = await sendSms(stack(), ws, stopped, 'hi');
      assert.equal(res.status, 402);

      assert.equal(await Message.countDocuments({ workspaceId: { $in: [noAddon.id, unconnected.id] } }), 0);
      assert.equal(await Message.countDocuments({ workspaceId: ws.id, to: stopped }), 0);
      await eventually('the 1600-character message to leave', async () => (await carrierMessages(stack(), number.e164)).length === 1);
    });
  });

  describe('when a request is repeated with the same Idempotency-Key', () => {
    it('then the same message comes back and the carrier gets it once; another body is 409', async () => {
      const { ws, number } = await connectedWorkspace(stack(), { rate: 10 });
      const to = randomRecipient();
      const answers = await Promise.all(Array.from({ length: 5 }, () => sendSms(stack(), ws, to, 'Only once', 'key-1')));
      for (const a of answers) assert.equal(a.status, 202, JSON.stringify(a.body));
      assert.equal(new Set(answers.map((a) => a.body.id)).size, 1);
      await settle(stack(), ws, [answers[0].body.id], ['delivered']);

      const later = await sendSms(stack(), ws, to, 'Only once', 'key-1');
      assert.equal(later.status, 202);
      assert.equal(later.body.id, answers[0].body.id);
      assert.equal(later.body.status, 'delivered');

      const conflict = await sendSms(stack(), ws, to, 'Something else', 'key-1');
      assert.equal(conflict.status, 409);
      assert.equal(conflict.body.error.code, 'idempotency_conflict');

      // Every repeat's signal is in the sender's history (each was answered 202 after it): once it has
      // taken them all in with nothing queued and no batch running, nothing more can leave.
      await eventually('the sender to have taken in every repeat, with nothing queued', async () => {
        const view = await senderBetweenBatches(stack(), number.id);
        return view && view.queued === 0;
      });
      assert.equal((await carrierMessages(stack(), number.e164)).length, 1);
      assert.equal(await Message.countDocuments({ workspaceId: ws.id }), 1);
    });
  });
});
