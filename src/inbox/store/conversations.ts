import { Contact, Conversation, Message } from '../../db/models/inbox';
import { pageFilter, toPage } from '../../db/paging';
import type { Channel, MessageStatus } from '../../vocabulary';
import type { StoredMessage } from '../../db/models/inbox';

/*
 * The inbox's reads and writes of conversations, contacts and messages. Every function takes the
 * workspace id and puts it in its filter: another workspace's thread is simply not found.
 * (What the inbound path and the threads read and write is in store/.)
 */

export type ConversationRow = {
  _id: string;
  channel: string;
  status: string;
  contactId: string;
  contactAddress: string;
  unreadCount: number;
  lastMessageAt: Date;
  lastMessagePreview?: string | null;
  createdAt: Date;
};
export type ContactRow = { _id: string; address: string; name?: string | null; optedOut: boolean };
export type MessageRow = StoredMessage;

export interface Page {
  limit: number;
  cursor?: string;
}

/** The workspace's contacts with these ids (one batched read: no $lookup on FerretDB). */
export async function contactsOf(workspaceId: string, ids: string[]): Promise<ContactRow[]> {
  return ids.length ? ((await Contact.find({ workspaceId, _id: { $in: ids } }).lean()) as ContactRow[]) : [];
}

/** Newest activity first, paged on (lastMessageAt, id). */
export async function conversationPage(workspaceId: string, where: { channel?: Channel; status?: 'open' | 'closed' }, p: Page) {
  const filter = {
    workspaceId,
    ...(where.channel && { channel: where.channel }),
    ...(where.status && { status: where.status }),
    ...pageFilter('lastMessageAt', 'desc', p.cursor),
  };
  const rows = (await Conversation.find(filter).sort({ lastMessageAt: -1, _id: -1 }).limit(p.limit + 1).lean()) as ConversationRow[];
  return toPage(rows, p.limit, (c) => c.lastMessageAt);
}

export async function findConversationRow(workspaceId: string, id: string): Promise<ConversationRow | null> {
  return (await Conversation.findOne({ _id: id, workspaceId }).lean()) as ConversationRow | null;
}

/** Sets fields of the workspace's conversation; the conversation after, or null when it has none with this id. */
export async function setConversationFields(workspaceId: string, id: string, set: Record<string, unknown>): Promise<ConversationRow | null> {
  return (await Conversation.findOneAndUpdate({ _id: id, workspaceId }, { $set: set }, { new: true }).lean()) as ConversationRow | null;
}

/** Reopens: throws a duplicate-key error when another thread with the contact on the channel is open. */
export async function reopenConversationRow(workspaceId: string, id: string): Promise<void> {
  await Conversation.updateOne({ _id: id, workspaceId }, { $set: { status: 'open', openSlot: 'open' } });
}

/** The threads' messages oldest first, paged on (createdAt, id). */
export async function messagePage(
  workspaceId: string,
  conversationIds: string[],
  where: { direction?: 'inbound' | 'outbound'; status?: MessageStatus },
  p: Page,
) {
  const filter = {
    workspaceId,
    conversationId: { $in: conversationIds },
    ...(where.direction && { direction: where.direction }),
    ...(where.status && { status: where.status }),
    ...pageFilter('createdAt', 'asc', p.cursor),
  };
  const rows = (await Message.find(filter).sort({ createdAt: 1, _id: 1 }).limit(p.limit + 1).lean()) as MessageRow[];
  return toPage(rows, p.limit, (m) => m.createdAt);
}
