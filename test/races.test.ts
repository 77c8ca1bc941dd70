import assert from 'node:assert/strict';
import { Contact, Conversation, Message, NumberHold } from '../src/db/models';
import { contactIdFor } from '../src/inbox/threads';
import { call, createSharedNumbers, createTestWorkspace, PLATFORM_ACCOUNT, startStack, type Stack } from './support/stack';
import { connectNumber, inboundForm, newMessageSid, postWebhook, randomE164, sharedNumber } from './support/inbound';
import { startApiReplica } from './support/replica';
import { signTwilioRequest } from '../src/sandbox';
import { recordHandover } from '../src/messaging/status';

/**
 * The product's own compare-and-set and counter paths, raced with truly concurrent requests: each
 * guarantee is the database's single-document atomicity (no process serialises anything), so it
 * must hold with one API process and with two (a replica started as `src/server.ts`).
 */
describe('Concurrent requests on the single-document guarantees', function () {
  let stack: Stack;
  let replica: { url: string; stop(): Promise<void> };

  before(async function () {
    stack = await startStack({ env: { WEBHOOK_HEALTH_INTERVAL_SECONDS: '0' } });
    replica = await startApiReplica(stack);
  });
  after(async () => {
    await replica?.stop();
    await stack?.stop();
  });

  const count = (values: number[], wanted: number) => values.filter((v) => v === wanted).length;

  for (const replicas of [1, 2]) {
    describe(`with ${replicas} API process${replicas > 1 ? 'es' : ''}`, () => {
      /** Where the i-th of a burst of requests goes: alternately to each API process. */
      const api = (i: number) => (replicas === 2 && i % 2 ? replica.url : stack.url);

      it('when admins save the channel settings from the same revision at once, then exactly one save wins and the others get 409', async () => {
        const ws = await createTestWorkspace();
        const [number] = await createSharedNumbers(1);
        assert.equal((await call(stack.url, 'PUT', `/v1/workspaces/${ws.id}/sms`, { key: ws.admin, body: { numberId: number.id } })).status, 200);
        for (let round = 0; round < 4; round++) {
          const before = await call(stack.url, 'GET', `/v1/workspaces/${ws.id}/sms`, { key: ws.admin });
          const { revision, enabled } = before.body;
          const saves = await Promise.all(
            Array.from({ length: 8 }, (_, i) =>
              call(api(i), 'PATCH', `/v1/workspaces/${ws.id}/sms`, { key: ws.admin, body: { enabled: !enabled, revision } }),
            ),
          );
          const statuses = saves.map((s) => s.status);
          assert.equal(count(statuses, 200), 1, `round ${round}: ${statuses.join(',')}`);
          assert.equal(count(statuses, 409), 7, `round ${round}: ${statuses.join(',')}`);
          for (const lost of saves.filter((s) => s.status === 409)) assert.equal(lost.body.error.code, 'conflict');
          const after = await call(stack.url, 'GET', `/v1/workspaces/${ws.id}/sms`, { key: ws.admin });
          assert.equal(after.body.revision, revision + 1);
          assert.equal(after.body.enabled, !enabled);
        }
        const audit = await call(stack.url, 'GET', `/v1/workspaces/${ws.id}/audit`, { key: ws.admin });
        // The connect, then one entry per round: a lost save leaves no trace.
        assert.equal(audit.body.data.length, 5);
      });

      it('when workspaces take one free shared number at once, then exactly one gets it', async () => {
        const [number] = await createSharedNumbers(1);
        const racers = await Promise.all(Array.from({ length: 6 }, () => createTestWorkspace()));
        const outcomes = await Promise.all(
          racers.map((ws, i) => call(api(i), 'PUT', `/v1/workspaces/${ws.id}/sms`, { key: ws.admin, body: { numberId: number.id } })),
        );
        const statuses = outcomes.map((o) => o.status);
        assert.equal(count(statuses, 200), 1, statuses.join(','));
        assert.ok(outcomes.filter((o) => o.status !== 200).every((o) => o.status === 409 && o.body.error.code === 'number_unavailable'));
        const winner = racers[statuses.indexOf(200)];
        assert.equal((await NumberHold.findById(number.id).lean())?.workspaceId, winner.id);
      });

      it('when workspaces take a shared number whose cool-down is over at once, then exactly one gets it', async () => {
        const [number] = await createSharedNumbers(1);
        const previous = await createTestWorkspace();
        await NumberHold.create({ _id: number.id, workspaceId: previous.id, state: 'reserved', since: new Date(Date.now() - 60_000), reservedUntil: new Date(Date.now() - 1000) });
        const racers = await Promise.all(Array.from({ length: 6 }, () => createTestWorkspace()));
        const outcomes = await Promise.all(
          racers.map((ws, i) => call(api(i), 'PUT', `/v1/workspaces/${ws.id}/sms`, { key: ws.admin, body: { numberId: number.id } })),
        );
        const statuses = outcomes.map((o) => o.status);
        assert.equal(count(statuses, 200), 1, statuses.join(','));
        const winner = racers[statuses.indexOf(200)];
        const hold = await NumberHold.findById(number.id).lean();
        assert.equal(hold?.workspaceId, winner.id);
        assert.equal(hold?.state, 'held');
      });

      it('when 50 texts from one customer arrive at once, then each is stored once and the unread count is exact', async () => {
        const ws = await createTestWorkspace();
        const number = await sharedNumber(stack);
        await connectNumber(stack, ws, number.id);
        const customer = randomE164('+1212');
        const forms = Array.from({ length: 50 }, (_, i) =>
          inboundForm({ sid: newMessageSid(), accountSid: PLATFORM_ACCOUNT.accountSid, from: customer, to: number.e164, body: `text ${i}` }),
        );
        const answers = await Promise.all(forms.map((form, i) => postWebhook(stack, form, PLATFORM_ACCOUNT.authToken, { api: api(i) })));
        assert.deepEqual(
          answers.map((a) => a.status),
          forms.map(() => 200),
        );
        const conversations = await Conversation.find({ workspaceId: ws.id }).lean();
        assert.equal(conversations.length, 1);
        assert.equal(conversations[0].unreadCount, 50);
        assert.equal(await Message.countDocuments({ conversationId: conversations[0]._id, direction: 'inbound' }), 50);
      });

      it('when status callbacks for one message arrive at once, many times each and out of order, then it ends delivered with each step once (24 at once)', async () => {
        const ws = await createTestWorkspace();
        const number = await sharedNumber(stack);
        const now = new Date();
        const sid = newMessageSid();
        const message = await Message.create({
          _id: `msg_race_${sid}`,
          workspaceId: ws.id,
          conversationId: 'conv_none',
          channel: 'sms',
          direction: 'outbound',
          from: number.e164,
          to: randomE164('+1646'),
          body: 'racing callbacks',
          status: 'accepted',
          statusRank: 0,
          reached: ['accepted'],
          statusHistory: [{ status: 'accepted', at: now }],
          idempotencyKey: `race-${sid}`,
          sendAttemptAt: now,
          createdAt: now,
          updatedAt: now,
        });
        await recordHandover(message._id, sid);
        const url = `${stack.config.PUBLIC_URL}/webhooks/twilio/status?messageId=${message._id}`;
        const statuses = Array.from({ length: 8 }, () => ['delivered', 'sent', 'sending']).flat();
        const callbacks = statuses.map((status, i) => {
          const form = { MessageSid: sid, AccountSid: PLATFORM_ACCOUNT.accountSid, From: number.e164, To: message.to, MessageStatus: status };
          return fetch(`${api(i)}/webhooks/twilio/status?messageId=${message._id}`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signTwilioRequest(PLATFORM_ACCOUNT.authToken, url, form) },
            body: new URLSearchParams(form),
          });
        });
        assert.deepEqual(
          (await Promise.all(callbacks)).map((r) => r.status),
          statuses.map(() => 204),
        );
        const stored = await Message.findById(message._id).lean();
        assert.equal(stored?.status, 'delivered');
        assert.deepEqual(
          [...(stored?.statusHistory ?? [])].map((h) => h.status).sort(),
          ['accepted', 'delivered', 'queued', 'sending', 'sent'],
        );
      });

      it('when a customer texts STOP while agents send to them, then the opt-out stands and later sends are refused', async () => {
        const ws = await createTestWorkspace();
        const number = await sharedNumber(stack);
        await connectNumber(stack, ws, number.id);
        const customers = Array.from({ length: 5 }, () => randomE164('+1646'));
        await Promise.all(
          customers.flatMap((customer, c) => [
            postWebhook(stack, inboundForm({ sid: newMessageSid(), accountSid: PLATFORM_ACCOUNT.accountSid, from: customer, to: number.e164, body: 'STOP' }), PLATFORM_ACCOUNT.authToken, {
              api: api(c),
            }),
            ...[0, 1, 2].map((i) => call(api(c + i + 1), 'POST', `/v1/workspaces/${ws.id}/messages`, { key: ws.agent, body: { channel: 'sms', to: customer, body: `offer ${i}` } })),
          ]),
        );
        for (const customer of customers) {
          assert.equal((await Contact.findById(contactIdFor(ws.id, customer)).lean())?.optedOut, true, customer);
          const later = await call(api(1), 'POST', `/v1/workspaces/${ws.id}/messages`, { key: ws.agent, body: { channel: 'sms', to: customer, body: 'one more' } });
          assert.equal(later.status, 422);
          assert.equal(later.body.error.code, 'recipient_opted_out');
        }
      });
    });
  }

  it('when a thread is closed through one API process, then the next text through the other opens a new thread', async () => {
    const ws = await createTestWorkspace();
    const number = await sharedNumber(stack);
    await connectNumber(stack, ws, number.id);
    const customer = randomE164('+1718');
    const text = (body: string) =>
      postWebhook(stack, inboundForm({ sid: newMessageSid(), accountSid: PLATFORM_ACCOUNT.accountSid, from: customer, to: number.e164, body }), PLATFORM_ACCOUNT.authToken);
    // Two texts through the stack's API: the second finds (and remembers) the thread by its hint.
    await text('first');
    await text('second');
    const [first] = await Conversation.find({ workspaceId: ws.id }).lean();
    assert.equal((await call(replica.url, 'POST', `/v1/workspaces/${ws.id}/conversations/${first._id}/close`, { key: ws.agent })).status, 200);

    await text('after the close');
    const threads = await Conversation.find({ workspaceId: ws.id }).sort({ createdAt: 1 }).lean();
    assert.deepEqual(
      threads.map((t) => [t.status, t.unreadCount]),
      [
        ['closed', 2],
        ['open', 1],
      ],
    );
    const [late] = await Message.find({ workspaceId: ws.id, body: 'after the close' }).lean();
    assert.equal(late.conversationId, threads[1]._id);
  });

  it('when a thread is closed through one API process, then the next send through the other opens a new thread', async () => {
    const ws = await createTestWorkspace();
    const number = await sharedNumber(stack);
    await connectNumber(stack, ws, number.id);
    const customer = randomE164('+1718');
    const send = (url: string, body: string) => call(url, 'POST', `/v1/workspaces/${ws.id}/messages`, { key: ws.agent, body: { channel: 'sms', to: customer, body } });
    // Two sends through the stack's API: the second finds (and remembers) the thread by its hint.
    assert.equal((await send(stack.url, 'first')).status, 202);
    assert.equal((await send(stack.url, 'second')).status, 202);
    const [first] = await Conversation.find({ workspaceId: ws.id }).lean();
    assert.equal((await call(replica.url, 'POST', `/v1/workspaces/${ws.id}/conversations/${first._id}/close`, { key: ws.agent })).status, 200);

    const late = await send(stack.url, 'after the close');
    assert.equal(late.status, 202);
    const threads = await Conversation.find({ workspaceId: ws.id }).sort({ createdAt: 1 }).lean();
    assert.deepEqual(
      threads.map((t) => [t.status, t.lastMessagePreview]),
      [
        ['closed', 'second'],
        ['open', 'after the close'],
      ],
    );
    assert.equal((late.body as { conversationId: string }).conversationId, threads[1]._id);
    const [stored] = await Message.find({ workspaceId: ws.id, body: 'after the close' }).lean();
    assert.equal(stored.conversationId, threads[1]._id);
  });

  it('when first messages to a new contact are sent through both API processes at once, then they share one new thread', async () => {
    const ws = await createTestWorkspace();
    const number = await sharedNumber(stack);
    await connectNumber(stack, ws, number.id);
    const customer = randomE164('+1718');
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) => call(i % 2 ? replica.url : stack.url, 'POST', `/v1/workspaces/${ws.id}/messages`, { key: ws.agent, body: { channel: 'sms', to: customer, body: `hello ${i}` } })),
    );
    assert.deepEqual(answers.map((a) => a.status), Array(8).fill(202));
    const threads = await Conversation.find({ workspaceId: ws.id }).lean();
    assert.equal(threads.length, 1, 'one thread for the contact');
    const messages = await Message.find({ workspaceId: ws.id }).lean();
    assert.equal(messages.length, 8);
    assert.deepEqual([...new Set(messages.map((m) => m.conversationId))], [threads[0]._id]);
    assert.deepEqual([...new Set(answers.map((a) => (a.body as { conversationId: string }).conversationId))], [threads[0]._id]);
    assert.equal(await Contact.countDocuments({ workspaceId: ws.id }), 1);
  });
});
