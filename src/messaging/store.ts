import { Contact, Message, type StoredMessage } from '../db/models/inbox';
import type { Scope } from '../db/scope';

/*
 * Outbound messages' reads and writes, of two kinds:
 * - One workspace's (sending, reading, cancelling, a message's media): the workspace id is a
 *   required argument and stands in the filter beside the `_id`, so another workspace's message is
 *   simply not found. An `_id` beside other conditions is still an index search on FerretDB
 *   (scripts/ferretdb/03-id-pushdown.patch).
 * - Platform-wide by design: the sender of a number sends the batches of every workspace that queued
 *   on it, and the provider's status callbacks name a message id and a sid, never a workspace. These
 *   find a message by its own id (or provider sid): their names say `ById` / `ByIds`, or they take
 *   `PLATFORM_WIDE` as their scope, so every call says which it is.
 *
 * The per-message writes use the driver (`Message.collection`): they run once or more per message
 * and callback, their filters and updates are built from known types, and mongoose's document and
 * casting machinery cost more than the rest of the accept (issue 11's profiles).
 */

export type { StoredMessage };

/** Whose message a write may reach: one workspace's, or (the sender, the callbacks) any. */
export type MessageScope = Scope;

const byId = (scope: MessageScope, messageId: string): Record<string, unknown> =>
  'workspaceId' in scope ? { _id: messageId, workspaceId: scope.workspaceId } : { _id: messageId };

// ---- one workspace's messages ------------------------------------------------------------------

export async function findMessage(workspaceId: string, messageId: string): Promise<StoredMessage | null> {
  return Message.findOne({ _id: messageId, workspaceId }).lean();
}

/** What serving a message's media needs: its direction, the number it was sent to, its media. */
export async function findMessageMedia(workspaceId: string, messageId: string) {
  return Message.findOne({ _id: messageId, workspaceId }, { direction: 1, to: 1, media: 1 }).lean();
}

/**
 * Stores a message the accept built; the workspace is the document's own `workspaceId`. The
 * driver's insert: every field is built from input validated at the edge. A second insert under
 * the same id or Idempotency-Key throws a duplicate-key error.
 */
export async function insertMessage(message: StoredMessage): Promise<void> {
  await Message.collection.insertOne(message as never);
}

/** Moves the message to another thread of its contact (the one it was placed in after the insert). */
export async function moveMessageToThread(workspaceId: string, messageId: string, conversationId: string): Promise<void> {
  await Message.updateOne({ _id: messageId, workspaceId }, { $set: { conversationId } });
}

// ---- status changes (messaging/status.ts holds their rules) ------------------------------------

/** One conditional update of a message; `matchedCount` / `modifiedCount` say whether it applied. */
export function updateMessageIf(scope: MessageScope, messageId: string, condition: Record<string, unknown>, update: Record<string, unknown>) {
  return Message.collection.updateOne({ ...byId(scope, messageId), ...condition }, update);
}

// ---- the sender's batches and final-status checks: platform-wide, by message id -----------------

export type ClaimedMessage = Pick<StoredMessage, '_id' | 'to' | 'body' | 'media' | 'validUntil' | 'sendAttemptAt'>;
const CLAIMED_FIELDS = { to: 1, body: 1, media: 1, validUntil: 1, sendAttemptAt: 1 };

/**
 * Takes the right to create the message at the provider: only while it has not left (rank 0:
 * accepted or scheduled) and its last attempt (if any) is `previous`. One conditional update, so a
 * zombie worker and its replacement never both create it; it records the attempt and the number it
 * goes from. The whole document comes back: FerretDB 1.24 refuses a projection on findAndModify.
 */
export function claimMessageById(messageId: string, number: { _id: string; e164: string }, previous: Date | undefined): Promise<ClaimedMessage | null> {
  const now = new Date();
  return Message.collection.findOneAndUpdate(
    { _id: messageId as never, statusRank: 0, sendAttemptAt: previous ?? { $exists: false } },
    { $set: { sendAttemptAt: now, from: number.e164, senderNumberId: number._id, updatedAt: now }, $inc: { sendAttempts: 1 } },
    { returnDocument: 'after' },
  ) as Promise<ClaimedMessage | null>;
}

/** A message that could not be claimed, as far as deciding why: its attempt, sender, rank and sid. */
export async function sendStateById(messageId: string) {
  return Message.findById(messageId, { ...CLAIMED_FIELDS, from: 1, statusRank: 1, providerSid: 1 }).lean();
}

/** Forgets an attempt the provider answered without creating anything, so the next try needs no lookup. */
export async function forgetAttemptById(messageId: string, attemptAt: Date): Promise<void> {
  await Message.updateOne({ _id: messageId, sendAttemptAt: attemptAt }, { $unset: { sendAttemptAt: 1 } });
}

/** Whether another message of ours already holds this provider sid (unique across the platform). */
export async function sidHeldByAnother(sid: string, messageId: string): Promise<boolean> {
  return (await Message.exists({ providerSid: sid, _id: { $ne: messageId } })) !== null;
}

/** Of these messages, those without a final status yet (rank below 4), with what asking the provider needs. */
export async function unfinishedByIds(messageIds: string[]) {
  return Message.find({ _id: { $in: messageIds }, statusRank: { $lt: 4 } }, { providerSid: 1, from: 1, senderNumberId: 1 }).lean();
}

/**
 * Of these contacts, the ids of those opted out. By id alone: a contact's id is made from its
 * workspace and address (inbox/threads.ts `contactIdFor`), so it names its workspace.
 */
export async function optedOutContactIds(contactIds: string[]): Promise<Set<string>> {
  const found = await Contact.find({ _id: { $in: contactIds }, optedOut: true }, { _id: 1 }).lean();
  return new Set(found.map((c) => c._id));
}
