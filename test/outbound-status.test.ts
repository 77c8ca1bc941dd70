import assert from 'node:assert/strict';
import { Message } from '../src/db/models';
import { signTwilioRequest } from '../src/sandbox';
import { recordHandover } from '../src/messaging/status';
import { call, PLATFORM_ACCOUNT } from './support/stack';
import { outboundSuite } from './support/outbound-suite';
import { connectedWorkspace, eventually, getMessage, randomRecipient, sendSms, settle } from './outbound.support';

describe('outbound SMS: status callbacks', function () {
  const stack = outboundSuite(this);

  describe('when a status callback overtakes the record of the handover', () => {
    const sentMessage = async (number: { e164: string }, workspaceId: string) => {
      const now = new Date();
      return Message.create({
        _id: `msg_early_${Date.now()}_${Math.floor(Math.random() * 1e6)}`,
        workspaceId,
        conversationId: 'conv_none',
        channel: 'sms',
        direction: 'outbound',
        from: number.e164,
        to: randomRecipient(),
        body: 'racing its callbacks',
        status: 'accepted',
        statusRank: 0,
        reached: ['accepted'],
        statusHistory: [{ status: 'accepted', at: now }],
        idempotencyKey: `early-${now.getTime()}-${Math.random()}`,
        sendAttemptAt: now,
        createdAt: now,
        updatedAt: now,
      });
    };
    const postCallback = (messageId: string, params: Record<string, string>) => {
      const url = `${stack().config.PUBLIC_URL}/webhooks/twilio/status?messageId=${messageId}`;
      return fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signTwilioRequest(PLATFORM_ACCOUNT.authToken, url, params) },
        body: new URLSearchParams(params),
      });
    };

    it('then the callback applies at once, and the late handover only joins the history', async () => {
      const { ws, number } = await connectedWorkspace(stack());
      const message = await sentMessage(number, ws.id);
      const sid = `SM${'e'.repeat(32)}`;
      const base = { MessageSid: sid, AccountSid: PLATFORM_ACCOUNT.accountSid, From: number.e164, To: message.to };
      assert.equal((await postCallback(message._id, { ...base, MessageStatus: 'sent' })).status, 204);
      assert.equal((await postCallback(message._id, { ...base, MessageStatus: 'delivered' })).status, 204);
      assert.equal((await getMessage(stack(), ws, message._id)).status, 'delivered');

      await recordHandover(message._id, sid);
      const view = await getMessage(stack(), ws, message._id);
      assert.equal(view.status, 'delivered');
      assert.deepEqual(
        view.statusHistory.map((h: { status: string }) => h.status),
        ['accepted', 'queued', 'sent', 'delivered'],
      );
      assert.equal((await Message.findById(message._id).lean())!.providerSid, sid);
      await recordHandover(message._id, sid);
      assert.equal((await getMessage(stack(), ws, message._id)).statusHistory.length, 4, 'a repeated handover adds nothing');
    });

    it('then a callback naming another sid, or from another sender, changes nothing', async () => {
      const { ws, number } = await connectedWorkspace(stack());
      const message = await sentMessage(number, ws.id);
      const sid = `SM${'f'.repeat(32)}`;
      await recordHandover(message._id, sid);
      const base = { AccountSid: PLATFORM_ACCOUNT.accountSid, From: number.e164, To: message.to, MessageStatus: 'delivered' };
      assert.equal((await postCallback(message._id, { ...base, MessageSid: `SM${'0'.repeat(32)}` })).status, 204);
      assert.equal((await getMessage(stack(), ws, message._id)).status, 'queued');
      assert.equal((await postCallback(message._id, { ...base, MessageSid: sid })).status, 204);
      assert.equal((await getMessage(stack(), ws, message._id)).status, 'delivered');
    });
  });

  describe('when status callbacks arrive twice and out of order', () => {
    it('then the status only moves forward and each status is kept once', async () => {
      const { ws, number } = await connectedWorkspace(stack(), { rate: 10 });
      await call(stack().sandbox.url, 'POST', '/sandbox/faults', { body: { seed: 3, callbacks: { shuffle: true, duplicate: 0.7 } } });
      const ids = [];
      for (let i = 0; i < 6; i++) ids.push((await sendSms(stack(), ws, randomRecipient(), `shuffled ${i}`)).body.id);
      const views = await settle(stack(), ws, ids, ['delivered'], 30_000);
      await eventually('the carrier to have posted every status callback and its duplicates', () => stack().sandbox.carrier.pendingCallbacks() === 0);
      for (const id of ids) {
        const v = await getMessage(stack(), ws, id);
        assert.equal(v.status, 'delivered');
        const statuses = v.statusHistory.map((h: { status: string }) => h.status);
        assert.equal(new Set(statuses).size, statuses.length, `history has repeats: ${statuses}`);
      }
      assert.equal(views.length, 6);

      // Hand-made callbacks for the first message: a late "sent", a later final status and a repeated "delivered" change nothing.
      const msg = await Message.findById(ids[0]).lean();
      const url = `${stack().config.PUBLIC_URL}/webhooks/twilio/status?messageId=${ids[0]}`;
      const post = (params: Record<string, string>, signature = signTwilioRequest(PLATFORM_ACCOUNT.authToken, url, params)) =>
        fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature }, body: new URLSearchParams(params) });
      const base = { MessageSid: msg!.providerSid!, AccountSid: PLATFORM_ACCOUNT.accountSid, From: number.e164, To: msg!.to };
      assert.equal((await post({ ...base, MessageStatus: 'sent' })).status, 204);
      assert.equal((await post({ ...base, MessageStatus: 'undelivered', ErrorCode: '30005' })).status, 204);
      assert.equal((await post({ ...base, MessageStatus: 'delivered' })).status, 204);
      const after = await getMessage(stack(), ws, ids[0]);
      assert.equal(after.status, 'delivered');
      assert.equal(after.errorCode, null);

      assert.equal((await post({ ...base, MessageStatus: 'failed' }, 'forged')).status, 403);
      const unsigned = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ ...base, MessageStatus: 'failed' }) });
      assert.equal(unsigned.status, 401);
      assert.equal((await getMessage(stack(), ws, ids[0])).status, 'delivered');
    });
  });
});
