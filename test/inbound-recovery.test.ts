import assert from 'node:assert/strict';
import { Message } from '../src/db/models';
import { ensureSharedPool } from '../src/seed';
import { createProviderDirectory } from '../src/provider/directory';
import { startApi } from '../src/server';
import { inboundIds } from '../src/temporal/inbound';
import { call, createTestWorkspace, startStack, type Stack, type TestWorkspace } from './support/stack';
import { connectNumber, handsetSends, inboundForm, newMessageSid, postWebhook, randomE164, sharedNumber } from './support/inbound';
import { eventually } from './support/eventually';
import { PLATFORM_ACCOUNT } from './support/stack';
import { freePort } from '../src/infra/processes';

const RETRY = 'rc=2&rp=ct,rt,5xx&ct=500&rt=5000&tt=15000';

describe('Inbound texts are never lost', function () {
  this.timeout(120_000);
  let stack: Stack;
  /** A second API process on the same database: the fallback URL. */
  let fallback: Awaited<ReturnType<typeof startApi>>;
  /** API processes started on the stack's task queue: each one triggers a reconciliation as it starts. */
  let apiStarts = 0;

  const carrierNumber = async (e164: string) => {
    const list = await call(stack.sandbox.url, 'GET', '/sandbox/numbers');
    return list.body.numbers.find((n: { phoneNumber: string }) => n.phoneNumber === e164);
  };
  const thread = async (ws: TestWorkspace) => {
    const list = await call(stack.url, 'GET', `/v1/workspaces/${ws.id}/conversations?channel=sms`, { key: ws.agent });
    if (list.status !== 200 || list.body.data.length === 0) return [];
    assert.equal(list.body.data.length, 1, 'one thread');
    const messages = await call(stack.url, 'GET', `/v1/workspaces/${ws.id}/conversations/${list.body.data[0].id}/messages?limit=100`, { key: ws.agent });
    return messages.body.data as Array<{ id: string; body: string; direction: string }>;
  };

  before(async () => {
    stack = await startStack({ env: { WEBHOOK_HEALTH_INTERVAL_SECONDS: '0', INBOUND_RECONCILE_INTERVAL_SECONDS: '3600', INBOUND_WEBHOOK_RETRY: RETRY } });
    // Another API process (another region, say) with its own public URL: the one the carrier signs for it.
    const port = await freePort();
    fallback = await startApi({ ...stack.config, API_PORT: port, PUBLIC_URL: `http://127.0.0.1:${port}` });
    apiStarts = 2;
  });
  after(async () => {
    await stack?.startApi();
    await stack?.temporal.schedule.getHandle(inboundIds.schedule(stack.config.TEMPORAL_TASK_QUEUE)).delete().catch(() => undefined);
    await fallback?.close();
    await stack?.stop();
  });

  describe('when the platform sets up its numbers at the provider', () => {
    it("then the SmsUrl carries Twilio's retry instruction and the SmsFallbackUrl is the configured one", async () => {
      const fallbackUrl = `${fallback.url}/webhooks/twilio/sms`;
      const config = { ...stack.config, INBOUND_FALLBACK_URL: fallbackUrl };
      await ensureSharedPool(config, createProviderDirectory(config), { local: 1, toll_free: 0 });
      const pooled = await call(stack.sandbox.url, 'GET', '/sandbox/numbers');
      const ours = pooled.body.numbers.filter((n: { friendlyName: string }) => /pool/i.test(n.friendlyName));
      assert.ok(ours.length >= 1, JSON.stringify(pooled.body));
      for (const n of ours) {
        assert.equal(n.smsUrl, `${stack.config.PUBLIC_URL}/webhooks/twilio/sms#${RETRY}`);
        assert.equal(n.smsFallbackUrl, fallbackUrl);
      }
    });
  });

  describe('when the API is down as a customer texts, and the number has a fallback URL', () => {
    it('then the carrier retries as the fragment says, then posts to the fallback, which stores the text', async () => {
      const ws = await createTestWorkspace();
      const number = await sharedNumber(stack, { smsUrl: `${stack.config.PUBLIC_URL}/webhooks/twilio/sms#${RETRY}` });
      await connectNumber(stack, ws, number.id);
      await call(stack.sandbox.url, 'POST', '/sandbox/numbers', {
        body: { phoneNumber: number.e164, type: 'local', smsFallbackUrl: `${fallback.url}/webhooks/twilio/sms` },
      });
      assert.equal((await carrierNumber(number.e164)).smsFallbackUrl, `${fallback.url}/webhooks/twilio/sms`);
      await stack.stopApi();
      try {
        const result = await handsetSends(stack, { from: randomE164('+1212'), to: number.e164, body: 'via the fallback' });
        // 1 + rc=2 refused attempts at the primary, then one at the fallback.
        assert.equal(result.attempts, 4, JSON.stringify(result));
        assert.equal(result.delivered, true);
        assert.equal(result.deliveredTo, 'fallback');
        const stored = await Message.findById(`msg_${result.sid}`).lean();
        assert.equal(stored?.body, 'via the fallback');
        assert.equal(stored?.workspaceId, ws.id);
      } finally {
        await stack.startApi();
        apiStarts++;
      }
    });
  });

  describe('when the API is killed, customers text, and the API comes back', () => {
    it('then every text is in its thread exactly once and in order within seconds, and a late webhook or a second run changes nothing', async () => {
      const ws = await createTestWorkspace();
      const number = await sharedNumber(stack, { smsUrl: `${stack.config.PUBLIC_URL}/webhooks/twilio/sms#${RETRY}` });
      await connectNumber(stack, ws, number.id);
      const customer = randomE164('+1646');
      assert.equal((await handsetSends(stack, { from: customer, to: number.e164, body: 'before the outage' })).delivered, true);
      // The worker reconciles whatever the API is doing: let the runs earlier starts triggered finish
      // (each started or, buffered behind a running one, dropped), so that what follows is the
      // restarted API's own run.
      const schedule = stack.temporal.schedule.getHandle(inboundIds.schedule(stack.config.TEMPORAL_TASK_QUEUE));
      await eventually(`the reconciliations of ${apiStarts} API starts to be over`, async () => {
        const { info } = await schedule.describe();
        return info.runningActions.length === 0 && info.numActionsTaken + info.numActionsSkippedOverlap >= apiStarts;
      }, 30_000, 200);

      await stack.stopApi();
      const sent: Array<{ sid: string; body: string }> = [];
      for (let i = 1; i <= 6; i++) {
        const body = `while down ${i}`;
        const result = await handsetSends(stack, { from: customer, to: number.e164, body });
        assert.equal(result.delivered, false, 'no API, no fallback: the carrier gives up');
        assert.equal(result.attempts, 3);
        sent.push({ sid: result.sid, body });
      }
      assert.equal(await Message.countDocuments({ workspaceId: ws.id }), 1, 'nothing stored while down');

      await stack.startApi();
      const expected = ['before the outage', ...sent.map((s) => s.body)];
      const messages = await eventually('every text in the thread', async () => {
        const m = await thread(ws);
        return m.length >= expected.length && m;
      }, 30_000, 200); // "within seconds": the wait's bound
      assert.deepEqual(messages.map((m) => m.body), expected, 'in order, each once');
      assert.ok(messages.every((m) => m.direction === 'inbound'));
      for (const s of sent) assert.ok(messages.some((m) => m.id === `msg_${s.sid}`), `${s.sid} stored under its provider id`);

      // The provider's late retry of one of them is a duplicate, answered and not stored again.
      const late = inboundForm({ sid: sent[2].sid, accountSid: PLATFORM_ACCOUNT.accountSid, from: customer, to: number.e164, body: sent[2].body });
      assert.equal((await postWebhook(stack, late, PLATFORM_ACCOUNT.authToken)).status, 200);
      // A second reconciliation run finds nothing to add.
      const run: { numbers: number; ingested: number; failed: number } = await stack.temporal.workflow.execute('inboundReconcileSweepWorkflow', {
        taskQueue: stack.config.TEMPORAL_TASK_QUEUE,
        workflowId: `reconcile-again-${newMessageSid()}`,
        args: [],
      });
      assert.equal(run.ingested, 0);
      assert.equal(run.failed, 0);
      assert.ok(run.numbers >= 1);
      assert.deepEqual((await thread(ws)).map((m) => m.body), expected);
      assert.equal(await Message.countDocuments({ workspaceId: ws.id }), expected.length);
    });
  });
});
