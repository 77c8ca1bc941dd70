import { newId } from '../db/ids';
import { isDuplicateKeyError } from '../db/errors';
import { insertOutgoingMessage, messageByIdempotencyKey, type OutgoingFields } from './store/messages';
import { touchThread } from './store/threads';

export type OutgoingEntry = Omit<OutgoingFields, 'idempotencyKey'> & {
  workspaceId: string;
  /** Unique per workspace: the same reply recorded twice (a webhook retry) is stored once. Absent: the message id. */
  idempotencyKey?: string;
};

/**
 * Writes a message from our side into a thread when no provider workflow carries it: an answer
 * given in the webhook's TwiML (HELP), or a web-chat reply, which is delivered by being stored.
 */
export async function recordOutgoing(entry: OutgoingEntry, now = new Date()): Promise<{ id: string; createdAt: Date }> {
  const { workspaceId, ...fields } = entry;
  const id = newId('msg');
  try {
    await insertOutgoingMessage(workspaceId, id, { ...fields, idempotencyKey: entry.idempotencyKey ?? id }, now);
  } catch (err) {
    if (!isDuplicateKeyError(err) || !entry.idempotencyKey) throw err;
    const stored = await messageByIdempotencyKey(workspaceId, entry.idempotencyKey);
    if (!stored) throw err;
    return { id: stored._id, createdAt: stored.createdAt };
  }
  await touchThread(workspaceId, entry.conversationId, { at: now, preview: entry.body, inbound: false });
  return { id, createdAt: now };
}
