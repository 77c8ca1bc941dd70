import assert from 'node:assert/strict';
import { call } from './support/stack';
import { outboundSuite } from './support/outbound-suite';
import { carrierMessages, connectedWorkspace, eventually, getMessage, randomRecipient, seedNumber, sendSms, senderBetweenBatches, settle } from './outbound.support';

describe('outbound SMS: channel changes while messages wait', function () {
  const stack = outboundSuite(this);

  describe('when sending is turned off while messages wait, then on again', () => {
    it('then they wait without reaching the carrier and leave once it is back on', async () => {
      const { ws, number } = await connectedWorkspace(stack(), { rate: 0.5 });
      const ids = [];
      for (let i = 0; i < 3; i++) ids.push((await sendSms(stack(), ws, randomRecipient(), `paused ${i}`)).body.id);
      await call(stack().url, 'PATCH', `/v1/workspaces/${ws.id}/sms`, { key: ws.admin, body: { enabled: false } });
      // The sender has the change and its batch (cancelled) has stopped: it waits, whatever the clock.
      await eventually('the sender to take in the pause with no batch running', () => senderBetweenBatches(stack(), number.id));
      const during = await carrierMessages(stack(), number.e164);
      assert.ok(during.length <= 1, `${during.length} left while sending was off`);
      const waiting = await Promise.all(ids.map((id) => getMessage(stack(), ws, id)));
      assert.ok(waiting.filter((m) => m.status === 'accepted').length >= 2);

      const resumedAt = Date.now();
      await call(stack().url, 'PATCH', `/v1/workspaces/${ws.id}/sms`, { key: ws.admin, body: { enabled: true } });
      await settle(stack(), ws, ids, ['delivered'], 30_000);
      const sent = await carrierMessages(stack(), number.e164);
      assert.equal(sent.length, 3);
      // The ones that waited reached the carrier only after sending was back on (its clock and ours are one machine's).
      const late = sent.filter((m) => !during.some((d) => d.sid === m.sid));
      for (const m of late) assert.ok(Date.parse(m.dateCreated) >= resumedAt, `${m.body} reached the carrier at ${m.dateCreated}, before sending was back on`);
    });
  });

  describe('when the channel is disconnected while messages wait', () => {
    it('then the ones that had not left fail with channel_not_connected, and new sends are refused', async () => {
      const { ws, number } = await connectedWorkspace(stack(), { rate: 0.5 });
      const ids = [];
      for (let i = 0; i < 3; i++) ids.push((await sendSms(stack(), ws, randomRecipient(), `disconnect ${i}`)).body.id);
      assert.equal((await call(stack().url, 'DELETE', `/v1/workspaces/${ws.id}/sms`, { key: ws.admin })).status, 200);
      const views = await settle(stack(), ws, ids, ['delivered', 'failed'], 30_000);
      const failed = views.filter((v) => v.status === 'failed');
      assert.ok(failed.length >= 2);
      for (const f of failed) {
        assert.equal(f.errorCode, 'channel_not_connected');
        assert.match(f.errorMessage, /disconnected/);
      }
      assert.equal((await carrierMessages(stack(), number.e164)).length, views.length - failed.length);
      const res = await sendSms(stack(), ws, randomRecipient(), 'new');
      assert.equal(res.status, 409);
      assert.equal(res.body.error.code, 'channel_not_connected');
    });
  });

  describe('when the channel is switched to another number while messages wait', () => {
    it('then the ones that had not left fail with channel_not_connected, and new ones go from the new number', async () => {
      const { ws, number } = await connectedWorkspace(stack(), { rate: 0.5 });
      const next = await seedNumber(stack(), { rate: 5 });
      const to = randomRecipient();
      const ids = [];
      for (let i = 0; i < 3; i++) ids.push((await sendSms(stack(), ws, to, `before switch ${i}`)).body.id);
      assert.equal((await call(stack().url, 'PUT', `/v1/workspaces/${ws.id}/sms`, { key: ws.admin, body: { numberId: next.id } })).status, 200);
      const after = await sendSms(stack(), ws, to, 'after switch');
      assert.equal(after.status, 202);
      assert.equal(after.body.from, next.e164);

      const views = await settle(stack(), ws, ids, ['delivered', 'failed'], 30_000);
      const failed = views.filter((v) => v.status === 'failed');
      assert.ok(failed.length >= 2, `${failed.length} failed`);
      for (const f of failed) {
        assert.equal(f.errorCode, 'channel_not_connected');
        assert.match(f.errorMessage, /switched to another number/);
      }
      assert.equal((await carrierMessages(stack(), number.e164)).length, views.length - failed.length);
      const [done] = await settle(stack(), ws, [after.body.id], ['delivered'], 30_000);
      assert.equal(done.from, next.e164);
      assert.deepEqual((await carrierMessages(stack(), next.e164)).map((m) => m.body), ['after switch']);
    });
  });
});
