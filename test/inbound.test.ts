import assert from 'node:assert/strict';
import { Contact, Conversation, Message, NumberHold, SmsChannel, ThreadHint } from '../src/db/models';
import { signTwilioRequest } from '../src/sandbox';
import { call, createTestWorkspace, PLATFORM_ACCOUNT, startStack, type Stack, type TestWorkspace } from './support/stack';
import {
  byoNumber,
  connectNumber,
  handsetSends,
  inboundForm,
  newMessageSid,
  postWebhook,
  randomE164,
  sharedNumber,
  smsUrlOf,
} from './support/inbound';

const BYO_ACCOUNT = { accountSid: `AC${'b'.repeat(32)}`, authToken: 'byo-account-token' };
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

describe('Inbound SMS (signed webhooks from the sandbox carrier)', function () {
  let stack: Stack;
  const get = (ws: TestWorkspace, path: string) => call(stack.url, 'GET', `/v1/workspaces/${ws.id}${path}`, { key: ws.agent });

  before(async function () {
    stack = await startStack({ env: { WEBHOOK_HEALTH_INTERVAL_SECONDS: '0' }, sandbox: { accounts: [PLATFORM_ACCOUNT, BYO_ACCOUNT] } });
  });
  after(async () => stack?.stop());

  /** A workspace with the add-on and a connected shared number. */
  async function workspaceWithNumber() {
    const ws = await createTestWorkspace();
    const number = await sharedNumber(stack);
    await connectNumber(stack, ws, number.id);
    return { ws, number };
  }

  async function onlyConversation(ws: TestWorkspace, channel = 'sms') {
    const list = await get(ws, `/conversations?channel=${channel}`);
    assert.equal(list.status, 200);
    assert.equal(list.body.data.length, 1, JSON.stringify(list.body));
    return list.body.data[0];
  }

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

  describe('when nobody holds the number', () => {
    it('then the message is acknowledged, counted and logged, and stored in no workspace', async () => {
      const unheld = await sharedNumber(stack); // in the pool, connected by nobody
      const metricBefore = await unroutedCount('unheld');
      const messages = await Message.countDocuments();
      const result = await handsetSends(stack, { from: randomE164(), to: unheld.e164, body: 'anyone there?' });
      assert.equal(result.responseStatus, 200);
      assert.equal(result.twiml, EMPTY_TWIML);
      assert.equal(await Message.countDocuments(), messages);
      assert.equal(await unroutedCount('unheld'), metricBefore + 1);
    });

    it('then a number of the platform account that we do not know at all is treated the same way', async () => {
      const before = await unroutedCount('unknown_number');
      const form = inboundForm({ sid: newMessageSid(), accountSid: PLATFORM_ACCOUNT.accountSid, from: randomE164(), to: randomE164('+1999'), body: 'hi' });
      const res = await postWebhook(stack, form, PLATFORM_ACCOUNT.authToken);
      assert.equal(res.status, 200);
      assert.equal(res.text, EMPTY_TWIML);
      assert.equal(await unroutedCount('unknown_number'), before + 1);
      assert.equal(await Message.countDocuments({ providerSid: form.MessageSid }), 0);
    });

    async function unroutedCount(outcome: string): Promise<number> {
      const text = String((await call(stack.url, 'GET', '/metrics')).body);
      const match = new RegExp(`sms_inbound_webhooks_total\\{outcome="${outcome}"\\} (\\d+)`).exec(text);
      return match ? Number(match[1]) : 0;
    }
  });

  describe('when a released number is in its cool-down', () => {
    it('then late replies still reach the workspace that held it', async () => {
      const { ws, number: old } = await workspaceWithNumber();
      const replacement = await sharedNumber(stack);
      await connectNumber(stack, ws, replacement.id);
      const customer = randomE164();
      const result = await handsetSends(stack, { from: customer, to: old.e164, body: 'replying to the old number' });
      assert.equal(result.responseStatus, 200);
      const conversation = await onlyConversation(ws);
      assert.equal(conversation.contact.address, customer);
      const [m] = (await get(ws, `/conversations/${conversation.id}/messages`)).body.data;
      assert.equal(m.to, old.e164);
    });

    it('then once the cool-down is over and another workspace takes the number, the very next reply goes to the new holder', async () => {
      const { ws, number } = await workspaceWithNumber();
      const customer = randomE164();
      // The holder is looked up (and, while held, remembered) by the replies before the switch.
      await handsetSends(stack, { from: customer, to: number.e164, body: 'to the first holder' });
      await connectNumber(stack, ws, (await sharedNumber(stack)).id);
      await handsetSends(stack, { from: customer, to: number.e164, body: 'during the cool-down' });
      await NumberHold.updateOne({ _id: number.id }, { $set: { reservedUntil: new Date(Date.now() - 1000) } });
      const next = await createTestWorkspace();
      await connectNumber(stack, next, number.id);

      await handsetSends(stack, { from: customer, to: number.e164, body: 'to the new holder' });
      const bodies = async (w: TestWorkspace) => (await Message.find({ workspaceId: w.id, to: number.e164 }).lean()).map((m) => m.body).sort();
      assert.deepEqual(await bodies(ws), ['during the cool-down', 'to the first holder']);
      assert.deepEqual(await bodies(next), ['to the new holder']);
    });
  });

  describe('keywords', () => {
    let ws: TestWorkspace;
    let number: { id: string; e164: string };
    let customer: string;
    const contact = () => Contact.findOne({ workspaceId: ws.id, address: customer }).lean();

    beforeEach(async () => {
      ({ ws, number } = await workspaceWithNumber());
      customer = randomE164();
    });

    it('then STOP (any case, spaces around) opts the contact out, is stored, and outbound is refused', async () => {
      const result = await handsetSends(stack, { from: customer, to: number.e164, body: '  Stop ' });
      assert.equal(result.responseStatus, 200);
      assert.equal(result.twiml, EMPTY_TWIML); // the carrier answers STOP itself
      assert.ok(result.autoReply);
      assert.equal((await contact())?.optedOut, true);
      const conversation = await onlyConversation(ws);
      assert.equal(conversation.contact.optedOut, true);
      const messages = await get(ws, `/conversations/${conversation.id}/messages`);
      assert.equal(messages.body.data.at(-1).body, '  Stop ');

      const refused = await call(stack.url, 'POST', `/v1/workspaces/${ws.id}/messages`, { key: ws.agent, body: { channel: 'sms', to: customer, body: 'hello?' } });
      assert.equal(refused.status, 422);
      assert.equal(refused.body.error.code, 'recipient_opted_out');
    });

    it('then "stop please" is an ordinary message, and the other opt-out words count too', async () => {
      await handsetSends(stack, { from: customer, to: number.e164, body: 'START' });
      assert.equal((await contact())?.optedOut, false);
      await handsetSends(stack, { from: customer, to: number.e164, body: 'stop please' });
      assert.equal((await contact())?.optedOut, false);
      await handsetSends(stack, { from: customer, to: number.e164, body: 'unsubscribe' });
      assert.equal((await contact())?.optedOut, true);
    });

    it('then START, YES and UNSTOP opt back in, and sending is allowed again', async () => {
      for (const word of ['yes', 'UNSTOP', 'Start']) {
        await handsetSends(stack, { from: customer, to: number.e164, body: 'quit' });
        assert.equal((await contact())?.optedOut, true);
        await handsetSends(stack, { from: customer, to: number.e164, body: word });
        assert.equal((await contact())?.optedOut, false, word);
      }
      const sent = await call(stack.url, 'POST', `/v1/workspaces/${ws.id}/messages`, { key: ws.agent, body: { channel: 'sms', to: customer, body: 'welcome back' } });
      assert.equal(sent.status, 202, JSON.stringify(sent.body));
    });

    it('then a replayed old STOP does not undo a later START', async () => {
      const stop = await handsetSends(stack, { from: customer, to: number.e164, body: 'STOP' });
      await handsetSends(stack, { from: customer, to: number.e164, body: 'START' });
      const replay = inboundForm({ sid: stop.sid, accountSid: PLATFORM_ACCOUNT.accountSid, from: customer, to: number.e164, body: 'STOP' });
      assert.equal((await postWebhook(stack, replay, PLATFORM_ACCOUNT.authToken)).status, 200);
      assert.equal((await contact())?.optedOut, false);
    });

    it("then HELP answers with the workspace's help text in TwiML, stored in the thread once even when delivered twice", async () => {
      const help = await handsetSends(stack, { from: customer, to: number.e164, body: 'help' });
      assert.match(help.twiml ?? '', /<Response><Message>Test workspace: reply to this number/);
      assert.equal(help.replies.length, 1); // the carrier sent our answer to the handset

      const set = await call(stack.url, 'PUT', `/v1/workspaces/${ws.id}/sms/help-text`, { key: ws.admin, body: { helpText: 'Acme & Co <support>: call 555-0100.' } });
      assert.equal(set.status, 200);
      assert.deepEqual(set.body, { helpText: 'Acme & Co <support>: call 555-0100.', isDefault: false });
      const info = await handsetSends(stack, { from: customer, to: number.e164, body: 'INFO' });
      assert.match(info.twiml ?? '', /<Message>Acme &amp; Co &lt;support&gt;: call 555-0100.<\/Message>/);
      const replay = inboundForm({ sid: info.sid, accountSid: PLATFORM_ACCOUNT.accountSid, from: customer, to: number.e164, body: 'INFO' });
      const again = await postWebhook(stack, replay, PLATFORM_ACCOUNT.authToken);
      assert.match(again.text, /<Message>Acme &amp; Co/);

      const conversation = await onlyConversation(ws);
      const messages = (await get(ws, `/conversations/${conversation.id}/messages?limit=100`)).body.data;
      const answers = messages.filter((m: { sentBy: string | null }) => m.sentBy === 'auto:help');
      assert.deepEqual(
        answers.map((m: { body: string; direction: string }) => [m.direction, m.body.slice(0, 12)]),
        [
          ['outbound', 'Test workspa'],
          ['outbound', 'Acme & Co <s'],
        ],
      );
      const reset = await call(stack.url, 'PUT', `/v1/workspaces/${ws.id}/sms/help-text`, { key: ws.admin, body: { helpText: null } });
      assert.equal(reset.body.isDefault, true);
      assert.equal((await call(stack.url, 'PUT', `/v1/workspaces/${ws.id}/sms/help-text`, { key: ws.agent, body: { helpText: 'x' } })).status, 403);
    });
  });

  describe('when a message comes over WhatsApp', () => {
    it('then it opens a whatsapp thread beside the SMS one with the same contact', async () => {
      const { ws, number } = await workspaceWithNumber();
      const customer = randomE164();
      await handsetSends(stack, { from: customer, to: number.e164, body: 'by SMS' });
      const form = inboundForm({ sid: newMessageSid(), accountSid: PLATFORM_ACCOUNT.accountSid, from: `whatsapp:${customer}`, to: `whatsapp:${number.e164}`, body: 'STOP' });
      assert.equal((await postWebhook(stack, form, PLATFORM_ACCOUNT.authToken)).status, 200);
      const list = (await get(ws, '/conversations')).body.data;
      assert.deepEqual(list.map((c: { channel: string }) => c.channel).sort(), ['sms', 'whatsapp']);
      assert.equal(list[0].contact.id, list[1].contact.id);
      // Keywords are SMS rules: the WhatsApp "STOP" is just a message.
      assert.equal((await Contact.findOne({ workspaceId: ws.id, address: customer }).lean())?.optedOut, false);
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
