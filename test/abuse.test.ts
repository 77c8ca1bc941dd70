import assert from 'node:assert/strict';
import { Message } from '../src/db/models';
import { startApi } from '../src/server';
import { call, startStack, type Stack } from './support/stack';
import { connectedWorkspace, randomRecipient, sendSms } from './outbound.support';
import { handsetSends, randomE164, sharedNumber, connectNumber } from './support/inbound';
import { createTestWorkspace } from './support/stack';

describe('Abuse limits and input hardening', function () {
  let stack: Stack;
  /** A second API process's worth (its own Express app, limiter and port) on the same database. */
  let second: Awaited<ReturnType<typeof startApi>>;
  // Hour-long fixed windows, so that a test's few seconds almost never straddle two.
  const LIMITS = { RATE_LIMIT_PER_KEY: '8', RATE_LIMIT_PER_ADDRESS: '40', AUTH_FAILURE_LIMIT: '5', RATE_LIMIT_WINDOW_SECONDS: '3600', AUTH_FAILURE_WINDOW_SECONDS: '3600' };

  before(async function () {
    stack = await startStack({ env: { WEBHOOK_HEALTH_INTERVAL_SECONDS: '0', ...LIMITS } });
    second = await startApi({ ...stack.config, API_PORT: 0 });
  });
  after(async () => {
    await second?.close();
    await stack?.stop();
  });

  describe('when one API key sends more requests than its limit, alternating between two API processes', () => {
    it('then the limit holds across both: 429 with Retry-After and rate_limited once the key has used it up', async () => {
      const ws = await createTestWorkspace();
      const statuses: number[] = [];
      let refused;
      for (let i = 0; i < 10; i++) {
        const res = await call(i % 2 ? second.url : stack.url, 'GET', `/v1/workspaces/${ws.id}/sms`, { key: ws.admin });
        statuses.push(res.status);
        if (res.status === 429) refused ??= res;
      }
      assert.deepEqual(statuses, [200, 200, 200, 200, 200, 200, 200, 200, 429, 429]);
      assert.equal(refused!.body.error.code, 'rate_limited');
      const retryAfter = Number(refused!.headers.get('retry-after'));
      assert.ok(retryAfter >= 1 && retryAfter <= 3600, `Retry-After ${retryAfter}`);
      // Another key of the same workspace has its own allowance.
      assert.equal((await call(stack.url, 'GET', `/v1/workspaces/${ws.id}/sms`, { key: ws.agent })).status, 200);
    });
  });

  describe('when an address keeps sending wrong API keys', () => {
    it('then after the failure limit it gets 429 with Retry-After, even for a valid key, on either process', async () => {
      const ws = await createTestWorkspace();
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        statuses.push((await call(i % 2 ? second.url : stack.url, 'GET', '/v1/me', { key: `sk_admin_wrong${i}` })).status);
      }
      assert.deepEqual(statuses, [401, 401, 401, 401, 401]);
      const blocked = await call(second.url, 'GET', `/v1/workspaces/${ws.id}/sms`, { key: ws.admin });
      assert.equal(blocked.status, 429);
      assert.equal(blocked.body.error.code, 'rate_limited');
      assert.match(blocked.body.error.message, /failed authentications/);
      assert.ok(Number(blocked.headers.get('retry-after')) > 0);
      // Provider webhooks are not behind the API's limits: the carrier still delivers.
      const number = await sharedNumber(stack);
      const inbound = await handsetSends(stack, { from: randomE164('+1212'), to: number.e164, body: 'still here' });
      assert.equal(inbound.responseStatus, 200, JSON.stringify(inbound));
    });
  });
});

