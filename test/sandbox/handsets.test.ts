import assert from 'node:assert/strict';
import twilio from 'twilio';
import type { RunningSandbox } from '../../src/sandbox';
import { ProviderError } from '../../src/provider';
import { call, groundTruth, HANDSET, LOCAL, PLATFORM, providerFor, startReceiver, startTestSandbox, waitFor, type Receiver } from './helpers';

describe('sandbox handsets', () => {
  let sandbox: RunningSandbox;
  let receiver: Receiver;
  beforeEach(async () => {
    receiver = await startReceiver();
    sandbox = await startTestSandbox({ throughput: { local: 50 } });
  });
  afterEach(async () => {
    await sandbox.close();
    await receiver.close();
  });

  const pointWebhook = (smsUrl: string | null) => call(sandbox.url, 'POST', '/sandbox/numbers', { phoneNumber: LOCAL, type: 'local', smsUrl });
  const inbound = (body: string, extra: object = {}) => call(sandbox.url, 'POST', '/sandbox/inbound', { from: HANDSET, to: LOCAL, body, ...extra });

  it('when a handset texts our number, then the webhook arrives signed with Twilio\'s parameters', async () => {
    await pointWebhook(`${receiver.url}/webhooks/twilio/sms?ws=abc`);
    const res = await inbound('Hello there', { media: [{ url: 'https://example.com/p.jpg', contentType: 'image/jpeg' }] });
    assert.equal(res.status, 200);
    assert.equal(res.body.delivered, true);
    assert.equal(res.body.attempts, 1);
    assert.equal(res.body.responseStatus, 200);
    const [r] = receiver.received;
    assert.equal(r.url, `${receiver.url}/webhooks/twilio/sms?ws=abc`);
    assert.equal(r.params.MessageSid, res.body.sid);
    assert.equal(r.params.SmsMessageSid, res.body.sid);
    assert.equal(r.params.AccountSid, PLATFORM.accountSid);
    assert.equal(r.params.From, HANDSET);
    assert.equal(r.params.To, LOCAL);
    assert.equal(r.params.Body, 'Hello there');
    assert.equal(r.params.NumMedia, '1');
    assert.equal(r.params.NumSegments, '1');
    assert.equal(r.params.MediaUrl0, 'https://example.com/p.jpg');
    assert.equal(r.params.MediaContentType0, 'image/jpeg');
    assert.equal(r.params.MessagingServiceSid, undefined);
    assert.ok(twilio.validateRequest(PLATFORM.authToken, r.signature!, r.url, r.params));
    assert.ok(!twilio.validateRequest(PLATFORM.authToken, r.signature!, r.url, { ...r.params, Body: 'Hello therE' }));
    assert.ok(providerFor(sandbox).validateSignature({ authToken: PLATFORM.authToken, signature: r.signature!, url: r.url, params: r.params }));
    const [truth] = await groundTruth(sandbox, '?direction=inbound');
    assert.equal(truth.sid, res.body.sid);
    assert.equal(truth.status, 'received');
  });

  it('when the webhook answers TwiML <Message>, then the reply reaches the handset', async () => {
    await pointWebhook(`${receiver.url}/sms`);
    receiver.answer = () => ({ status: 200, body: '<?xml version="1.0"?><Response><Message>Thanks &amp; welcome</Message></Response>' });
    const res = await inbound('hi');
    assert.equal(res.body.replies.length, 1);
    const got = await waitFor(async () => {
      const inbox = (await call(sandbox.url, 'GET', `/sandbox/handsets/${encodeURIComponent(HANDSET)}/messages`)).body.messages;
      return inbox.length === 1 && inbox;
    }, 10_000, 'the reply in the handset’s inbox');
    assert.equal(got[0].body, 'Thanks & welcome');
    assert.equal(got[0].from, LOCAL);
    assert.equal(got[0].sid, res.body.replies[0]);
  });

  it('when the handset texts STOP, then the carrier replies, still forwards it, and refuses sends with 21610 until START', async () => {
    await pointWebhook(`${receiver.url}/sms`);
    const p = providerFor(sandbox);
    const stop = await inbound('  stop ');
    assert.equal(stop.body.delivered, true);
    assert.match(stop.body.autoReply, /unsubscribed/);
    assert.equal(receiver.received[0].params.Body, '  stop ');
    const err = await p.sendMessage({ from: LOCAL, to: HANDSET, body: 'promo' }).catch((e: unknown) => e);
    assert.ok(err instanceof ProviderError);
    assert.equal(err.code, 21610);
    assert.equal(err.category, 'permanent');
    assert.equal(err.sentence, 'The recipient replied STOP; they must text START before you can message them again.');
    // Not a keyword when it is not the whole message.
    await inbound('please stop calling');
    await assert.rejects(p.sendMessage({ from: LOCAL, to: HANDSET, body: 'x' }), (e: ProviderError) => e.code === 21610);
    const start = await inbound('Start');
    assert.match(start.body.autoReply, /re-subscribed/);
    assert.equal((await p.sendMessage({ from: LOCAL, to: HANDSET, body: 'welcome back' })).status, 'queued');
    const inbox = (await call(sandbox.url, 'GET', `/sandbox/handsets/${encodeURIComponent(HANDSET)}/messages`)).body.messages;
    assert.ok(inbox.some((m: { body: string }) => /unsubscribed/.test(m.body)));
  });

  it('when STOP synonyms arrive, then each blocks the sender', async () => {
    for (const word of ['STOPALL', 'unsubscribe', 'CANCEL', 'end', 'QUIT', 'revoke', 'OPTOUT']) {
      await inbound(word);
      await assert.rejects(providerFor(sandbox).sendMessage({ from: LOCAL, to: HANDSET, body: 'x' }), (e: ProviderError) => e.code === 21610, word);
      await inbound('UNSTOP');
    }
  });

  it('when the SmsUrl has a retry fragment, then failed deliveries are retried, and the fragment is not signed', async () => {
    await pointWebhook(`${receiver.url}/sms#rc=3&rp=5xx&ct=1000&rt=2000`);
    let n = 0;
    receiver.answer = () => (++n <= 2 ? { status: 500 } : { status: 200, body: '<Response/>' });
    const res = await inbound('retry me');
    assert.equal(res.body.delivered, true);
    assert.equal(res.body.attempts, 3);
    assert.equal(receiver.received.length, 3);
    for (const r of receiver.received) {
      assert.equal(r.url, `${receiver.url}/sms`);
      assert.ok(twilio.validateRequest(PLATFORM.authToken, r.signature!, r.url, r.params));
    }
  });

  it('when the SmsUrl has no retry fragment or the policy does not match, then a failure is not retried', async () => {
    receiver.answer = () => ({ status: 500 });
    await pointWebhook(`${receiver.url}/sms`);
    assert.deepEqual([(await inbound('a')).body.attempts, (await inbound('a')).body.delivered], [1, false]);
    await pointWebhook(`${receiver.url}/sms#rc=2&rp=4xx`);
    assert.equal((await inbound('b')).body.attempts, 1);
    receiver.answer = () => ({ status: 404 });
    const four = await inbound('c');
    assert.deepEqual([four.body.attempts, four.body.responseStatus], [3, 404]);
  });

  it('when the endpoint is unreachable, then the connect failure is reported and retried under rp=ct', async () => {
    await pointWebhook('http://127.0.0.1:1/sms#rc=2&rp=ct&ct=500');
    const res = await inbound('anyone?');
    assert.equal(res.body.delivered, false);
    assert.equal(res.body.attempts, 3);
    assert.match(res.body.failure, /^connect/);
  });

  it('when the input is bad or the number unknown, then 400 / 404 JSON', async () => {
    const bad = await call(sandbox.url, 'POST', '/sandbox/inbound', { from: HANDSET });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'validation_failed');
    const unknown = await call(sandbox.url, 'POST', '/sandbox/inbound', { from: HANDSET, to: '+19998887777', body: 'x' });
    assert.equal(unknown.status, 404);
  });
});
