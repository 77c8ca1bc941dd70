import { PhoneNumber, SmsChannel } from '../db/models/numbers';
import type { WEBHOOK_STATUSES } from '../vocabulary';

/*
 * The SMS channel's reads and writes for the webhook health check. A channel is the workspace's own
 * (its `_id` is the workspace id); numbers are the platform's records, found by their own id.
 */

type WebhookState = { status: (typeof WEBHOOK_STATUSES)[number]; checkedAt: Date; detail: string };

/** Every workspace with a connected number: the webhook sweep's list (platform-wide by design). */
export async function connectedWorkspaceIds(): Promise<string[]> {
  const channels = await SmsChannel.find({ status: 'connected' }, { _id: 1 }).lean();
  return channels.map((c) => c._id);
}

export async function findChannelDoc(workspaceId: string) {
  return SmsChannel.findById(workspaceId).lean();
}

export async function findNumber(numberId: string) {
  return PhoneNumber.findById(numberId).lean();
}

/** Records a check's result on the workspace's channel, only while it is connected (to `numberId`, when given). */
export async function recordWebhookState(workspaceId: string, webhook: WebhookState, numberId?: string): Promise<void> {
  await SmsChannel.updateOne({ _id: workspaceId, ...(numberId ? { numberId } : { status: 'connected' }) }, { $set: { webhook } });
}

// ---- What the outbound sender reads (messaging/senderState.ts) ------------------------------------

/** What sending from a number uses of it: its E.164, provider account and pace (a platform record, by its own id). */
export async function senderNumberFields(numberId: string) {
  return PhoneNumber.findById(numberId, { e164: 1, accountSid: 1, throughputPerSecond: 1 }).lean();
}

/** The workspace's SMS settings as far as sending goes: connected to which number, enabled, and their revision. */
export async function sendingSettings(workspaceId: string) {
  return SmsChannel.findById(workspaceId, { status: 1, enabled: 1, numberId: 1, revision: 1 }).lean();
}
