import assert from 'node:assert/strict';
import { ensureWebhookHealthSchedule } from '../src/health/monitor';
import { healthIds } from '../src/temporal/health';
import { ProviderAccount, SmsChannel } from '../src/db/models';
import { call, createTestWorkspace, PLATFORM_ACCOUNT, startStack, type Stack, type TestWorkspace } from './support/stack';
import { byoNumber, connectNumber, handsetSends, randomE164, sharedNumber, smsUrlOf, statusUrlOf } from './support/inbound';
import { eventually } from './support/eventually';

const BYO_ACCOUNT = { accountSid: `AC${'c'.repeat(32)}`, authToken: 'byo-health-token' };

describe('Webhook health', function () {
  let stack: Stack;
  const check = (ws: TestWorkspace, key = ws.admin) => call(stack.url, 'POST', `/v1/workspaces/${ws.id}/sms/webhook-check`, { key });
  const carrierNumber = async (e164: string) => {
    const list = await call(stack.sandbox.url, 'GET', '/sandbox/numbers');
    return list.body.numbers.find((n: { phoneNumber: string }) => n.phoneNumber === e164);
  };

  before(async () => {
    stack = await startStack({
      env: { WEBHOOK_HEALTH_INTERVAL_SECONDS: '0', PROVIDER_TIMEOUT_MS: '300' },
      sandbox: { accounts: [PLATFORM_ACCOUNT, BYO_ACCOUNT] },
    });
  });
  after(async () => stack?.stop());

  it('then a platform number with a wrong SmsUrl is found and repaired, replies flow again, and the settings say so', async () => {
    const ws = await createTestWorkspace();
    const number = await sharedNumber(stack, { smsUrl: 'https://old-host.example.test/sms', statusCallback: null });
    await connectNumber(stack, ws, number.id);
    const lost = await handsetSends(stack, { from: randomE164(), to: number.e164, body: 'does anyone get this?' });
    assert.equal(lost.delivered, false); // "replies don't appear in Chat"

    const res = await check(ws);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.status, 'repaired');
    assert.match(res.body.detail, /old-host\.example\.test/);
    const fixed = await carrierNumber(number.e164);
    // With the provider's retry instruction (Twilio's connection overrides) in the fragment.
    assert.equal(fixed.smsUrl, `${smsUrlOf(stack)}#${stack.config.INBOUND_WEBHOOK_RETRY}`);
    assert.equal(fixed.statusCallback, statusUrlOf(stack));

    const settings = await call(stack.url, 'GET', `/v1/workspaces/${ws.id}/sms`, { key: ws.admin });
    assert.equal(settings.body.webhook.status, 'repaired');
    assert.ok(settings.body.webhook.checkedAt);
    assert.equal((await handsetSends(stack, { from: randomE164(), to: number.e164, body: 'now?' })).responseStatus, 200);
    assert.equal((await check(ws)).body.status, 'ok');
  });

  it('then a bring-your-own number is not touched but marked misconfigured with what to set', async () => {
    const ws = await createTestWorkspace();
    const number = await byoNumber(stack, ws.id, BYO_ACCOUNT, { smsUrl: 'https://their-old-crm.example.test/in' });
    await connectNumber(stack, ws, number.id);
    const res = await check(ws);
    assert.equal(res.body.status, 'misconfigured');
    assert.ok(res.body.detail.includes(smsUrlOf(stack)), res.body.detail);
    assert.ok(res.body.detail.includes(statusUrlOf(stack)));
    assert.equal((await carrierNumber(number.e164)).smsUrl, 'https://their-old-crm.example.test/in');
  });

  it('then provider failures end as an error the admin can read: refused credentials, or no answer after retries', async () => {
    const ws = await createTestWorkspace();
    const real = await byoNumber(stack, ws.id, BYO_ACCOUNT, { storedToken: 'wrong-token-xx' });
    await connectNumber(stack, ws, real.id);
    const refused = await check(ws);
    assert.equal(refused.body.status, 'error');
    assert.match(refused.body.detail, /credentials/);
    // The right token back, for the other tests.
    await ProviderAccount.updateOne({ _id: BYO_ACCOUNT.accountSid }, { $set: { authToken: BYO_ACCOUNT.authToken } });

    const slow = await createTestWorkspace();
    const platform = await sharedNumber(stack);
    await connectNumber(stack, slow, platform.id);
    await call(stack.sandbox.url, 'POST', '/sandbox/faults', { body: { latencyMs: { numbers: 1500 } } });
    try {
      const res = await check(slow);
      assert.equal(res.body.status, 'error');
      assert.match(res.body.detail, /could not be asked/);
    } finally {
      await call(stack.sandbox.url, 'DELETE', '/sandbox/faults');
    }
  });

  it('then the periodic schedule finds and repairs a number broken later, without anyone asking', async function () {
    this.timeout(60_000);
    const ws = await createTestWorkspace();
    const number = await sharedNumber(stack);
    await connectNumber(stack, ws, number.id);
    await call(stack.sandbox.url, 'POST', '/sandbox/numbers', { body: { phoneNumber: number.e164, type: 'local', smsUrl: 'https://broken.example.test/' } });
    await ensureWebhookHealthSchedule(stack.temporal, { ...stack.config, WEBHOOK_HEALTH_INTERVAL_SECONDS: 2 });
    try {
      let status: string | null | undefined;
      await eventually(
        () => `the number's webhook to be repaired; it is ${status}`,
        async () => (status = (await SmsChannel.findById(ws.id).lean())?.webhook?.status) === 'repaired',
        30_000,
        250,
      );
      assert.equal((await carrierNumber(number.e164)).smsUrl, `${smsUrlOf(stack)}#${stack.config.INBOUND_WEBHOOK_RETRY}`);
    } finally {
      await stack.temporal.schedule.getHandle(healthIds.schedule(stack.config.TEMPORAL_TASK_QUEUE)).delete();
    }
  });

  it('then the check is admin-only, behind the add-on, and needs a connected number', async () => {
    const ws = await createTestWorkspace();
    assert.equal((await check(ws, ws.agent)).status, 403);
    const none = await check(ws);
    assert.equal(none.status, 409);
    assert.equal(none.body.error.code, 'channel_not_connected');
    const off = await createTestWorkspace({ addon: false });
    assert.equal((await check(off)).status, 402);
  });
});
