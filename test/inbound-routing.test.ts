import assert from 'node:assert/strict';
import { Contact, Message, NumberHold } from '../src/db/models';
import { call, createTestWorkspace, PLATFORM_ACCOUNT, type Stack, type TestWorkspace } from './support/stack';
import { connectNumber, handsetSends, inboundForm, newMessageSid, postWebhook, randomE164, sharedNumber } from './support/inbound';
import { EMPTY_TWIML, inboundSuite } from './support/inbound-suite';

/** Which workspace an inbound message reaches: none when nobody holds the number, the old holder during a cool-down, and a WhatsApp thread beside the SMS one. */

describe('Inbound SMS routing (signed webhooks from the sandbox carrier)', function () {
  const suite = inboundSuite();
  const { get, onlyConversation, workspaceWithNumber } = suite;
  let stack: Stack;
  before(() => (stack = suite.stack()));

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
});
