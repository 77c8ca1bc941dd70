import { Message } from '../db/models';
import { type Channel, type MessageStatus } from '../vocabulary';
import { newId } from '../db/ids';
import { touchConversation } from './threads';
import { isDuplicateKeyError } from '../db/errors';

export interface OutgoingEntry {
  workspaceId: string;
  conversationId: string;
  channel: Channel;
  from: string;
  to: string;
  body: string;
  status: MessageStatus;
  /** Unique per workspace: the same reply recorded twice (a webhook retry) is stored once. Absent: the message id. */
  idempotencyKey?: string;
  /** The agent's key id, or `auto:<why>` for the platform's own answers. */
  sentBy: string;
}

/**
 * Writes a message from our side into a thread when no provider workflow carries it: an answer
 * given in the webhook's TwiML (HELP), or a web-chat reply, which is delivered by being stored.
 */
export async function recordOutgoing(entry: OutgoingEntry, now = new Date()): Promise<{ id: string; createdAt: Date }> {
  const id = newId('msg');
  try {
    await Message.create({ _id: id, ...entry, idempotencyKey: entry.idempotencyKey ?? id, direction: 'outbound', statusHistory: [{ status: entry.status, at: now }], createdAt: now, updatedAt: now });
  } catch (err) {
    if (!isDuplicateKeyError(err) || !entry.idempotencyKey) throw err;
    const stored = await Message.findOne({ workspaceId: entry.workspaceId, idempotencyKey: entry.idempotencyKey }, { createdAt: 1 }).lean();
    if (!stored) throw err;
    return { id: stored._id, createdAt: stored.createdAt };
  }
  await touchConversation(entry.conversationId, { at: now, preview: entry.body, inbound: false });
  return { id, createdAt: now };
}
