import assert from 'node:assert/strict';
import { Contact, Conversation, Message, SmsChannel } from '../src/db/models';
import { signTwilioRequest } from '../src/sandbox';
import { createTestWorkspace, PLATFORM_ACCOUNT, type Stack } from './support/stack';
import { byoNumber, connectNumber, handsetSends, inboundForm, newMessageSid, postWebhook, randomE164, smsUrlOf } from './support/inbound';
import { BYO_ACCOUNT, inboundSuite } from './support/inbound-suite';

/** The inbound webhook itself: signatures (the platform's token or a bring-your-own account's), replays and concurrency, and signed requests that are not messages. */

describe('Inbound SMS webhooks (signed webhooks from the sandbox carrier)', function () {
  const suite = inboundSuite();
  const { onlyConversation, workspaceWithNumber } = suite;
  let stack: Stack;
  before(() => (stack = suite.stack()));

  describe('when a webhook is forged or unsigned', () => {
    it('then it is refused (401 unsigned, 403 forged or signed for another URL) and nothing is stored', async () => {
      const { number } = await workspaceWithNumber();
      const form = inboundForm({ sid: newMessageSid(), accountSid: PLATFORM_ACCOUNT.accountSid, from: randomE164(), to: number.e164, body: 'fake' });
      const [contacts, messages] = [await Contact.countDocuments(), await Message.countDocuments()];

      const unsigned = await postWebhook(stack, form, null);
      assert.equal(unsigned.status, 401);
      assert.equal(JSON.parse(unsigned.text).error.code, 'unauthenticated');

      const wrongToken = await postWebhook(stack, form, 'not-the-token');
      assert.equal(wrongToken.status, 403);
      assert.equal(JSON.parse(wrongToken.text).error.code, 'forbidden');

      const otherUrl = await postWebhook(stack, form, PLATFORM_ACCOUNT.authToken, { url: 'https://elsewhere.example.test/webhooks/twilio/sms' });
      assert.equal(otherUrl.status, 403);

      // Signed correctly, then one parameter changed on the way.
      const signed = { ...form };
      const headers = { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signTwilioRequest(PLATFORM_ACCOUNT.authToken, smsUrlOf(stack), signed) };
      const tampered = await fetch(`${stack.url}/webhooks/twilio/sms`, { method: 'POST', headers, body: new URLSearchParams({ ...signed, Body: 'changed' }).toString() });
      assert.equal(tampered.status, 403);

      assert.equal(await Contact.countDocuments(), contacts);
      assert.equal(await Message.countDocuments(), messages);
      // The genuine request is accepted: the refusals above were about the signatures only.
      assert.equal((await postWebhook(stack, form, PLATFORM_ACCOUNT.authToken)).status, 200);
      assert.equal(await Message.countDocuments(), messages + 1);
    });
  });

  describe('when the number is a bring-your-own number', () => {
    it("then the signature is checked with the workspace's own account token, not the platform's", async () => {
      const ws = await createTestWorkspace();
      const number = await byoNumber(stack, ws.id, BYO_ACCOUNT);
      await connectNumber(stack, ws, number.id);
      const customer = randomE164();
      const result = await handsetSends(stack, { from: customer, to: number.e164, body: 'via my own Twilio' });
      assert.equal(result.responseStatus, 200);
      const conversation = await onlyConversation(ws);
      assert.equal(conversation.contact.address, customer);

      const form = inboundForm({ sid: newMessageSid(), accountSid: BYO_ACCOUNT.accountSid, from: customer, to: number.e164, body: 'platform-signed' });
      assert.equal((await postWebhook(stack, form, PLATFORM_ACCOUNT.authToken)).status, 403);
      assert.equal(await Message.countDocuments({ providerSid: form.MessageSid }), 0);
    });
  });

  describe('when the provider delivers the same message more than once', () => {
    it('then it is stored once and every delivery is answered 200', async () => {
      const { ws, number } = await workspaceWithNumber();
      const customer = randomE164();
      const first = await handsetSends(stack, { from: customer, to: number.e164, body: 'only once please' });
      assert.equal(first.responseStatus, 200);
      const form = inboundForm({ sid: first.sid, accountSid: PLATFORM_ACCOUNT.accountSid, from: customer, to: number.e164, body: 'only once please' });
      const replays = await Promise.all(Array.from({ length: 8 }, () => postWebhook(stack, form, PLATFORM_ACCOUNT.authToken)));
      for (const r of replays) {
        assert.equal(r.status, 200);
        assert.match(r.contentType, /text\/xml/);
      }
      assert.equal(await Message.countDocuments({ providerSid: first.sid }), 1);
      const conversation = await onlyConversation(ws);
      assert.equal(conversation.unreadCount, 1);
    });

    it('then 200 concurrent messages (and a replay of each) are all stored exactly once', async function () {
      this.timeout(120_000);
      const { ws, number } = await workspaceWithNumber();
      const handsets = Array.from({ length: 20 }, () => randomE164('+1312'));
      const sends = Array.from({ length: 200 }, (_, i) => ({ from: handsets[i % handsets.length], to: number.e164, body: `message ${i}` }));
      const results = await Promise.all(sends.map((s) => handsetSends(stack, s)));
      assert.deepEqual(
        results.filter((r) => r.responseStatus !== 200),
        [],
      );
      const replays = await Promise.all(
        results.map((r, i) =>
          postWebhook(stack, inboundForm({ sid: r.sid, accountSid: PLATFORM_ACCOUNT.accountSid, ...sends[i] }), PLATFORM_ACCOUNT.authToken),
        ),
      );
      assert.ok(replays.every((r) => r.status === 200));

      const stored = await Message.find({ workspaceId: ws.id, direction: 'inbound' }, { providerSid: 1, body: 1, conversationId: 1 }).lean();
      assert.equal(stored.length, 200);
      assert.equal(new Set(stored.map((m) => m.providerSid)).size, 200);
      assert.deepEqual(new Set(stored.map((m) => m.providerSid)), new Set(results.map((r) => r.sid)));
      // One thread per handset, even though each handset's first messages raced each other.
      const conversations = await Conversation.find({ workspaceId: ws.id }).lean();
      assert.equal(conversations.length, handsets.length);
      assert.ok(conversations.every((c) => c.unreadCount === 10), JSON.stringify(conversations.map((c) => c.unreadCount)));
      assert.equal(await Contact.countDocuments({ workspaceId: ws.id }), handsets.length);
    });
  });

  describe('when the webhook is signed but not an inbound message', () => {
    it('then it answers 400 validation_failed and stores nothing', async () => {
      const { number } = await workspaceWithNumber();
      const form = { From: randomE164(), To: number.e164, Body: 'no sid' };
      const res = await postWebhook(stack, form, PLATFORM_ACCOUNT.authToken);
      assert.equal(res.status, 400);
      assert.equal(JSON.parse(res.text).error.code, 'validation_failed');
      assert.equal(await SmsChannel.countDocuments({ lastInboundAt: { $exists: true }, e164: number.e164 }), 0);
    });
  });
});
