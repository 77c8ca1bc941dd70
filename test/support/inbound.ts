import { randomBytes } from 'node:crypto';
import { tokenCipherOf } from '../../src/secrets/tokenCipher';
import { PhoneNumber, ProviderAccount } from '../../src/db/models';
import { newId } from '../../src/db/ids';
import { signTwilioRequest } from '../../src/sandbox';
import type { InboundResult } from '../../src/sandbox/handsets';
import type { HandsetMedia } from '../../src/sandbox/media';
import { call, PLATFORM_ACCOUNT, type Stack } from './stack';

/** Helpers for tests of inbound messages: numbers that exist at the sandbox carrier and in our database. */

/** A valid North American number (the exchange starts with 2–9), random enough not to collide. */
export const randomE164 = (prefix = '+1415') => `${prefix}${2 + (randomBytes(1)[0] % 8)}${String(randomBytes(4).readUInt32BE() % 1_000_000).padStart(6, '0')}`;

export const smsUrlOf = (stack: Stack) => `${stack.config.PUBLIC_URL}/webhooks/twilio/sms`;
export const statusUrlOf = (stack: Stack) => `${stack.config.PUBLIC_URL}/webhooks/twilio/status`;

async function sandboxPost<T>(stack: Stack, path: string, body: unknown): Promise<T> {
  const res = await call<T>(stack.sandbox.url, 'POST', path, { body });
  if (res.status >= 300) throw new Error(`sandbox ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** A number owned at the carrier (by the platform unless an account is given) with its webhooks set as given. */
export async function numberAtCarrier(
  stack: Stack,
  options: { accountSid?: string; smsUrl?: string | null; statusCallback?: string | null; e164?: string } = {},
): Promise<{ e164: string; sid: string }> {
  const e164 = options.e164 ?? randomE164();
  const n = await sandboxPost<{ sid: string }>(stack, '/sandbox/numbers', {
    phoneNumber: e164,
    type: 'local',
    accountSid: options.accountSid ?? PLATFORM_ACCOUNT.accountSid,
    smsUrl: options.smsUrl === undefined ? smsUrlOf(stack) : options.smsUrl,
    statusCallback: options.statusCallback === undefined ? statusUrlOf(stack) : options.statusCallback,
  });
  return { e164, sid: n.sid };
}

/** A shared-pool number at the carrier and in our pool. */
export async function sharedNumber(stack: Stack, options: { smsUrl?: string | null; statusCallback?: string | null } = {}) {
  const { e164, sid } = await numberAtCarrier(stack, options);
  const doc = await PhoneNumber.create({
    _id: newId('num'),
    e164,
    kind: 'shared',
    type: 'local',
    country: 'US',
    throughputPerSecond: 10,
    accountSid: PLATFORM_ACCOUNT.accountSid,
    providerSid: sid,
  });
  return { id: doc._id, e164, sid };
}

/** A bring-your-own number: the workspace's own provider account (its token in ProviderAccount) owns it at the carrier. */
export async function byoNumber(
  stack: Stack,
  workspaceId: string,
  account: { accountSid: string; authToken: string },
  options: { smsUrl?: string | null; statusCallback?: string | null; storedToken?: string } = {},
) {
  const { e164, sid } = await numberAtCarrier(stack, { ...options, accountSid: account.accountSid });
  await ProviderAccount.updateOne(
    { _id: account.accountSid },
    { $set: { workspaceId, sealedToken: tokenCipherOf(stack.config).seal(account.accountSid, options.storedToken ?? account.authToken) }, $setOnInsert: { createdAt: new Date() } },
    { upsert: true },
  );
  const doc = await PhoneNumber.create({
    _id: newId('num'),
    e164,
    kind: 'byo',
    type: 'local',
    country: 'US',
    throughputPerSecond: 1,
    accountSid: account.accountSid,
    providerSid: sid,
    ownerWorkspaceId: workspaceId,
  });
  return { id: doc._id, e164, sid };
}

export async function connectNumber(stack: Stack, ws: { id: string; admin: string }, numberId: string): Promise<void> {
  const res = await call(stack.url, 'PUT', `/v1/workspaces/${ws.id}/sms`, { key: ws.admin, body: { numberId } });
  if (res.status !== 200) throw new Error(`connect: ${res.status} ${JSON.stringify(res.body)}`);
}

/** A handset texts one of our numbers: the sandbox posts the real, signed webhook and reports our answer. */
export function handsetSends(stack: Stack, input: { from: string; to: string; body: string; media?: HandsetMedia[] }) {
  return sandboxPost<InboundResult>(stack, '/sandbox/inbound', input);
}

/** The webhook form Twilio posts for an inbound text (as the sandbox builds it). */
export function inboundForm(input: { sid: string; accountSid: string; from: string; to: string; body: string; segments?: number }): Record<string, string> {
  return {
    MessageSid: input.sid,
    SmsSid: input.sid,
    SmsMessageSid: input.sid,
    AccountSid: input.accountSid,
    From: input.from,
    To: input.to,
    Body: input.body,
    NumMedia: '0',
    NumSegments: String(input.segments ?? 1),
    SmsStatus: 'received',
    ApiVersion: '2010-04-01',
  };
}

/** Posts a webhook form ourselves (a provider retry, a replay or a forgery), signed with `token` unless null. */
/** `url` is the URL signed (the public one by default); `api` the API process that receives it (the stack's by default). */
export async function postWebhook(stack: Stack, form: Record<string, string>, token: string | null, options: { url?: string; api?: string } = {}) {
  const url = options.url ?? smsUrlOf(stack);
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (token !== null) headers['x-twilio-signature'] = signTwilioRequest(token, url, form);
  const res = await fetch(`${options.api ?? stack.url}/webhooks/twilio/sms`, { method: 'POST', headers, body: new URLSearchParams(form).toString() });
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', text: await res.text() };
}

export const newMessageSid = () => `SM${randomBytes(16).toString('hex')}`;
