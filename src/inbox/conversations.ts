import { AppError, notFound } from '../errors';
import { type Channel, type MessageStatus } from '../vocabulary';
import { isDuplicateKeyError } from '../db/errors';
import {
  contactsOf,
  conversationPage,
  findConversationRow,
  messagePage,
  reopenConversationRow,
  setConversationFields,
  type ContactRow,
  type ConversationRow,
  type MessageRow,
} from './store/conversations';
import { contactThreadIds, findOpenThread } from './store/threads';
import { dropHint, writeHint } from './threads';
import { toMessageView } from '../messaging/view';

/*
 * The unified inbox: every channel's threads in one list. Every read and write of a conversation,
 * contact or message carries the workspace id, so another workspace's is simply not found; the
 * thread hints are keyed by the contact id, which is made from the workspace id (inbox/threads.ts).
 */

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
  const contacts = await contactsOf(workspaceId, [...new Set(rows.map((r) => r.contactId))]);
  const byId = new Map(contacts.map((c) => [c._id, c]));
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
  const { items, nextCursor } = await conversationPage(workspaceId, q, q);
  return { data: await withContacts(workspaceId, items), nextCursor };
}

async function findConversation(workspaceId: string, id: string): Promise<ConversationRow> {
  const c = await findConversationRow(workspaceId, id);
  if (!c) throw notFound('Conversation');
  return c;
}

/** Updates a conversation of the workspace and shows the result: one conditional write. */
async function updateConversation(workspaceId: string, id: string, set: Record<string, unknown>): Promise<ConversationView> {
  const updated = await setConversationFields(workspaceId, id, set);
  if (!updated) throw notFound('Conversation');
  return (await withContacts(workspaceId, [updated]))[0];
}

export async function getConversation(workspaceId: string, id: string): Promise<ConversationView> {
  return (await withContacts(workspaceId, [await findConversation(workspaceId, id)]))[0];
}

/** The one message view, as `/messages` shows a message too. */
export const messageView = (m: MessageRow) => toMessageView(m);
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
      : await contactThreadIds(workspaceId, conversation.channel as Channel, conversation.contactId, conversation.createdAt);
  const { items, nextCursor } = await messagePage(workspaceId, threadIds, q, q);
  return { data: items.map(messageView), nextCursor };
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
    await reopenConversationRow(workspaceId, id);
  } catch (err) {
    if (!isDuplicateKeyError(err)) throw err;
    throw new AppError(
      'conflict',
      'Another conversation with this contact on this channel is open; continue there, or close it before reopening this one.',
      { openConversationId: (await findOpenThread(workspaceId, c.channel as Channel, c.contactId))?._id ?? null },
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
