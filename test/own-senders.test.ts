import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Message, PhoneNumber, ProviderAccount, SmsChannel } from '../src/db/models';
import { createTokenCipher, parseTokenKeys, tokenCipherOf } from '../src/secrets/tokenCipher';
import { resealProviderTokens } from '../src/secrets/reseal';
import { call, createTestWorkspace, PLATFORM_ACCOUNT, startStack, type Stack, type TestWorkspace } from './support/stack';
import { handsetSends, inboundForm, newMessageSid, numberAtCarrier, postWebhook, smsUrlOf } from './support/inbound';
import { eventually, getMessage, sendSms } from './outbound.support';

/*
 * A workspace's own sending identities, end to end through the API, the real twilio client and the
 * sandbox carrier: its own Twilio account (bring your own numbers) and alphanumeric sender IDs.
 */

const newAccount = () => ({ accountSid: `AC${randomBytes(16).toString('hex')}`, authToken: randomBytes(16).toString('hex') });

describe('own provider account and sender IDs', function () {
  this.timeout(60_000);
  let stack: Stack;

  before(async () => {
    stack = await startStack({ env: { WEBHOOK_HEALTH_INTERVAL_SECONDS: '0' } });
  });
  after(async () => stack?.stop());

  const api = (ws: TestWorkspace, method: string, path: string, body?: unknown, key = ws.admin) =>
    call(stack.url, method, `/v1/workspaces/${ws.id}/sms${path}`, { key, body });

  /** An account at the carrier, with its numbers (texts to them go wherever `smsUrl` says). */
  async function carrierAccount(options: { readOnlyNumbers?: boolean; numbers?: number; smsUrl?: string | null } = {}) {
    const account = newAccount();
    const made = await call(stack.sandbox.url, 'POST', '/sandbox/accounts', { body: { ...account, readOnlyNumbers: options.readOnlyNumbers } });
    assert.equal(made.status, 201);
    const numbers = [];
    for (let i = 0; i < (options.numbers ?? 2); i++) {
      numbers.push(await numberAtCarrier(stack, { accountSid: account.accountSid, smsUrl: options.smsUrl === undefined ? 'https://old-crm.example.test/sms' : options.smsUrl }));
    }
    return { ...account, numbers };
  }

  const carrierNumber = async (e164: string) =>
    ((await call(stack.sandbox.url, 'GET', '/sandbox/numbers')).body.numbers as { phoneNumber: string; smsUrl: string | null }[]).find((n) => n.phoneNumber === e164);

  describe('bring your own provider account', () => {
    it('when the auth token is wrong, then 422 provider_credentials_invalid and nothing is stored or echoed', async () => {
      const ws = await createTestWorkspace();
      const account = await carrierAccount();
      const res = await api(ws, 'PUT', '/provider-account', { accountSid: account.accountSid, authToken: 'not-the-token-at-all' });
      assert.equal(res.status, 422, JSON.stringify(res.body));
      assert.equal(res.body.error.code, 'provider_credentials_invalid');
      assert.ok(!JSON.stringify(res.body).includes('not-the-token-at-all'));
      assert.equal(await ProviderAccount.countDocuments({ _id: account.accountSid }), 0);
      assert.equal((await api(ws, 'GET', '/provider-account')).status, 404);
    });

    it('when the input is malformed, then 400 naming the field, and nothing is stored', async () => {
      const ws = await createTestWorkspace();
      for (const [body, field] of [
        [{ accountSid: 'AC123', authToken: 'long-enough-token' }, 'accountSid'],
        [{ accountSid: `AC${'z'.repeat(32)}`, authToken: 'long-enough-token' }, 'accountSid'],
        [{ accountSid: `AC${'a'.repeat(32)}`, authToken: 'short' }, 'authToken'],
        [{ accountSid: `AC${'a'.repeat(32)}`, authToken: 'long-enough-token', extra: 1 }, ''],
      ] as const) {
        const res = await api(ws, 'PUT', '/provider-account', body);
        assert.equal(res.status, 400, JSON.stringify(body));
        assert.equal(res.body.error.code, 'validation_failed');
        if (field) assert.ok(res.body.error.details.body.some((i: { path: string }) => i.path === field), JSON.stringify(res.body.error.details));
      }
      assert.equal(await ProviderAccount.countDocuments({ workspaceId: ws.id }), 0);
    });

    it('when an agent, another workspace or a workspace without the add-on asks, then 403, 404 and 402', async () => {
      const ws = await createTestWorkspace();
      const other = await createTestWorkspace();
      const off = await createTestWorkspace({ addon: false });
      const account = await carrierAccount();
      const body = { accountSid: account.accountSid, authToken: account.authToken };
      for (const [method, path] of [['GET', '/provider-account'], ['PUT', '/provider-account'], ['DELETE', '/provider-account'], ['GET', '/provider-account/numbers'], ['POST', `/provider-account/numbers/${account.numbers[0].sid}/connect`], ['GET', '/sender-ids'], ['POST', '/sender-ids']]) {
        const sent = method === 'PUT' ? body : method === 'POST' && path === '/sender-ids' ? { senderId: 'BAKARI', country: 'IS' } : undefined;
        assert.equal((await api(ws, method, path, sent, ws.agent)).status, 403, `agent ${method} ${path}`);
        assert.equal((await call(stack.url, method, `/v1/workspaces/${ws.id}/sms${path}`, { key: other.admin, body: sent })).status, 404, `other admin ${method} ${path}`);
        assert.equal((await api(off, method, path, sent)).status, 402, `no add-on ${method} ${path}`);
      }
      assert.equal(await ProviderAccount.countDocuments({ _id: account.accountSid }), 0);
    });

    it('when the admin adds the account, then the token is sealed at rest and never returned, one account per workspace, and its numbers are listed with where their texts go', async () => {
      const ws = await createTestWorkspace();
      const account = await carrierAccount();
      const res = await api(ws, 'PUT', '/provider-account', { accountSid: account.accountSid, authToken: account.authToken });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(Object.keys(res.body).sort(), ['accountSid', 'createdAt', 'updatedAt']);
      const stored = await ProviderAccount.findById(account.accountSid).lean();
      assert.ok(stored && !JSON.stringify(stored).includes(account.authToken), 'the token is not stored in clear');
      assert.match(stored!.sealedToken, /^v1\.dev\./);
      assert.equal(tokenCipherOf(stack.config).open(account.accountSid, stored!.sealedToken), account.authToken);
      // the sealed token is bound to its account
      assert.throws(() => tokenCipherOf(stack.config).open(newAccount().accountSid, stored!.sealedToken));
      const read = await api(ws, 'GET', '/provider-account');
      assert.equal(read.status, 200);
      assert.equal(read.body.accountSid, account.accountSid);
      assert.ok(!JSON.stringify(read.body).includes(account.authToken));

      // the same SID again from another workspace, or a second account here: conflicts, nothing changes
      const rival = await createTestWorkspace();
      const taken = await call(stack.url, 'PUT', `/v1/workspaces/${rival.id}/sms/provider-account`, { key: rival.admin, body: { accountSid: account.accountSid, authToken: account.authToken } });
      assert.equal(taken.status, 409);
      const second = await carrierAccount();
      assert.equal((await api(ws, 'PUT', '/provider-account', { accountSid: second.accountSid, authToken: second.authToken })).status, 409);
      assert.equal((await ProviderAccount.findById(account.accountSid).lean())!.workspaceId, ws.id);
      const platform = await api(ws, 'PUT', '/provider-account', PLATFORM_ACCOUNT);
      assert.equal(platform.status, 409, 'the platform account is not a workspace\'s own');

      // the numbers at the provider, each with where its texts go
      const listed = await api(ws, 'GET', '/provider-account/numbers');
      assert.equal(listed.status, 200);
      assert.deepEqual(
        listed.body.data.map((n: { e164: string; webhook: string; numberId: string | null }) => [n.e164, n.webhook, n.numberId]),
        account.numbers.map((n) => [n.e164, 'elsewhere', null]).sort(),
      );
    });

    it('when the admin connects one of its numbers, then its webhook points at us, texts to it reach the inbox signed with its token, and a forgery does not', async () => {
      const ws = await createTestWorkspace();
      const account = await carrierAccount();
      assert.equal((await api(ws, 'PUT', '/provider-account', { accountSid: account.accountSid, authToken: account.authToken })).status, 200);
      const [chosen] = account.numbers;
      const res = await api(ws, 'POST', `/provider-account/numbers/${chosen.sid}/connect`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      // Our SmsUrl carries the provider's retry instruction (Twilio's connection overrides).
      const ours = `${smsUrlOf(stack)}#${stack.config.INBOUND_WEBHOOK_RETRY}`;
      assert.deepEqual(res.body.webhook, { status: 'set', smsUrl: ours });
      assert.equal(res.body.channel.status, 'connected');
      assert.equal(res.body.channel.number.e164, chosen.e164);
      assert.equal(res.body.channel.number.kind, 'byo');
      assert.equal((await carrierNumber(chosen.e164))?.smsUrl, ours);
      // connecting again is harmless
      assert.equal((await api(ws, 'POST', `/provider-account/numbers/${chosen.sid}/connect`)).status, 200);
      assert.equal(await PhoneNumber.countDocuments({ e164: chosen.e164 }), 1);

      const handset = '+14155550188';
      const inbound = await handsetSends(stack, { from: handset, to: chosen.e164, body: 'Reply to my own number' });
      assert.equal(inbound.responseStatus, 200, JSON.stringify(inbound));
      const stored = await Message.findOne({ workspaceId: ws.id, body: 'Reply to my own number' }).lean();
      assert.equal(stored?.direction, 'inbound');
      // signed with the platform's token instead of the account's: refused, nothing stored
      const forged = inboundForm({ sid: newMessageSid(), accountSid: account.accountSid, from: handset, to: chosen.e164, body: 'forged' });
      assert.equal((await postWebhook(stack, forged, PLATFORM_ACCOUNT.authToken)).status, 403);
      assert.equal(await Message.countDocuments({ workspaceId: ws.id, body: 'forged' }), 0);

      // a number this platform already has under another owner: 409, and nothing changes at the provider
      const [, clash] = account.numbers;
      await PhoneNumber.create({ _id: `num_clash_${randomBytes(4).toString('hex')}`, e164: clash.e164, kind: 'shared', type: 'local', country: 'US', throughputPerSecond: 1, accountSid: PLATFORM_ACCOUNT.accountSid });
      assert.equal((await api(ws, 'POST', `/provider-account/numbers/${clash.sid}/connect`)).status, 409);
      assert.equal((await carrierNumber(clash.e164))?.smsUrl, 'https://old-crm.example.test/sms');
      assert.equal((await call(stack.url, 'GET', `/v1/workspaces/${ws.id}/sms`, { key: ws.admin })).body.number.e164, chosen.e164);
      assert.equal((await api(ws, 'POST', `/provider-account/numbers/PN${'0'.repeat(32)}/connect`)).status, 404);
      assert.equal((await api(ws, 'POST', '/provider-account/numbers/not-a-sid/connect')).status, 400);
    });

    it('when the account may not change its numbers, then the number connects and the answer gives the exact URL and steps', async () => {
      const ws = await createTestWorkspace();
      const account = await carrierAccount({ readOnlyNumbers: true, numbers: 1 });
      assert.equal((await api(ws, 'PUT', '/provider-account', { accountSid: account.accountSid, authToken: account.authToken })).status, 200);
      const res = await api(ws, 'POST', `/provider-account/numbers/${account.numbers[0].sid}/connect`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.webhook.status, 'manual');
      const ours = `${smsUrlOf(stack)}#${stack.config.INBOUND_WEBHOOK_RETRY}`;
      assert.equal(res.body.webhook.smsUrl, ours);
      assert.equal(res.body.webhook.method, 'POST');
      assert.ok(res.body.webhook.steps.some((s: string) => s.includes(ours)));
      assert.ok(res.body.webhook.steps.some((s: string) => s.includes(account.numbers[0].e164)));
      assert.equal((await carrierNumber(account.numbers[0].e164))?.smsUrl, 'https://old-crm.example.test/sms');
      assert.equal(res.body.channel.status, 'connected');
    });

    it('when the admin replaces the token, then the new one is sealed; when the account is removed, its numbers disconnect and their old webhooks come back', async () => {
      const ws = await createTestWorkspace();
      const account = await carrierAccount();
      assert.equal((await api(ws, 'PUT', '/provider-account', { accountSid: account.accountSid, authToken: account.authToken })).status, 200);
      // the customer rotates the token at the provider, then here
      const rotated = randomBytes(16).toString('hex');
      assert.equal((await call(stack.sandbox.url, 'POST', '/sandbox/accounts', { body: { accountSid: account.accountSid, authToken: rotated } })).status, 201);
      assert.equal((await api(ws, 'GET', '/provider-account/numbers')).status, 422, 'the old token no longer works');
      assert.equal((await api(ws, 'PUT', '/provider-account', { accountSid: account.accountSid, authToken: rotated })).status, 200);
      assert.equal(tokenCipherOf(stack.config).open(account.accountSid, (await ProviderAccount.findById(account.accountSid).lean())!.sealedToken), rotated);

      const [chosen, other] = account.numbers;
      assert.equal((await api(ws, 'POST', `/provider-account/numbers/${chosen.sid}/connect`)).status, 200);
      assert.ok((await call(stack.url, 'GET', `/v1/workspaces/${ws.id}/sms/numbers`, { key: ws.admin })).body.data.some((n: { e164: string }) => n.e164 === chosen.e164));

      const removed = await api(ws, 'DELETE', '/provider-account');
      assert.equal(removed.status, 200, JSON.stringify(removed.body));
      assert.deepEqual(removed.body, { accountSid: account.accountSid, removedNumbers: [chosen.e164], channelDisconnected: true, webhooksNotRestored: [] });
      const channel = await call(stack.url, 'GET', `/v1/workspaces/${ws.id}/sms`, { key: ws.admin });
      assert.equal(channel.body.status, 'disconnected');
      assert.equal(channel.body.number, null);
      assert.equal((await SmsChannel.findById(ws.id).lean())?.numberId, undefined);
      assert.ok(!(await call(stack.url, 'GET', `/v1/workspaces/${ws.id}/sms/numbers`, { key: ws.admin })).body.data.some((n: { e164: string }) => n.e164 === chosen.e164));
      assert.equal(await PhoneNumber.countDocuments({ accountSid: account.accountSid }), 0);
      assert.equal(await ProviderAccount.countDocuments({ _id: account.accountSid }), 0);
      assert.equal((await carrierNumber(chosen.e164))?.smsUrl, 'https://old-crm.example.test/sms', 'the webhook we set is put back');
      assert.equal((await carrierNumber(other.e164))?.smsUrl, 'https://old-crm.example.test/sms', 'a number we never touched stays as it was');
      assert.equal((await api(ws, 'DELETE', '/provider-account')).status, 404);
    });

    it('when the encryption key is rotated, then resealing moves every token to the new key and the old key can go', async () => {
      const ws = await createTestWorkspace();
      const account = await carrierAccount({ numbers: 0 });
      assert.equal((await api(ws, 'PUT', '/provider-account', { accountSid: account.accountSid, authToken: account.authToken })).status, 200);
      const oldKeys = 'dev:' + Buffer.from('sms-channel development key!!!!!').toString('base64');
      const newKey = `k2:${randomBytes(32).toString('base64')}`;
      const both = createTokenCipher(parseTokenKeys(`${newKey},${oldKeys}`));
      assert.ok((await resealProviderTokens(both)) >= 1);
      const sealed = (await ProviderAccount.findById(account.accountSid).lean())!.sealedToken;
      assert.match(sealed, /^v1\.k2\./);
      assert.equal(createTokenCipher(parseTokenKeys(newKey)).open(account.accountSid, sealed), account.authToken);
      assert.equal(await resealProviderTokens(both), 0, 'nothing left to reseal');
      // put the development key back for the rest of the suite's workspaces
      const dev = tokenCipherOf(stack.config);
      await ProviderAccount.updateOne({ _id: account.accountSid }, { $set: { sealedToken: dev.seal(account.accountSid, account.authToken) } });
    });

    it('when PROVIDER_TOKEN_KEYS is malformed, or missing in production, then the process refuses to start', () => {
      assert.throws(() => parseTokenKeys('k1:' + Buffer.alloc(16).toString('base64')), /32 bytes/);
      assert.throws(() => parseTokenKeys(`k1:${randomBytes(32).toString('base64')},k1:${randomBytes(32).toString('base64')}`), /differ/);
      assert.throws(() => tokenCipherOf({ NODE_ENV: 'production' }), /PROVIDER_TOKEN_KEYS is required in production/);
    });
  });

  describe('alphanumeric sender IDs', () => {
    it('when the sender ID or its country is not allowed, then 400 naming the field and nothing is registered', async () => {
      const ws = await createTestWorkspace();
      for (const [body, field] of [
        [{ senderId: 'TOOLONGSENDER', country: 'IS' }, 'senderId'],
        [{ senderId: '12345', country: 'IS' }, 'senderId'],
        [{ senderId: 'BAKARI!', country: 'IS' }, 'senderId'],
        [{ senderId: 'BAKARI', country: 'US' }, 'country'],
        [{ senderId: 'BAKARI', country: 'XX' }, 'country'],
      ] as const) {
        const res = await api(ws, 'POST', '/sender-ids', body);
        assert.equal(res.status, 400, JSON.stringify(body));
        assert.ok(res.body.error.details.body.some((i: { path: string }) => i.path === field), JSON.stringify(res.body.error.details));
      }
      assert.equal(await PhoneNumber.countDocuments({ ownerWorkspaceId: ws.id }), 0);
    });

    it('when the admin registers one, then it is at the provider, joins the dropdown, sends where allowed, and nobody can reply to it', async () => {
      const ws = await createTestWorkspace();
      const senderId = `B${randomBytes(3).toString('hex').toUpperCase()}`;
      const res = await api(ws, 'POST', '/sender-ids', { senderId, country: 'is' });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.deepEqual({ e164: res.body.e164, type: res.body.type, kind: res.body.kind, country: res.body.country }, { e164: senderId, type: 'alphanumeric', kind: 'custom', country: 'IS' });
      // registered on the platform account's Messaging Service, at the carrier
      const auth = `Basic ${Buffer.from(`${PLATFORM_ACCOUNT.accountSid}:${PLATFORM_ACCOUNT.authToken}`).toString('base64')}`;
      const services = (await call(stack.sandbox.url, 'GET', '/v1/Services', { headers: { authorization: auth } })).body.services;
      const alpha = (await call(stack.sandbox.url, 'GET', `/v1/Services/${services[0].sid}/AlphaSenders`, { headers: { authorization: auth } })).body.alpha_senders;
      assert.ok(alpha.some((a: { alpha_sender: string }) => a.alpha_sender === senderId));
      // asking again is harmless; another workspace cannot have it
      assert.equal((await api(ws, 'POST', '/sender-ids', { senderId, country: 'IS' })).body.id, res.body.id);
      const rival = await createTestWorkspace();
      assert.equal((await api(rival, 'POST', '/sender-ids', { senderId, country: 'IS' })).status, 409);
      assert.deepEqual((await api(ws, 'GET', '/sender-ids')).body.data.map((n: { e164: string }) => n.e164), [senderId]);

      const offered = (await api(ws, 'GET', '/numbers')).body.data;
      assert.ok(offered.some((n: { id: string }) => n.id === res.body.id));
      assert.equal((await api(ws, 'PUT', '', { numberId: res.body.id })).status, 200);

      const sent = await sendSms(stack, ws, '+3546123456', 'Kakan er tilbúin');
      assert.equal(sent.status, 202, JSON.stringify(sent.body));
      const delivered = await eventually('delivery', async () => {
        const m = await getMessage(stack, ws, sent.body.id);
        return m.status === 'delivered' && m;
      });
      assert.equal(delivered.from, senderId);
      const atCarrier = (await call(stack.sandbox.url, 'GET', `/sandbox/messages?to=${encodeURIComponent('+3546123456')}`)).body.messages;
      assert.ok(atCarrier.some((m: { from: string; body: string }) => m.from === senderId && m.body === 'Kakan er tilbúin'));

      // towards a country that refuses sender IDs (+1 here), the provider says no and the message fails saying why
      const refused = await sendSms(stack, ws, '+14155550199', 'Hello America');
      assert.equal(refused.status, 202, JSON.stringify(refused.body));
      const failed = await eventually('the refusal', async () => {
        const m = await getMessage(stack, ws, refused.body.id);
        return m.status === 'failed' && m;
      });
      assert.equal(String(failed.errorCode), '21612');
      assert.match(failed.errorMessage, /alphanumeric sender IDs/);

      // no webhook to check for a sender ID
      const check = await api(ws, 'POST', '/webhook-check');
      assert.equal(check.status, 409, JSON.stringify(check.body));
      assert.match(check.body.error.message, /sender ID/);
      // the handset cannot text a sender ID back
      const reply = await call(stack.sandbox.url, 'POST', '/sandbox/inbound', { body: { from: '+3546123456', to: senderId, body: 'Takk!' } });
      assert.equal(reply.status, 404, JSON.stringify(reply.body));
      assert.equal(await Message.countDocuments({ workspaceId: ws.id, direction: 'inbound' }), 0);
    });
  });
});
