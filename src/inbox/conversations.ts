import { AppError, notFound } from '../errors';
import { Contact, Conversation, Message, type Channel, type MessageStatus } from '../db/models';
import { afterCursor, decodeCursor, encodeCursor } from './cursor';
import { isDuplicateKeyError } from '../db/errors';
import { dropHint, writeHint } from './threads';
import { mediaView } from '../messaging/media';

/*
 * The unified inbox: every channel's threads in one list. Every query carries the workspace id,
 * so another workspace's conversation is simply not found.
 */

type ConversationRow = {
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
type ContactRow = { _id: string; address: string; name?: string | null; optedOut: boolean };

function conversationView(c: ConversationRow, contact: ContactRow | undefined) {
  return {
    id: c._id,
    channel: c.channel,
    status: c.status,
    contact: {
      id: c.contactId,
      address: contact?.address ?? c.contactAddress,
      name: contact?.name ?? null,
      optedOut: contact?.optedOut ?? false,
    },
    unreadCount: c.unreadCount,
    lastMessageAt: c.lastMessageAt.toISOString(),
    lastMessagePreview: c.lastMessagePreview ?? null,
    createdAt: c.createdAt.toISOString(),
  };
}
export type ConversationView = ReturnType<typeof conversationView>;

async function withContacts(workspaceId: string, rows: ConversationRow[]): Promise<ConversationView[]> {
  // No $lookup on FerretDB: one batched read of the page's contacts.
  const ids = [...new Set(rows.map((r) => r.contactId))];
  const contacts = ids.length ? await Contact.find({ workspaceId, _id: { $in: ids } }).lean() : [];
  const byId = new Map(contacts.map((c) => [c._id, c as ContactRow]));
  return rows.map((r) => conversationView(r, byId.get(r.contactId)));
}

export interface ConversationQuery {
  channel?: Channel;
  status?: 'open' | 'closed';
  limit: number;
  cursor?: string;
}

/** Newest activity first, paged on (lastMessageAt, id). A thread that moves while paging may show twice or not at all. */
export async function listConversations(workspaceId: string, q: ConversationQuery) {
  const filter = {
    workspaceId,
    ...(q.channel && { channel: q.channel }),
    ...(q.status && { status: q.status }),
    ...(q.cursor && afterCursor('lastMessageAt', decodeCursor(q.cursor), 'desc')),
  };
  const rows = (await Conversation.find(filter).sort({ lastMessageAt: -1, _id: -1 }).limit(q.limit + 1).lean()) as ConversationRow[];
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    data: await withContacts(workspaceId, page),
    nextCursor: rows.length > q.limit ? encodeCursor({ at: last.lastMessageAt, id: last._id }) : null,
  };
}

async function findConversation(workspaceId: string, id: string): Promise<ConversationRow> {
  const c = await Conversation.findOne({ _id: id, workspaceId }).lean();
  if (!c) throw notFound('Conversation');
  return c as ConversationRow;
}

/** Updates a conversation of the workspace and shows the result: one conditional write. */
async function updateConversation(workspaceId: string, id: string, set: Record<string, unknown>): Promise<ConversationView> {
  const updated = await Conversation.findOneAndUpdate({ _id: id, workspaceId }, { $set: set }, { new: true }).lean();
  if (!updated) throw notFound('Conversation');
  return (await withContacts(workspaceId, [updated as ConversationRow]))[0];
}

export async function getConversation(workspaceId: string, id: string): Promise<ConversationView> {
  return (await withContacts(workspaceId, [await findConversation(workspaceId, id)]))[0];
}

type MessageRow = {
  _id: string;
  workspaceId?: string;
  conversationId: string;
  channel: string;
  direction: string;
  from: string;
  to: string;
  body?: string | null;
  media?: Array<{ url?: string | null; contentType?: string | null }>;
  segments?: number | null;
  status: string;
  errorCode?: string | null;
  sentBy?: string | null;
  sendAt?: Date | null;
  createdAt: Date;
};

export const messageView = (m: MessageRow) => ({
  id: m._id,
  conversationId: m.conversationId,
  channel: m.channel,
  direction: m.direction,
  from: m.from,
  to: m.to,
  body: m.body ?? '',
  media: mediaView(m),
  segments: m.segments ?? null,
  status: m.status,
  errorCode: m.errorCode ?? null,
  sentBy: m.sentBy ?? null,
  sendAt: m.sendAt?.toISOString() ?? null,
  createdAt: m.createdAt.toISOString(),
});
export type MessageView = ReturnType<typeof messageView>;

export interface MessageQuery {
  direction?: 'inbound' | 'outbound';
  status?: MessageStatus;
  /** `history`: with the earlier, closed threads with this contact on this channel; `conversation`: this thread only. */
  scope: 'history' | 'conversation';
  limit: number;
  cursor?: string;
}

/** A thread's messages oldest first, by default with the contact's earlier threads on the channel before them. */
export async function listMessages(workspaceId: string, conversationId: string, q: MessageQuery) {
  const conversation = await findConversation(workspaceId, conversationId);
  const threadIds =
    q.scope === 'conversation'
      ? [conversation._id]
      : (
          await Conversation.find(
            { workspaceId, channel: conversation.channel, contactId: conversation.contactId, createdAt: { $lte: conversation.createdAt } },
            { _id: 1 },
          ).lean()
        ).map((c) => c._id);
  const filter = {
    workspaceId,
    conversationId: { $in: threadIds },
    ...(q.direction && { direction: q.direction }),
    ...(q.status && { status: q.status }),
    ...(q.cursor && afterCursor('createdAt', decodeCursor(q.cursor), 'asc')),
  };
  const rows = (await Message.find(filter).sort({ createdAt: 1, _id: 1 }).limit(q.limit + 1).lean()) as MessageRow[];
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    data: page.map(messageView),
    nextCursor: rows.length > q.limit ? encodeCursor({ at: last.createdAt, id: last._id }) : null,
  };
}

export const markRead = (workspaceId: string, id: string) => updateConversation(workspaceId, id, { unreadCount: 0 });

/** Closing frees the contact's open slot: their next message opens a new thread. Closing twice is harmless. */
export async function closeConversation(workspaceId: string, id: string): Promise<ConversationView> {
  const closed = await updateConversation(workspaceId, id, { status: 'closed', openSlot: id });
  await dropHint(closed.contact.id, closed.channel as Channel, id);
  return closed;
}

/** Reopens a closed thread, unless another thread with the contact on this channel is open by now (409). */
export async function reopenConversation(workspaceId: string, id: string): Promise<ConversationView> {
  const c = await findConversation(workspaceId, id);
  if (c.status === 'open') return (await withContacts(workspaceId, [c]))[0];
  try {
    await Conversation.updateOne({ _id: id, workspaceId }, { $set: { status: 'open', openSlot: 'open' } });
  } catch (err) {
    if (!isDuplicateKeyError(err)) throw err;
    const open = await Conversation.findOne({ workspaceId, channel: c.channel, contactId: c.contactId, openSlot: 'open' }, { _id: 1 }).lean();
    throw new AppError(
      'conflict',
      'Another conversation with this contact on this channel is open; continue there, or close it before reopening this one.',
      { openConversationId: open?._id ?? null },
    );
  }
  await writeHint(c.contactId, c.channel as Channel, id);
  return getConversation(workspaceId, id);
}

/** For replies written from the inbox: the thread, which must be open. */
export async function openConversationForReply(workspaceId: string, id: string) {
  const c = await findConversation(workspaceId, id);
  if (c.status !== 'open') throw new AppError('conflict', 'This conversation is closed; reopen it to reply.');
  return c;
}