describe('Send refusals and input hardening', function () {
  let stack: Stack;

  before(async function () {
    stack = await startStack({ env: { WEBHOOK_HEALTH_INTERVAL_SECONDS: '0' } });
  });
  after(async () => stack?.stop());

  async function refusedSend(ws: Awaited<ReturnType<typeof connectedWorkspace>>['ws'], to: string, body = 'hello') {
    const before = await Message.countDocuments({ workspaceId: ws.id });
    const res = await sendSms(stack, ws, to, body);
    assert.equal(await Message.countDocuments({ workspaceId: ws.id }), before, 'nothing stored');
    return res;
  }

  describe('when an agent texts one of the platform’s own numbers', () => {
    it('then the workspace’s own sending number and another platform number are refused with 422 destination_not_allowed', async () => {
      const { ws, number } = await connectedWorkspace(stack);
      const own = await refusedSend(ws, number.e164);
      assert.equal(own.status, 422, JSON.stringify(own.body));
      assert.equal(own.body.error.code, 'destination_not_allowed');
      assert.equal(own.body.error.details.reason, 'own_number');
      assert.match(own.body.error.message, /platform's own numbers/);
      const other = await connectedWorkspace(stack);
      // Written nationally: read with the workspace's default country first.
      const national = other.number.e164.replace(/^\+1/, '');
      const res = await refusedSend(ws, national);
      assert.equal(res.status, 422);
      assert.equal(res.body.error.details.reason, 'own_number');
    });
  });

  describe('when an agent texts a premium-rate number', () => {
    it('then it is refused with 422 and the number type as the reason; an ordinary number is accepted', async () => {
      const { ws } = await connectedWorkspace(stack);
      const res = await refusedSend(ws, '+19005550123');
      assert.equal(res.status, 422);
      assert.equal(res.body.error.code, 'destination_not_allowed');
      assert.equal(res.body.error.details.reason, 'premium_rate');
      assert.match(res.body.error.message, /premium-rate/);
      assert.equal((await sendSms(stack, ws, randomRecipient(), 'hello')).status, 202);
    });
  });

  describe('when a body holds a control character or only white space', () => {
    it('then it is 400 validation_failed naming the body, and nothing is stored; newlines and tabs are fine', async () => {
      const { ws } = await connectedWorkspace(stack);
      for (const body of ['nul\u0000here', 'bell\u0007', 'esc\u001b[31m', 'c1\u0085', 'lone\rreturn', '   ', '\n\t \n']) {
        const res = await refusedSend(ws, randomRecipient(), body);
        assert.equal(res.status, 400, JSON.stringify(body));
        assert.equal(res.body.error.code, 'validation_failed');
        assert.match(res.body.error.message, /body/);
      }
      assert.equal((await sendSms(stack, ws, randomRecipient(), 'line one\r\nline two\n\tindented')).status, 202);
    });
  });

  describe('when a send names media that are not https', () => {
    it('then it is 400', async () => {
      const { ws } = await connectedWorkspace(stack);
      for (const url of ['http://media.example.test/a.jpg', 'javascript:alert(1)', 'file:///etc/passwd']) {
        const res = await call(stack.url, 'POST', `/v1/workspaces/${ws.id}/messages`, {
          key: ws.agent,
          body: { channel: 'sms', to: randomRecipient(), body: 'see', mediaUrls: [url] },
        });
        assert.equal(res.status, 400, url);
      }
    });
  });

  describe('when an inbound text carries media URLs of other schemes', () => {
    it('then only the https ones are stored and returned', async () => {
      const ws = await createTestWorkspace();
      const number = await sharedNumber(stack);
      await connectNumber(stack, ws, number.id);
      const good = { url: 'https://media.example.test/cat.jpg', contentType: 'image/jpeg' };
      const media = [
        { url: 'javascript:alert(document.cookie)', contentType: 'image/jpeg' },
        good,
        { url: 'file:///etc/passwd', contentType: 'text/plain' },
        { url: 'http://media.example.test/plain.jpg', contentType: 'image/jpeg' },
      ];
      const result = await handsetSends(stack, { from: randomE164('+1212'), to: number.e164, body: 'pics', media });
      assert.equal(result.responseStatus, 200, JSON.stringify(result));
      const stored = await Message.findOne({ workspaceId: ws.id, direction: 'inbound' }).lean();
      assert.deepEqual(stored!.media.map((m) => ({ url: m.url, contentType: m.contentType })), [good]);
    });
  });

  describe('when a client sends an X-Request-Id', () => {
    it('then a short plain one is echoed, and a long or odd one is replaced by our own', async () => {
      const plain = await call(stack.url, 'GET', '/healthz', { headers: { 'x-request-id': 'abc-123_def.4:5' } });
      assert.equal(plain.headers.get('x-request-id'), 'abc-123_def.4:5');
      for (const given of ['x'.repeat(6000), 'has space', 'new\u00e9line<script>']) {
        const res = await call(stack.url, 'GET', '/healthz', { headers: { 'x-request-id': given } });
        const echoed = res.headers.get('x-request-id')!;
        assert.notEqual(echoed, given);
        assert.match(echoed, /^[0-9a-f-]{36}$/);
      }
    });
  });
});
