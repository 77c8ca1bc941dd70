import assert from 'node:assert/strict';
import twilio from 'twilio';
import { ProviderError } from '../../src/provider';
import { ProviderRequestClient } from '../../src/provider/twilio-adapter';
import type { RunningSandbox } from '../../src/sandbox';
import { call, groundTruth, HANDSET, LOCAL, OTHER, PLATFORM, providerFor, startTestSandbox, TOLL_FREE, waitFor } from './helpers';

async function rejectsWith(p: Promise<unknown>, code: number | string, category?: string): Promise<ProviderError> {
  const err = await p.then(
    () => assert.fail(`expected error ${code}`),
    (e: unknown) => e,
  );
  assert.ok(err instanceof ProviderError, `not a ProviderError: ${String(err)}`);
  assert.equal(err.code, code);
  if (category) assert.equal(err.category, category);
  return err;
}

describe('sandbox REST contract (through the real twilio client)', () => {
  let sandbox: RunningSandbox;
  beforeEach(async () => {
    sandbox = await startTestSandbox({ throughput: { local: 100, toll_free: 100 } });
  });
  afterEach(() => sandbox.close());

  describe('Messages', () => {
    it('when a message is created, then it answers 201 with Twilio\'s shape', async () => {
      const res = await fetch(`${sandbox.url}/2010-04-01/Accounts/${PLATFORM.accountSid}/Messages.json`, {
        method: 'POST',
        headers: {
          authorization: 'Basic ' + Buffer.from(`${PLATFORM.accountSid}:${PLATFORM.authToken}`).toString('base64'),
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ To: HANDSET, From: LOCAL, Body: 'Hello', MediaUrl: 'https://example.com/a.png' }).toString(),
      });
      assert.equal(res.status, 201);
      const m = (await res.json()) as Record<string, unknown>;
      assert.match(String(m.sid), /^SM[0-9a-f]{32}$/);
      assert.equal(m.status, 'queued');
      assert.equal(m.num_segments, '1');
      assert.equal(m.num_media, '1');
      assert.equal(m.direction, 'outbound-api');
      assert.equal(m.account_sid, PLATFORM.accountSid);
      assert.equal(m.date_sent, null);
      assert.match(String(m.date_created), /^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} \+0000$/);
      assert.equal(m.uri, `/2010-04-01/Accounts/${PLATFORM.accountSid}/Messages/${m.sid}.json`);
    });

    it('when fetched and listed, then the client sees it, filtered by To/From/DateSent and paged by next_page_uri', async () => {
      const p = providerFor(sandbox);
      const sids: string[] = [];
      for (let i = 0; i < 7; i++) sids.push((await p.sendMessage({ from: LOCAL, to: HANDSET, body: `m${i}` })).sid);
      await p.sendMessage({ from: TOLL_FREE, to: '+14155550999', body: 'other' });
      const one = await p.fetchMessage(sids[3]);
      assert.equal(one.body, 'm3');
      // The twilio client follows next_page_uri; page size 2 forces four pages.
      const client = twilio(PLATFORM.accountSid, PLATFORM.authToken, { httpClient: new ProviderRequestClient({ baseUrl: sandbox.url }) });
      const listed = await client.messages.list({ from: LOCAL, pageSize: 2 });
      assert.deepEqual(listed.map((m) => m.sid), [...sids].reverse());
      assert.equal((await p.listMessages({ to: '+14155550999' })).length, 1);
      // DateSent filters by when each left its number's queue: wait until all seven have.
      await waitFor(async () => (await groundTruth(sandbox, `?from=${encodeURIComponent(LOCAL)}`)).every((m) => m.dateSent), 5000, 'the seven to leave the queue');
      assert.equal((await p.listMessages({ from: LOCAL, dateSentAfter: new Date(Date.now() - 60_000) })).length, 7);
      assert.equal((await p.listMessages({ from: LOCAL, dateSentAfter: new Date(Date.now() + 60_000) })).length, 0);
    });

    it('when another account asks, then it sees none of these messages (404 on fetch)', async () => {
      const sent = await providerFor(sandbox).sendMessage({ from: LOCAL, to: HANDSET, body: 'mine' });
      const other = providerFor(sandbox, OTHER);
      await rejectsWith(other.fetchMessage(sent.sid), 20404, 'permanent');
      assert.deepEqual(await other.listMessages({}), []);
    });

    it('when the sid is unknown, then 404 with code 20404', async () => {
      const err = await rejectsWith(providerFor(sandbox).fetchMessage('SM' + '0'.repeat(32)), 20404);
      assert.equal(err.httpStatus, 404);
    });

    it('when credentials are wrong, then 401 with code 20003 and Twilio\'s error body', async () => {
      const err = await rejectsWith(
        providerFor(sandbox, { accountSid: PLATFORM.accountSid, authToken: 'wrong' }).sendMessage({ from: LOCAL, to: HANDSET, body: 'x' }),
        20003,
        'permanent',
      );
      assert.equal(err.httpStatus, 401);
      const raw = await call(sandbox.url, 'GET', `/2010-04-01/Accounts/${PLATFORM.accountSid}/Messages.json`);
      assert.deepEqual(Object.keys(raw.body).sort(), ['code', 'message', 'more_info', 'status']);
    });

    it('when the request breaks a rule, then the right Twilio code comes back as a permanent error', async () => {
      const p = providerFor(sandbox);
      await rejectsWith(p.sendMessage({ from: LOCAL, to: '12345', body: 'x' }), 21211, 'permanent');
      await rejectsWith(p.sendMessage({ from: LOCAL, to: '+15550001234', body: 'x' }), 21211, 'permanent');
      await rejectsWith(p.sendMessage({ from: LOCAL, to: '+15550100999', body: 'x' }), 21614, 'permanent');
      await rejectsWith(p.sendMessage({ from: LOCAL, to: HANDSET, body: 'a'.repeat(1601) }), 21617, 'permanent');
      await rejectsWith(p.sendMessage({ from: '+19995550000', to: HANDSET, body: 'x' }), 21606, 'permanent');
      // A number of the platform is not the other account's to send from.
      await rejectsWith(providerFor(sandbox, OTHER).sendMessage({ from: LOCAL, to: HANDSET, body: 'x' }), 21606, 'permanent');
      const ok = await p.sendMessage({ from: LOCAL, to: HANDSET, body: 'a'.repeat(1600) });
      assert.equal(ok.segments, 11);
    });
  });

  describe('Numbers', () => {
    it('when searching, then the inventory answers by area code, region, contains and type', async () => {
      const p = providerFor(sandbox);
      const byArea = await p.searchNumbers({ country: 'US', type: 'local', areaCode: '415', limit: 5 });
      assert.equal(byArea.length, 5);
      assert.ok(byArea.every((n) => n.phoneNumber.startsWith('+1415') && n.region === 'CA'));
      const byRegion = await p.searchNumbers({ country: 'US', type: 'local', region: 'TX', limit: 3 });
      assert.ok(byRegion.length === 3 && byRegion.every((n) => n.locality === 'Austin'));
      const contains = await p.searchNumbers({ country: 'US', type: 'local', contains: '5551131' });
      assert.ok(contains.length > 1 && contains.every((n) => n.phoneNumber.includes('5551131')));
      const tollFree = await p.searchNumbers({ country: 'US', type: 'toll_free', limit: 10 });
      assert.ok(tollFree.length === 10 && tollFree.every((n) => /^\+18\d\d/.test(n.phoneNumber)));
      const canada = await p.searchNumbers({ country: 'CA', type: 'local', areaCode: '416', limit: 2 });
      assert.ok(canada.length === 2 && canada.every((n) => n.country === 'CA'));
      // Owned numbers are not offered.
      assert.ok(!tollFree.some((n) => n.phoneNumber === TOLL_FREE));
    });

    it('when a number is bought, updated and released, then it leaves and returns to the inventory', async () => {
      const p = providerFor(sandbox);
      const [candidate] = await p.searchNumbers({ country: 'US', type: 'local', areaCode: '312', limit: 1 });
      const bought = await p.buyNumber({ phoneNumber: candidate.phoneNumber, smsUrl: 'http://h/sms', statusCallback: 'http://h/status', friendlyName: 'ws-1' });
      assert.match(bought.sid, /^PN[0-9a-f]{32}$/);
      assert.equal(bought.smsUrl, 'http://h/sms');
      const after = await p.searchNumbers({ country: 'US', type: 'local', areaCode: '312', limit: 100 });
      assert.ok(!after.some((n) => n.phoneNumber === candidate.phoneNumber));
      await rejectsWith(p.buyNumber({ phoneNumber: candidate.phoneNumber, smsUrl: 'x', statusCallback: 'x', friendlyName: 'x' }), 21422, 'permanent');
      assert.deepEqual((await p.findNumbers({ phoneNumber: candidate.phoneNumber })).map((n) => n.sid), [bought.sid]);
      assert.deepEqual((await p.findNumbers({ friendlyName: 'ws-1' })).map((n) => n.sid), [bought.sid]);
      assert.deepEqual(await providerFor(sandbox, OTHER).findNumbers({ phoneNumber: candidate.phoneNumber }), []);
      const updated = await p.updateNumber(bought.sid, { smsUrl: 'http://h/sms2', friendlyName: 'ws-1b' });
      assert.equal(updated.smsUrl, 'http://h/sms2');
      assert.equal(updated.friendlyName, 'ws-1b');
      await p.releaseNumber(bought.sid);
      await p.releaseNumber(bought.sid); // idempotent
      assert.deepEqual(await p.findNumbers({ phoneNumber: candidate.phoneNumber }), []);
      const again = await p.searchNumbers({ country: 'US', type: 'local', areaCode: '312', limit: 100 });
      assert.ok(again.some((n) => n.phoneNumber === candidate.phoneNumber));
    });

    it('when bought by area code, then the first available number there is taken; none there → 21452', async () => {
      const p = providerFor(sandbox);
      const bought = await p.buyNumber({ areaCode: '604', smsUrl: 'http://h/s', statusCallback: 'http://h/c', friendlyName: 'van' });
      assert.ok(bought.phoneNumber.startsWith('+1604'));
      await rejectsWith(p.buyNumber({ areaCode: '999', smsUrl: 'x', statusCallback: 'x', friendlyName: 'x' }), 21452);
      const raw = await call(sandbox.url, 'DELETE', `/2010-04-01/Accounts/${PLATFORM.accountSid}/IncomingPhoneNumbers/${bought.sid}.json`);
      assert.equal(raw.status, 401);
    });
  });

  describe('/sandbox control routes', () => {
    it('when a number is seeded, then it is owned with its type; seeding again updates it; another account gets 409', async () => {
      const n = await call(sandbox.url, 'POST', '/sandbox/numbers', { phoneNumber: '12345', type: 'short_code', smsUrl: 'http://h/s' });
      assert.equal(n.status, 201);
      assert.equal(n.body.type, 'short_code');
      const again = await call(sandbox.url, 'POST', '/sandbox/numbers', { phoneNumber: '12345', type: 'short_code', smsUrl: 'http://h/t' });
      assert.equal(again.status, 200);
      assert.equal(again.body.smsUrl, 'http://h/t');
      const clash = await call(sandbox.url, 'POST', '/sandbox/numbers', { accountSid: OTHER.accountSid, phoneNumber: '12345', type: 'short_code' });
      assert.equal(clash.status, 409);
      const bad = await call(sandbox.url, 'POST', '/sandbox/numbers', { phoneNumber: 'nope', type: 'local' });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error.code, 'validation_failed');
      const sent = await providerFor(sandbox).sendMessage({ from: '12345', to: HANDSET, body: 'short code' });
      assert.equal(sent.status, 'queued');
    });

    it('when an account is added, then it can use the API with its own token', async () => {
      const created = await call<{ accountSid: string; authToken: string }>(sandbox.url, 'POST', '/sandbox/accounts', {});
      assert.equal(created.status, 201);
      const p = providerFor(sandbox, created.body);
      assert.equal((await p.searchNumbers({ country: 'US', type: 'local', limit: 1 })).length, 1);
    });

    it('when reset, then messages go and numbers stay', async () => {
      await providerFor(sandbox).sendMessage({ from: LOCAL, to: HANDSET, body: 'x' });
      assert.equal((await call(sandbox.url, 'GET', '/sandbox/messages')).body.messages.length, 1);
      assert.equal((await call(sandbox.url, 'POST', '/sandbox/reset')).status, 204);
      assert.equal((await call(sandbox.url, 'GET', '/sandbox/messages')).body.messages.length, 0);
      assert.ok((await call(sandbox.url, 'GET', '/sandbox/numbers')).body.numbers.some((n: { phoneNumber: string }) => n.phoneNumber === LOCAL));
    });

    it('when a person opens /sandbox, then a page answers', async () => {
      const res = await fetch(`${sandbox.url}/sandbox`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /html/);
      assert.match(await res.text(), /\/sandbox\/inbound/);
    });
  });
});
