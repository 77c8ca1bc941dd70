import { Conversation, ThreadHint } from '../../db/models/inbox';
import type { Channel } from '../../vocabulary';

/*
 * The inbound path's threads: conversations by `_id` (the only lookup FerretDB answers from an
 * index, whatever else the filter holds) and the hints that name a contact's open one. Every
 * conversation function takes the workspace id and puts it in its filter. A hint has no workspace
 * field: it is keyed by the contact's id, which is made from the workspace id (inbox/threads.ts).
 */

/** How much of the latest message a thread shows in the list. */
const PREVIEW_LENGTH = 140;

export type ThreadDoc = { _id: string; workspaceId: string; channel: string; contactId: string; contactAddress: string; status: string; createdAt: Date };

/**
 * Stores a new open thread; a duplicate-key error says the contact has an open one on the channel
 * already (its unique open slot).
 */
export async function insertOpenThread(
  workspaceId: string,
  thread: { _id: string; channel: Channel; contact: { _id: string; address: string }; at: Date; preview?: string },
): Promise<ThreadDoc> {
  const created = await Conversation.create({
    _id: thread._id,
    workspaceId,
    channel: thread.channel,
    contactId: thread.contact._id,
    contactAddress: thread.contact.address,
    status: 'open',
    openSlot: 'open',
    unreadCount: 0,
    lastMessageAt: thread.at,
    ...(thread.preview !== undefined && { lastMessagePreview: thread.preview.slice(0, PREVIEW_LENGTH) }),
    createdAt: thread.at,
  });
  return created.toObject();
}

/** The contact's open thread on the channel (a scan on FerretDB: off the usual path). */
export async function findOpenThread(workspaceId: string, channel: Channel, contactId: string): Promise<ThreadDoc | null> {
  return Conversation.findOne({ workspaceId, channel, contactId, openSlot: 'open' }).lean();
}

/**
 * Moves the thread's activity forward for a new message; inbound messages count as unread. False
 * when the thread is closed (nothing is changed): the message belongs in a new one.
 */
export async function touchThread(workspaceId: string, conversationId: string, message: { at: Date; preview: string; inbound: boolean }): Promise<boolean> {
  const touched = await Conversation.updateOne(
    { _id: conversationId, workspaceId, status: 'open' },
    {
      $max: { lastMessageAt: message.at },
      $set: { lastMessagePreview: message.preview.slice(0, PREVIEW_LENGTH) },
      ...(message.inbound ? { $inc: { unreadCount: 1 } } : {}),
    },
  );
  return touched.matchedCount === 1;
}

/** The contact's threads on the channel, closed ones included; with `until`, those opened no later (a thread and the ones before it). */
export async function contactThreadIds(workspaceId: string, channel: Channel, contactId: string, until?: Date): Promise<string[]> {
  const rows = await Conversation.find({ workspaceId, channel, contactId, ...(until && { createdAt: { $lte: until } }) }, { _id: 1 }).lean();
  return rows.map((c) => c._id);
}

// ---- thread hints: keyed by `<contact id>:<channel>`, the contact id naming its workspace --------

export async function hintedConversationId(hintId: string): Promise<string | undefined> {
  return (await ThreadHint.findById(hintId, { conversationId: 1 }).lean())?.conversationId;
}

export async function replaceHint(hintId: string, conversationId: string): Promise<void> {
  await ThreadHint.replaceOne({ _id: hintId }, { _id: hintId, conversationId }, { upsert: true });
}

/** Deletes the hint only while it still names this thread. */
export async function deleteHint(hintId: string, conversationId: string): Promise<void> {
  await ThreadHint.deleteOne({ _id: hintId, conversationId });
}
