import assert from 'node:assert/strict';
import { Conversation, Message, ThreadHint } from '../src/db/models';
import { call, createTestWorkspace, type Stack, type TestWorkspace } from './support/stack';
import { handsetSends, randomE164 } from './support/inbound';
import { EMPTY_TWIML, inboundSuite } from './support/inbound-suite';

/** Inbound SMS and threads: a reply opens a thread, later messages join it, a closed thread gives way to a new one, and no other workspace sees it. */

describe('Inbound SMS threads (signed webhooks from the sandbox carrier)', function () {
  const suite = inboundSuite();
  const { get, onlyConversation, workspaceWithNumber } = suite;
  let stack: Stack;
  before(() => (stack = suite.stack()));

  const FIRST_REPLY = {
    media: [{ url: 'https://media.example.test/cat.jpg', contentType: 'image/jpeg' }],
    body: 'Hello! Is my order on its way? '.repeat(6).trim(), // 185 GSM-7 characters: 2 segments
  };
  const answerCustomer = (ws: TestWorkspace, customer: string, body: string) =>
    call(stack.url, 'POST', `/v1/workspaces/${ws.id}/messages`, { key: ws.agent, body: { channel: 'sms', to: customer, body } });

  describe('when a customer replies to a workspace number', () => {
    it('then the webhook answers empty TwiML at once and a thread opens with the message, its media and segments', async () => {
      const { ws, number } = await workspaceWithNumber();
      const customer = randomE164('+1212');
      const { media, body } = FIRST_REPLY;
      const result = await handsetSends(stack, { from: customer, to: number.e164, body, media });
      assert.equal(result.delivered, true);
      assert.equal(result.responseStatus, 200);
      assert.equal(result.twiml, EMPTY_TWIML);

      const conversation = await onlyConversation(ws);
      assert.equal(conversation.channel, 'sms');
      assert.equal(conversation.status, 'open');
      assert.equal(conversation.contact.address, customer);
      assert.equal(conversation.contact.optedOut, false);
      assert.equal(conversation.unreadCount, 1);
      assert.equal(conversation.lastMessagePreview, body.slice(0, 140));

      const messages = await get(ws, `/conversations/${conversation.id}/messages`);
      assert.equal(messages.status, 200);
      assert.equal(messages.body.data.length, 1);
      const [m] = messages.body.data;
      assert.equal(m.direction, 'inbound');
      assert.equal(m.status, 'received');
      assert.equal(m.from, customer);
      assert.equal(m.to, number.e164);
      assert.equal(m.body, body);
      assert.equal(m.segments, 2);
      // Shown by our media proxy's path, never the provider's URL (which is stored).
      assert.deepEqual(m.media, [{ url: `/v1/workspaces/${ws.id}/messages/${m.id}/media/0`, contentType: 'image/jpeg' }]);
      const stored = await Message.findById(m.id).lean();
      assert.equal(stored?.providerSid, result.sid);
      assert.deepEqual(stored?.media.map((x) => ({ url: x.url, contentType: x.contentType })), media);
    });
  });

  describe('when a customer has replied to a workspace number', () => {
    let ws: TestWorkspace;
    let number: { id: string; e164: string };
    let customer: string;

    beforeEach(async () => {
      ({ ws, number } = await workspaceWithNumber());
      customer = randomE164('+1212');
      assert.equal((await handsetSends(stack, { from: customer, to: number.e164, ...FIRST_REPLY })).delivered, true);
    });

    it('then the channel settings show when the last message came in', async () => {
      const settings = await call(stack.url, 'GET', `/v1/workspaces/${ws.id}/sms`, { key: ws.admin });
      assert.ok(settings.body.lastInboundAt);
      assert.ok(Date.now() - Date.parse(settings.body.lastInboundAt) < 60_000);
    });

    it('then an outbound message to that contact joins the same thread', async () => {
      const sent = await answerCustomer(ws, customer, 'Yes, it ships today.');
      assert.equal(sent.status, 202, JSON.stringify(sent.body));
      const conversation = await onlyConversation(ws);
      assert.equal(sent.body.conversationId, conversation.id);
      const messages = await get(ws, `/conversations/${conversation.id}/messages`);
      assert.deepEqual(
        messages.body.data.map((m: { direction: string }) => m.direction),
        ['inbound', 'outbound'],
      );
    });

    it('then a second reply continues the thread, and after it is closed a new thread opens with the earlier messages as history', async () => {
      assert.equal((await answerCustomer(ws, customer, 'Yes, it ships today.')).status, 202);
      await handsetSends(stack, { from: customer, to: number.e164, body: 'Thanks!' });
      const first = await onlyConversation(ws);
      assert.equal(first.unreadCount, 2);

      const closed = await call(stack.url, 'POST', `/v1/workspaces/${ws.id}/conversations/${first.id}/close`, { key: ws.agent });
      assert.equal(closed.body.status, 'closed');
      await handsetSends(stack, { from: customer, to: number.e164, body: 'One more question' });

      const list = await get(ws, '/conversations?channel=sms');
      assert.equal(list.body.data.length, 2);
      const [second, old] = list.body.data;
      assert.notEqual(second.id, first.id);
      assert.equal(second.status, 'open');
      assert.equal(old.id, first.id);
      assert.equal(second.contact.id, first.contact.id);

      const history = await get(ws, `/conversations/${second.id}/messages`);
      assert.deepEqual(
        history.body.data.map((m: { body: string }) => m.body.slice(0, 10)),
        ['Hello! Is ', 'Yes, it sh', 'Thanks!', 'One more q'],
      );
      assert.deepEqual(
        history.body.data.map((m: { conversationId: string }) => m.conversationId),
        [first.id, first.id, first.id, second.id],
      );
      const own = await get(ws, `/conversations/${second.id}/messages?scope=conversation`);
      assert.equal(own.body.data.length, 1);
    });


    it('then a hint left pointing at a closed thread (a close racing a reply) sends the next reply to a new thread, not the closed one', async () => {
      const { ws: ws2, number: number2 } = await workspaceWithNumber();
      const texter = randomE164('+1917');
      await handsetSends(stack, { from: texter, to: number2.e164, body: 'first' });
      const first = await onlyConversation(ws2);
      const hintId = `${first.contact.id}:sms`;
      const hint = await ThreadHint.findById(hintId).lean();
      assert.equal(hint?.conversationId, first.id);
      assert.equal((await call(stack.url, 'POST', `/v1/workspaces/${ws2.id}/conversations/${first.id}/close`, { key: ws2.agent })).status, 200);
      assert.equal(await ThreadHint.findById(hintId).lean(), null, 'closing drops the hint');
      // What a reply that found the thread open just before the close leaves behind.
      await ThreadHint.create({ _id: hintId, conversationId: first.id });

      await handsetSends(stack, { from: texter, to: number2.e164, body: 'second' });
      const closed = await Conversation.findById(first.id).lean();
      assert.equal(closed?.status, 'closed');
      assert.equal(closed?.unreadCount, 1);
      const open = await Conversation.find({ workspaceId: ws2.id, status: 'open' }).lean();
      assert.equal(open.length, 1);
      assert.equal(open[0].unreadCount, 1);
      const moved = await Message.find({ workspaceId: ws2.id, body: 'second' }).lean();
      assert.deepEqual(
        moved.map((m) => m.conversationId),
        [open[0]._id],
      );
      assert.equal((await ThreadHint.findById(hintId).lean())?.conversationId, open[0]._id);
    });
    it('then another workspace sees none of it', async () => {
      const other = await createTestWorkspace();
      const list = await call(stack.url, 'GET', `/v1/workspaces/${other.id}/conversations`, { key: other.agent });
      assert.equal(list.status, 200);
      assert.deepEqual(list.body.data, []);
      const conversation = await onlyConversation(ws).catch(() => undefined);
      const id = conversation?.id ?? (await Conversation.findOne({ workspaceId: ws.id }).lean())!._id;
      for (const path of [`/conversations/${id}`, `/conversations/${id}/messages`]) {
        const res = await call(stack.url, 'GET', `/v1/workspaces/${other.id}${path}`, { key: other.agent });
        assert.equal(res.status, 404, path);
        assert.equal(res.body.error.code, 'not_found');
      }
      const crossed = await call(stack.url, 'GET', `/v1/workspaces/${ws.id}/conversations`, { key: other.agent });
      assert.equal(crossed.status, 404);
      const close = await call(stack.url, 'POST', `/v1/workspaces/${other.id}/conversations/${id}/close`, { key: other.agent });
      assert.equal(close.status, 404);
    });
  });
});
