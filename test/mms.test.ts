import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Message } from '../src/db/models';
import { call, createTestWorkspace, PLATFORM_ACCOUNT, startStack, supportKey, type Stack } from './support/stack';
import { byoNumber, connectNumber, handsetSends, randomE164, sharedNumber } from './support/inbound';
import { carrierMessages, connectedWorkspace, randomRecipient, settle } from './outbound.support';

/** A real (1×1) PNG, so the bytes that come back can be compared. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

describe('Pictures (MMS)', function () {
  this.timeout(60_000);
  let stack: Stack;

  before(async () => {
    stack = await startStack({ env: { PROVIDER_TIMEOUT_MS: '1500' } });
  });
  after(async () => stack?.stop());
  afterEach(async () => {
    await call(stack.sandbox.url, 'DELETE', '/sandbox/faults');
  });

  describe('when an agent sends a text with mediaUrls', () => {
    it('then the carrier receives them with the message', async () => {
      const { ws, number } = await connectedWorkspace(stack);
      const mediaUrls = ['https://cdn.example.com/menu.jpg', 'https://cdn.example.com/map.png'];
      const res = await call(stack.url, 'POST', `/v1/workspaces/${ws.id}/messages`, { key: ws.agent, body: { channel: 'sms', to: randomRecipient(), body: 'Our menu', mediaUrls } });
      assert.equal(res.status, 202, JSON.stringify(res.body));
      assert.deepEqual(res.body.mediaUrls, mediaUrls);
      await settle(stack, ws, [res.body.id], ['delivered']);
      const [atCarrier] = await carrierMessages(stack, number.e164);
      assert.deepEqual((atCarrier as unknown as { mediaUrls: string[] }).mediaUrls, mediaUrls);
    });

    it('then bad media are refused with validation_failed and nothing is stored', async () => {
      const { ws } = await connectedWorkspace(stack);
      const cases = [
        ['http://cdn.example.com/a.jpg'],
        ['not a url'],
        ['javascript:alert(1)'],
        Array.from({ length: 11 }, (_, i) => `https://cdn.example.com/${i}.jpg`),
        [`https://cdn.example.com/${'a'.repeat(2000)}.jpg`],
      ];
      for (const mediaUrls of cases) {
        const res = await call(stack.url, 'POST', `/v1/workspaces/${ws.id}/messages`, { key: ws.agent, body: { channel: 'sms', to: randomRecipient(), body: 'x', mediaUrls } });
        assert.equal(res.status, 400, JSON.stringify(mediaUrls));
        assert.equal(res.body.error.code, 'validation_failed');
        assert.match(res.body.error.message, /mediaUrls/);
      }
      assert.equal(await Message.countDocuments({ workspaceId: ws.id }), 0);
    });
  });

  describe('when a customer texts a picture', () => {
    async function pictureReceived(options: { account?: { accountSid: string; authToken: string } } = {}) {
      const ws = await createTestWorkspace();
      const number = options.account ? await byoNumber(stack, ws.id, options.account) : await sharedNumber(stack);
      await connectNumber(stack, ws, number.id);
      const from = randomE164();
      const sent = await handsetSends(stack, { from, to: number.e164, body: 'Look', media: [{ content: PNG.toString('base64'), contentType: 'image/png' }] });
      assert.equal(sent.delivered, true, JSON.stringify(sent));
      const stored = await Message.findById(`msg_${sent.sid}`).lean();
      assert.ok(stored, 'the message was stored');
      return { ws, stored, sid: sent.sid };
    }

    it('then responses show our proxy’s path, never the provider’s URL, and the proxy streams the picture with the account’s credentials', async () => {
      const { ws, stored } = await pictureReceived();
      const providerUrl = stored.media[0].url!;
      assert.match(providerUrl, /^https:\/\/api\.twilio\.com\/2010-04-01\/Accounts\/AC\w+\/Messages\/MM\w+\/Media\/ME\w+$/);
      const path = `/v1/workspaces/${ws.id}/messages/${stored._id}/media/0`;

      const thread = await call(stack.url, 'GET', `/v1/workspaces/${ws.id}/conversations/${stored.conversationId}/messages`, { key: ws.agent });
      assert.equal(thread.status, 200);
      assert.deepEqual(thread.body.data.at(-1).media, [{ url: path, contentType: 'image/png' }]);
      const one = await call(stack.url, 'GET', `/v1/workspaces/${ws.id}/messages/${stored._id}`, { key: ws.agent });
      assert.deepEqual(one.body.mediaUrls, [path]);
      for (const body of [JSON.stringify(thread.body), JSON.stringify(one.body)]) {
        assert.ok(!body.includes('twilio.com') && !body.includes('/Media/ME') && !body.includes(stack.sandbox.url), body);
      }

      // The carrier refuses the media without the account's credentials: the proxy is what authenticates.
      const direct = await fetch(providerUrl.replace('https://api.twilio.com', stack.sandbox.url));
      assert.equal(direct.status, 401);

      const res = await fetch(stack.url + path, { headers: { authorization: `Bearer ${ws.agent}` } });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'image/png');
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      assert.match(res.headers.get('content-security-policy') ?? '', /sandbox/);
      assert.deepEqual(Buffer.from(await res.arrayBuffer()), PNG);
    });

    it('then the proxy uses the workspace’s own provider account for its own number', async () => {
      const account = { accountSid: `AC${randomBytes(16).toString('hex')}`, authToken: randomBytes(16).toString('hex') };
      assert.equal((await call(stack.sandbox.url, 'POST', '/sandbox/accounts', { body: account })).status, 201);
      const { ws, stored } = await pictureReceived({ account });
      assert.ok(stored.media[0].url!.includes(`/Accounts/${account.accountSid}/`));
      const res = await fetch(`${stack.url}/v1/workspaces/${ws.id}/messages/${stored._id}/media/0`, { headers: { authorization: `Bearer ${ws.admin}` } });
      assert.equal(res.status, 200);
      assert.deepEqual(Buffer.from(await res.arrayBuffer()), PNG);
    });

    it('then only the workspace’s admins and agents get it; other keys, other workspaces and missing media are refused', async () => {
      const { ws, stored } = await pictureReceived();
      const other = await createTestWorkspace();
      const path = (n: number, wsId = ws.id) => `/v1/workspaces/${wsId}/messages/${stored._id}/media/${n}`;
      assert.equal((await call(stack.url, 'GET', path(0))).status, 401);
      // Keys outside the workspace (platform support, another workspace's agent) learn nothing: 404.
      for (const key of [await supportKey(), other.agent]) {
        const refused = await call(stack.url, 'GET', path(0), { key });
        assert.equal(refused.status, 404);
        assert.equal(refused.body.error.code, 'not_found');
      }
      // Another workspace's path with its own key: the message is not its.
      const notOurs = await call(stack.url, 'GET', path(0, other.id), { key: other.agent });
      assert.equal(notOurs.status, 404);
      assert.equal(notOurs.body.error.message, 'Message was not found.');
      const missing = await call(stack.url, 'GET', path(1), { key: ws.agent });
      assert.equal(missing.status, 404);
      assert.equal(missing.body.error.code, 'not_found');
      const bad = await call(stack.url, 'GET', path(10), { key: ws.agent });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error.code, 'validation_failed');
    });

    it('then a sent message’s media are not served by the proxy (they are the sender’s own URLs)', async () => {
      const { ws } = await connectedWorkspace(stack);
      const res = await call(stack.url, 'POST', `/v1/workspaces/${ws.id}/messages`, { key: ws.agent, body: { channel: 'sms', to: randomRecipient(), body: 'x', mediaUrls: ['https://cdn.example.com/a.png'] } });
      const proxied = await call(stack.url, 'GET', `/v1/workspaces/${ws.id}/messages/${res.body.id}/media/0`, { key: ws.agent });
      assert.equal(proxied.status, 404);
      assert.equal(proxied.body.error.code, 'not_found');
    });

    it('then a picture the provider no longer has, a provider too slow to answer, or a stored URL that is not the account’s media answer 502 media_unavailable without the provider’s URL', async () => {
      const { ws, stored } = await pictureReceived();
      const providerUrl = stored.media[0].url!;
      const path = `/v1/workspaces/${ws.id}/messages/${stored._id}/media/0`;
      const auth = `Basic ${Buffer.from(`${PLATFORM_ACCOUNT.accountSid}:${PLATFORM_ACCOUNT.authToken}`).toString('base64')}`;
      const removed = await fetch(providerUrl.replace('https://api.twilio.com', stack.sandbox.url), { method: 'DELETE', headers: { authorization: auth } });
      assert.equal(removed.status, 204);
      const gone = await call(stack.url, 'GET', path, { key: ws.agent });
      assert.equal(gone.status, 502);
      assert.equal(gone.body.error.code, 'media_unavailable');
      assert.ok(!JSON.stringify(gone.body).includes('twilio.com'));

      // The provider too slow to answer (past PROVIDER_TIMEOUT_MS): 502 too, not a hung request.
      const other = await pictureReceived();
      await call(stack.sandbox.url, 'POST', '/sandbox/faults', { body: { latencyMs: { fetch: 10_000 } } });
      const started = Date.now();
      const slow = await call(stack.url, 'GET', `/v1/workspaces/${other.ws.id}/messages/${other.stored._id}/media/0`, { key: other.ws.agent });
      assert.equal(slow.status, 502);
      assert.equal(slow.body.error.code, 'media_unavailable');
      assert.ok(Date.now() - started < 8_000, 'answered within the provider timeout, not the carrier’s delay');
      await call(stack.sandbox.url, 'DELETE', '/sandbox/faults');

      // A stored URL that is not this account's media (a forged or foreign one) is never fetched with the credentials.
      await Message.updateOne({ _id: stored._id }, { $set: { 'media.0.url': 'https://evil.example.com/steal' } });
      const foreign = await call(stack.url, 'GET', path, { key: ws.agent });
      assert.equal(foreign.status, 502);
      assert.equal(foreign.body.error.code, 'media_unavailable');
    });
  });

  it('when the OpenAPI document is read, then the media proxy and mediaUrls are in it', async () => {
    const doc = await call(stack.url, 'GET', '/openapi.json');
    const route = doc.body.paths['/v1/workspaces/{ws}/messages/{id}/media/{n}'];
    assert.ok(route?.get, 'the media route is documented');
    assert.ok(route.get.responses['502'] && route.get.responses['404']);
  });
});
