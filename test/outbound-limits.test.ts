import assert from 'node:assert/strict';
import { freePort } from '../src/infra/processes';
import { call, startStack, type Stack } from './support/stack';
import { carrierMessages, connectedWorkspace, getMessage, randomRecipient, sendSms, settle } from './outbound.support';

const VALIDITY_SECONDS = 5;

describe('outbound SMS validity period', function () {
  this.timeout(60_000);
  let stack: Stack;

  before(async () => {
    stack = await startStack({ env: { MESSAGE_VALIDITY_SECONDS: String(VALIDITY_SECONDS) } });
  });
  after(async () => stack?.stop());

  describe('when more messages queue on a number than it can send within the validity period', () => {
    it('then the ones that cannot leave in time end expired, saying why, and never reach the carrier', async () => {
      const { ws, number } = await connectedWorkspace(stack, { rate: 1 });
      const ids = [];
      for (let i = 0; i < 10; i++) ids.push((await sendSms(stack, ws, randomRecipient(), `deadline ${i}`)).body.id);
      const views = await settle(stack, ws, ids, ['delivered', 'expired'], 20_000);
      const expired = views.filter((v) => v.status === 'expired');
      const delivered = views.filter((v) => v.status === 'delivered');
      // At one a second, what fits between the first acceptance and the last one's deadline.
      const window = (Date.parse(views[9].validUntil) - Date.parse(views[0].createdAt)) / 1000;
      assert.ok(delivered.length >= 1 && delivered.length <= Math.floor(window) + 1, `${delivered.length} delivered within ${window} s`);
      assert.ok(expired.length >= 10 - Math.floor(window) - 1, `${expired.length} expired`);
      for (const e of expired) {
        assert.match(e.errorMessage, /validity period/);
        assert.equal(e.statusHistory.at(-1).status, 'expired');
      }
      const sent = await carrierMessages(stack, number.e164);
      assert.deepEqual(sent.map((m) => m.body).sort(), delivered.map((v) => v.body).sort());
      // Each one that left, left within its validity period.
      for (const v of delivered) {
        const atCarrier = sent.find((m) => m.body === v.body)!;
        assert.ok(Date.parse(atCarrier.dateCreated) <= Date.parse(v.validUntil), `${v.body} left after its validity period`);
      }
    });
  });

  describe('when sending stays off past the validity period', () => {
    it('then the waiting message ends expired, telling the agent sending was off', async () => {
      const { ws, number } = await connectedWorkspace(stack, { rate: 0.5 });
      const first = await sendSms(stack, ws, randomRecipient(), 'leaves at once');
      const second = await sendSms(stack, ws, randomRecipient(), 'waits for its slot');
      await call(stack.url, 'PATCH', `/v1/workspaces/${ws.id}/sms`, { key: ws.admin, body: { enabled: false } });
      const [, late] = await settle(stack, ws, [first.body.id, second.body.id], ['delivered', 'expired'], 20_000);
      assert.equal(late.status, 'expired');
      assert.match(late.errorMessage, /turned off/);
      assert.ok(!(await carrierMessages(stack, number.e164)).some((m) => m.body === 'waits for its slot'));
      assert.equal((await getMessage(stack, ws, second.body.id)).errorCode, 'expired');
    });
  });
});

describe('outbound SMS whose final status callback never comes', function () {
  this.timeout(60_000);
  let stack: Stack;

  before(async () => {
    // Callbacks go to a port nobody listens on: the provider's word on the outcome never arrives.
    const nowhere = `http://127.0.0.1:${await freePort()}`;
    stack = await startStack({ env: { MESSAGE_FINAL_STATUS_WAIT_SECONDS: '2', PUBLIC_URL: nowhere } });
  });
  after(async () => stack?.stop());

  it('then, after the bounded wait, the sender asks the provider once and records what it says', async () => {
    const { ws, number } = await connectedWorkspace(stack, { rate: 5 });
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await sendSms(stack, ws, randomRecipient(), `no callback ${i}`)).body.id);
    await settle(stack, ws, ids, ['queued'], 20_000);
    const views = await settle(stack, ws, ids, ['delivered'], 20_000);
    for (const v of views) assert.deepEqual(v.statusHistory.map((h: { status: string }) => h.status), ['accepted', 'queued', 'delivered']);
    const sent = await carrierMessages(stack, number.e164);
    assert.equal(sent.length, 3);
    assert.ok(sent.every((m) => m.status === 'delivered'));
  });
});
