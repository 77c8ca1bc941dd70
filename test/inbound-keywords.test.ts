import assert from 'node:assert/strict';
import { Contact } from '../src/db/models';
import { call, PLATFORM_ACCOUNT, type Stack, type TestWorkspace } from './support/stack';
import { handsetSends, inboundForm, postWebhook, randomE164 } from './support/inbound';
import { EMPTY_TWIML, inboundSuite } from './support/inbound-suite';

/** The SMS keywords over real webhooks: STOP and the other opt-out words, opting back in, replays, and HELP with the workspace's help text. */

describe('Inbound SMS keywords (signed webhooks from the sandbox carrier)', function () {
  const suite = inboundSuite();
  const { get, onlyConversation, workspaceWithNumber } = suite;
  let stack: Stack;
  before(() => (stack = suite.stack()));

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
});
