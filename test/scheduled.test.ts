import assert from 'node:assert/strict';
import { Message } from '../src/db/models';
import { admitDue } from '../src/workflows/schedule';
import { senderViewQuery, senderWorkflowId } from '../src/temporal/sender';
import { call, createTestWorkspace, startStack, supportKey, type Stack, type TestWorkspace } from './support/stack';
import { carrierMessages, connectedWorkspace, eventually, getMessage, randomRecipient, sendSms, settle } from './outbound.support';

const VALIDITY_SECONDS = 600;

function schedule(stack: Stack, ws: TestWorkspace, to: string, body: string, sendAt: Date | string, key = ws.agent) {
  return call(stack.url, 'POST', `/v1/workspaces/${ws.id}/messages`, { key, body: { channel: 'sms', to, body, sendAt: typeof sendAt === 'string' ? sendAt : sendAt.toISOString() } });
}
const cancel = (stack: Stack, ws: TestWorkspace, id: string, key = ws.agent) => call(stack.url, 'DELETE', `/v1/workspaces/${ws.id}/messages/${id}`, { key });
const inSeconds = (s: number) => new Date(Date.now() + s * 1000);

describe('Scheduled messages', function () {
  this.timeout(90_000);
  let stack: Stack;

  before(async () => {
    stack = await startStack({ env: { SCHEDULE_HORIZON_DAYS: '2', MESSAGE_VALIDITY_SECONDS: String(VALIDITY_SECONDS), SENDER_IDLE_SECONDS: '2' } });
  });
  after(async () => stack?.stop());

  describe('when sendAt is given', () => {
    it('then it is stored as scheduled, leaves no earlier than sendAt, and its validity counts from sendAt', async () => {
      const { ws, number } = await connectedWorkspace(stack, { rate: 10 });
      const sendAt = inSeconds(4);
      const res = await schedule(stack, ws, randomRecipient(), 'Your appointment is tomorrow', sendAt);
      assert.equal(res.status, 202, JSON.stringify(res.body));
      assert.equal(res.body.status, 'scheduled');
      assert.equal(res.body.sendAt, sendAt.toISOString());
      assert.equal(res.body.validUntil, new Date(sendAt.getTime() + VALIDITY_SECONDS * 1000).toISOString());
      const thread = await call(stack.url, 'GET', `/v1/workspaces/${ws.id}/conversations/${res.body.conversationId}/messages`, { key: ws.agent });
      assert.equal(thread.body.data[0].status, 'scheduled');
      assert.equal(thread.body.data[0].sendAt, sendAt.toISOString());

      const [done] = await settle(stack, ws, [res.body.id], ['delivered'], 30_000);
      const steps = done.statusHistory.map((h: { status: string }) => h.status);
      assert.equal(steps[0], 'scheduled');
      assert.ok(steps.includes('queued') && steps.at(-1) === 'delivered', steps.join());
      const [atCarrier] = await carrierMessages(stack, number.e164);
      // The carrier's dates are whole seconds.
      assert.ok(Date.parse(atCarrier.dateCreated) >= Math.floor(sendAt.getTime() / 1000) * 1000, `left at ${atCarrier.dateCreated}, before ${sendAt.toISOString()}`);
    });

    it('then it does not hold up the number’s other messages, to other recipients or the same one', async () => {
      const { ws, number } = await connectedWorkspace(stack, { rate: 10 });
      const to = randomRecipient();
      const later = await schedule(stack, ws, to, 'later', inSeconds(60));
      assert.equal(later.status, 202);
      const now1 = await sendSms(stack, ws, to, 'now, same recipient');
      const now2 = await sendSms(stack, ws, randomRecipient(), 'now, another recipient');
      await settle(stack, ws, [now1.body.id, now2.body.id], ['delivered']);
      assert.deepEqual((await carrierMessages(stack, number.e164)).map((m) => m.body).sort(), ['now, another recipient', 'now, same recipient']);
      assert.equal((await getMessage(stack, ws, later.body.id)).status, 'scheduled');
      const view = await stack.temporal.workflow.getHandle(senderWorkflowId(number.id)).query(senderViewQuery);
      assert.equal(view.scheduled, 1);
      assert.equal(view.queued, 0);
    });

    it('then a sendAt in the past, beyond the horizon or not a date is refused with its code, and nothing is stored', async () => {
      const { ws } = await connectedWorkspace(stack);
      const cases: Array<[string, number, string]> = [
        [new Date(Date.now() - 60_000).toISOString(), 422, 'send_at_not_in_future'],
        [new Date(Date.now() + 3 * 86_400_000).toISOString(), 422, 'send_at_beyond_horizon'],
        ['tomorrow at nine', 400, 'validation_failed'],
        ['2030-01-01T09:00:00', 400, 'validation_failed'], // no offset: whose nine o'clock?
      ];
      for (const [sendAt, status, code] of cases) {
        const res = await schedule(stack, ws, randomRecipient(), 'x', sendAt);
        assert.equal(res.status, status, sendAt);
        assert.equal(res.body.error.code, code, sendAt);
        assert.ok(res.body.error.message.length > 10);
      }
      assert.equal(await Message.countDocuments({ workspaceId: ws.id }), 0);
    });

    it('then the same Idempotency-Key with another sendAt is another request (409), with the same one the same message', async () => {
      const { ws } = await connectedWorkspace(stack);
      const to = randomRecipient();
      const sendAt = inSeconds(120).toISOString();
      const post = (at: string) => call(stack.url, 'POST', `/v1/workspaces/${ws.id}/messages`, { key: ws.agent, body: { channel: 'sms', to, body: 'x', sendAt: at }, headers: { 'idempotency-key': 'k-sched' } });
      const first = await post(sendAt);
      assert.equal(first.status, 202);
      const again = await post(sendAt);
      assert.equal(again.body.id, first.body.id);
      const other = await post(inSeconds(180).toISOString());
      assert.equal(other.status, 409);
      assert.equal(other.body.error.code, 'idempotency_conflict');
    });
  });

  describe('when a message is cancelled', () => {
    it('then a scheduled one ends cancelled, its sender drops it and it never reaches the carrier; cancelling again answers the same', async () => {
      const { ws, number } = await connectedWorkspace(stack, { rate: 10 });
      const res = await schedule(stack, ws, randomRecipient(), 'never', inSeconds(3));
      const sender = stack.temporal.workflow.getHandle(senderWorkflowId(number.id));
      await eventually('the sender to hold it', async () => (await sender.query(senderViewQuery)).scheduled === 1);
      const cancelled = await cancel(stack, ws, res.body.id);
      assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
      assert.equal(cancelled.body.status, 'cancelled');
      assert.deepEqual(cancelled.body.statusHistory.map((h: { status: string }) => h.status), ['scheduled', 'cancelled']);
      await eventually('the sender to drop it', async () => (await sender.query(senderViewQuery)).scheduled === 0);
      // Past its time, a message sent after it goes and it does not.
      await eventually('its time to pass', async () => Date.now() > Date.parse(res.body.sendAt) + 500);
      const after = await sendSms(stack, ws, randomRecipient(), 'after');
      await settle(stack, ws, [after.body.id], ['delivered']);
      assert.deepEqual((await carrierMessages(stack, number.e164)).map((m) => m.body), ['after']);
      const again = await cancel(stack, ws, res.body.id);
      assert.equal(again.status, 200);
      assert.equal(again.body.status, 'cancelled');
      assert.equal((await getMessage(stack, ws, res.body.id)).status, 'cancelled');
    });

    it('then one that left cannot be cancelled (409 not_cancellable); an unknown id or another workspace’s message is 404; only admins and agents may', async () => {
      const { ws } = await connectedWorkspace(stack, { rate: 10 });
      const sent = await sendSms(stack, ws, randomRecipient(), 'gone already');
      await settle(stack, ws, [sent.body.id], ['delivered']);
      const late = await cancel(stack, ws, sent.body.id);
      assert.equal(late.status, 409);
      assert.equal(late.body.error.code, 'not_cancellable');
      assert.equal(late.body.error.details.status, 'delivered');
      assert.equal((await getMessage(stack, ws, sent.body.id)).status, 'delivered');

      assert.equal((await cancel(stack, ws, 'msg_nope')).body.error.code, 'not_found');
      const scheduled = await schedule(stack, ws, randomRecipient(), 'x', inSeconds(600));
      const other = await createTestWorkspace();
      for (const key of [other.agent, await supportKey()]) {
        const refused = await cancel(stack, ws, scheduled.body.id, key);
        assert.equal(refused.status, 404);
      }
      const foreign = await call(stack.url, 'DELETE', `/v1/workspaces/${other.id}/messages/${scheduled.body.id}`, { key: other.admin });
      assert.equal(foreign.status, 404);
      assert.equal((await getMessage(stack, ws, scheduled.body.id)).status, 'scheduled');
      assert.equal((await cancel(stack, ws, scheduled.body.id, ws.admin)).body.status, 'cancelled');
    });

    it('then a cancel racing the send ends each message either cancelled or sent once, never both', async () => {
      const { ws, number } = await connectedWorkspace(stack, { rate: 50 });
      const sendAt = inSeconds(3);
      const ids: string[] = [];
      for (let i = 0; i < 12; i++) ids.push((await schedule(stack, ws, randomRecipient(), `race ${i}`, new Date(sendAt.getTime() + i * 40))).body.id);
      await eventually('their time', async () => Date.now() >= sendAt.getTime() + 150, 10_000, 10);
      const answers = await Promise.all(ids.map((id) => cancel(stack, ws, id)));
      const final = await settle(stack, ws, ids, ['cancelled', 'delivered']);
      const atCarrier = await carrierMessages(stack, number.e164);
      for (let i = 0; i < ids.length; i++) {
        const copies = atCarrier.filter((m) => m.body === `race ${i}`).length;
        if (answers[i].status === 200) {
          assert.equal(final[i].status, 'cancelled');
          assert.equal(copies, 0, `race ${i} was cancelled and reached the carrier`);
        } else {
          assert.equal(answers[i].status, 409, JSON.stringify(answers[i].body));
          assert.equal(final[i].status, 'delivered');
          assert.equal(copies, 1, `race ${i} reached the carrier ${copies} times`);
        }
      }
    });
  });

  it('when the OpenAPI document is read, then sendAt and the cancel route are in it', async () => {
    const doc = await call(stack.url, 'GET', '/openapi.json');
    assert.ok(doc.body.paths['/v1/workspaces/{ws}/messages/{id}'].delete);
    assert.ok(doc.body.components.schemas.Message.properties.sendAt);
  });
});

describe('Scheduled messages joining the queue (workflows/schedule.ts)', () => {
  const m = (messageId: string, acceptedAt: number, extra: Record<string, unknown> = {}) => ({ messageId, acceptedAt, ...extra });

  it('when one falls due, then it joins in acceptance order ahead of later untried messages, behind tried ones', () => {
    const queue = [m('tried-later', 50, { setbacks: 1 }), m('early', 5), m('later-1', 20), m('later-2', 30)];
    const held = [m('sched', 10, { sendAt: 100 }), m('not-yet', 1, { sendAt: 200 })];
    const still = admitDue(queue, held, 100);
    assert.deepEqual(queue.map((q) => q.messageId), ['tried-later', 'early', 'sched', 'later-1', 'later-2']);
    assert.deepEqual(still.map((q) => q.messageId), ['not-yet']);
  });

  it('when several fall due at once, then they keep their acceptance order among themselves', () => {
    const queue = [m('x', 40)];
    admitDue(queue, [m('b', 20, { sendAt: 5 }), m('a', 10, { sendAt: 9 }), m('c', 50, { sendAt: 1 })], 10);
    assert.deepEqual(queue.map((q) => q.messageId), ['a', 'b', 'x', 'c']);
  });
});
