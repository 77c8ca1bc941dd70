import { randomBytes } from 'node:crypto';
import { PhoneNumber } from '../src/db/models';
import { newId } from '../src/db/ids';
import { call, createTestWorkspace, PLATFORM_ACCOUNT, type ApiResponse, type Stack, type TestWorkspace } from './support/stack';
import { eventually } from './support/eventually';
import { senderViewQuery, senderWorkflowId, type SenderView } from '../src/temporal/sender';

export { eventually };

/** Helpers shared by the outbound-message test files (test/outbound*.test.ts). */

export interface CarrierMessage {
  sid: string;
  direction: string;
  from: string;
  to: string;
  body: string;
  segments: number;
  status: string;
  errorCode: number | null;
  dateCreated: string;
  dateSent: string | null;
}

const digits = (n: number) => String(randomBytes(4).readUInt32BE() % 10 ** n).padStart(n, '0');
/** A valid US mobile-looking number nobody else in the run uses. */
export const randomRecipient = (areaCode = '415') => `+1${areaCode}${2 + (randomBytes(1)[0] % 8)}${digits(6)}`;

/** A shared number of ours that exists at the carrier too (seeded through the sandbox's control API with the same throughput). */
export async function seedNumber(stack: Stack, options: { rate?: number; type?: 'local' | 'toll_free' | 'short_code' } = {}) {
  const type = options.type ?? 'local';
  const rate = options.rate ?? 1;
  const e164 = randomRecipient('628');
  const seeded = await call(stack.sandbox.url, 'POST', '/sandbox/numbers', { body: { phoneNumber: e164, type, throughput: rate } });
  if (seeded.status !== 201) throw new Error(`sandbox refused the number: ${JSON.stringify(seeded.body)}`);
  const number = await PhoneNumber.create({
    _id: newId('num'),
    e164,
    kind: 'shared',
    type,
    country: 'US',
    throughputPerSecond: rate,
    accountSid: PLATFORM_ACCOUNT.accountSid,
    providerSid: seeded.body.sid,
  });
  return { id: number._id, e164 };
}

/** A workspace with the add-on, connected to a fresh shared number (see seedNumber). */
export async function connectedWorkspace(stack: Stack, options: { rate?: number; type?: 'local' | 'toll_free' | 'short_code' } = {}) {
  const number = await seedNumber(stack, options);
  const ws = await createTestWorkspace();
  const put = await call(stack.url, 'PUT', `/v1/workspaces/${ws.id}/sms`, { key: ws.admin, body: { numberId: number.id } });
  if (put.status !== 200) throw new Error(`connect failed: ${JSON.stringify(put.body)}`);
  return { ws, number };
}

export function sendSms(stack: Stack, ws: TestWorkspace, to: string, body: string, idempotencyKey?: string): Promise<ApiResponse> {
  return call(stack.url, 'POST', `/v1/workspaces/${ws.id}/messages`, {
    key: ws.agent,
    body: { channel: 'sms', to, body },
    ...(idempotencyKey && { headers: { 'idempotency-key': idempotencyKey } }),
  });
}

export async function getMessage(stack: Stack, ws: TestWorkspace, id: string) {
  return (await call(stack.url, 'GET', `/v1/workspaces/${ws.id}/messages/${id}`, { key: ws.agent })).body;
}

/** What the carrier accepted from a sender: the ground truth for exactly-once checks. */
export async function carrierMessages(stack: Stack, from: string): Promise<CarrierMessage[]> {
  const res = await call(stack.sandbox.url, 'GET', `/sandbox/messages?from=${encodeURIComponent(from)}`);
  return (res.body.messages as CarrierMessage[]).filter((m) => m.direction === 'outbound-api');
}

/** Waits until every message reached one of `statuses` and returns their views (on time-out, says where each one is). */
export async function settle(stack: Stack, ws: TestWorkspace, ids: string[], statuses: string[], timeoutMs = 30_000) {
  let last: Array<{ status: string }> = [];
  return eventually(
    () => `messages to reach ${statuses.join('/')}; statuses: ${last.map((v) => v.status).join(', ')}`,
    async () => {
      const views = await Promise.all(ids.map((id) => getMessage(stack, ws, id)));
      last = views;
      return views.every((v) => statuses.includes(v.status)) && views;
    },
    timeoutMs,
    200,
  );
}

/**
 * The number's sender between batches: no batch running (a cancelled one has stopped), and every
 * signal sent to it so far taken in (a query is answered after the signals that came before it).
 * Its view then, or false. From then on only another signal (a message, a settings change) or a
 * timer of its own makes it send.
 */
export async function senderBetweenBatches(stack: Stack, numberId: string): Promise<SenderView | false> {
  const sender = stack.temporal.workflow.getHandle(senderWorkflowId(numberId));
  const view = await sender.query(senderViewQuery);
  const batches = ((await sender.describe()).raw.pendingActivities ?? []).filter((a) => a.activityType?.name === 'sendDue');
  return batches.length === 0 && view;
}

/** Every body the carrier accepted exactly once. */
export function countByBody(messages: CarrierMessage[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of messages) counts.set(m.body, (counts.get(m.body) ?? 0) + 1);
  return counts;
}
