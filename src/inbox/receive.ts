import { Contact, Conversation, Message, type Channel } from '../db/models';
import { newId } from '../db/ids';
import { findOrCreateContact, findOrOpenConversation, touchConversation } from './threads';
import { retryTransient } from './transient';

const isDuplicate = (err: unknown) => (err as { code?: number }).code === 11000;

export interface IncomingMessage {
  workspaceId: string;
  channel: Channel;
  /** The contact's address: E.164, or `webchat:<session id>`. */
  from: string;
  /** Our side: the number written to, or the channel's name for web chat. */
  to: string;
  body: string;
  media?: Array<{ url: string; contentType: string }>;
  segments?: number;
  /** The provider's message id: unique, so a repeated delivery is stored once. */
  providerSid?: string;
  senderNumberId?: string;
}

export interface Received {
  messageId: string;
  conversationId: string;
  contactId: string;
  createdAt: Date;
  /** True when this provider id was stored before (a retry or duplicate delivery). */
  duplicate: boolean;
}

/**
 * A message from a contact, read top-down: the contact found or created by address, the open
 * thread with it continued or a new one opened (closed ones stay as its history), the message
 * stored, the thread moved forward. A repeated delivery finds the stored message and changes nothing.
 */
export async function receiveMessage(input: IncomingMessage, now = new Date()): Promise<Received> {
  // A provider's message keeps an id made from its provider id: the unique _id is what dedupes a
  // repeated delivery (atomically, on FerretDB too), and finding it is a read by _id.
  const id = input.providerSid ? `msg_${input.providerSid}` : newId('msg');
  const contact = await findOrCreateContact(input.workspaceId, input.from);
  let conversation: { _id: string } | undefined = await hintedThread(input.workspaceId, input.channel, contact);
  if (!conversation) {
    // Before a thread is opened: a late retry of a message stored in a thread closed since must
    // not open a fresh, empty one. (Not on every message: on FerretDB any read of the large
    // messages collection is a scan.)
    const stored = input.providerSid ? await storedMessage(id) : undefined;
    if (stored) return stored;
    conversation = await openThread(input.workspaceId, input.channel, contact, now);
  }
  try {
    await Message.create({
      _id: id,
      workspaceId: input.workspaceId,
      conversationId: conversation._id,
      channel: input.channel,
      direction: 'inbound',
      from: input.from,
      to: input.to,
      body: input.body,
      media: input.media ?? [],
      segments: input.segments,
      status: 'received',
      statusHistory: [{ status: 'received', at: now }],
      ...(input.providerSid && { providerSid: input.providerSid }),
      idempotencyKey: input.providerSid ? `inbound:${input.providerSid}` : id,
      senderNumberId: input.senderNumberId,
      createdAt: now,
      updatedAt: now,
    });
  } catch (err) {
    // The same delivery twice at once: the unique provider id let the other one store it.
    const stored = isDuplicate(err) && input.providerSid ? await storedMessage(id) : undefined;
    if (stored) return stored;
    throw err;
  }
  // Retried here, not by repeating the whole delivery: a repeat finds the message stored and would
  // skip this, losing one unread count.
  const threadId = conversation._id;
  await retryTransient(() => touchConversation(threadId, { at: now, preview: previewOf(input), inbound: true }));
  return { messageId: id, conversationId: conversation._id, contactId: contact._id, createdAt: now, duplicate: false };
}

async function storedMessage(id: string): Promise<Received | undefined> {
  const m = await Message.findById(id, { conversationId: 1, createdAt: 1, workspaceId: 1, from: 1 }).lean();
  if (!m) return undefined;
  const contact = await findOrCreateContact(m.workspaceId, m.from);
  return { messageId: m._id, conversationId: m.conversationId, contactId: contact._id, createdAt: m.createdAt, duplicate: true };
}

type ContactWithHints = Awaited<ReturnType<typeof findOrCreateContact>>;

/** The contact's open thread on the channel through the contact's hint (a read by _id), if it is still open. */
async function hintedThread(workspaceId: string, channel: Channel, contact: ContactWithHints) {
  const hinted = contact.openThreads?.[channel];
  if (!hinted) return undefined;
  const conversation = await Conversation.findById(hinted).lean();
  return conversation?.status === 'open' && conversation.workspaceId === workspaceId ? conversation : undefined;
}

/** The thread lookup, which may open a thread; the hint is then written for the next message. */
async function openThread(workspaceId: string, channel: Channel, contact: ContactWithHints, now: Date) {
  const conversation = await findOrOpenConversation(workspaceId, channel, contact, now);
  await Contact.updateOne({ _id: contact._id }, { $set: { [`openThreads.${channel}`]: conversation._id } });
  return conversation;
}

export const previewOf = (m: { body: string; media?: unknown[] }) => m.body || (m.media?.length ? '[media]' : '');
