import { Message } from '../db/models';
import { type Channel } from '../vocabulary';
import { newId } from '../db/ids';
import { contactIdFor, dropHint, findOrCreateContact, hintedThreadId, openThread, touchConversation } from './threads';
import { isDuplicateKeyError, retryTransient } from '../db/errors';

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
  // The usual message continues an open thread: three commands (the hint, the message, the
  // thread's counters), the contact not even read.
  const contactId = contactIdFor(input.workspaceId, input.from);
  let conversationId = await hintedThreadId(contactId, input.channel);
  if (!conversationId) {
    // Before a thread is opened: a late retry of a message stored in a thread closed since must
    // not open a fresh, empty one.
    const stored = input.providerSid ? await storedMessage(id) : undefined;
    if (stored) return stored;
    conversationId = await newThread(input, now);
  }
  try {
    // The driver's insert: the fields come from input validated at the edge (the webhook's zod
    // schema), and mongoose's document machinery cost more per message than the rest of the path.
    await Message.collection.insertOne({
      _id: id as never,
      workspaceId: input.workspaceId,
      conversationId,
      channel: input.channel,
      direction: 'inbound',
      from: input.from,
      to: input.to,
      body: input.body,
      media: input.media ?? [],
      ...(input.segments !== undefined && { segments: input.segments }),
      status: 'received',
      statusHistory: [{ status: 'received', at: now }],
      ...(input.providerSid && { providerSid: input.providerSid }),
      idempotencyKey: input.providerSid ? `inbound:${input.providerSid}` : id,
      ...(input.senderNumberId && { senderNumberId: input.senderNumberId }),
      createdAt: now,
      updatedAt: now,
    });
  } catch (err) {
    // The same delivery twice at once: the unique provider id let the other one store it.
    const stored = isDuplicateKeyError(err) && input.providerSid ? await storedMessage(id) : undefined;
    if (stored) return stored;
    throw err;
  }
  // Retried here, not by repeating the whole delivery: a repeat finds the message stored and would
  // skip this, losing one unread count.
  const activity = { at: now, preview: previewOf(input), inbound: true };
  for (let attempt = 1; !(await retryTransient(() => touchConversation(conversationId!, activity))); attempt++) {
    // The hint named a thread closed since: the message moves to a new one.
    if (attempt === 3) throw new Error(`no open thread could take message ${id}`);
    await dropHint(contactId, input.channel, conversationId);
    conversationId = await newThread(input, now);
    await Message.updateOne({ _id: id }, { $set: { conversationId } });
  }
  return { messageId: id, conversationId, contactId, createdAt: now, duplicate: false };
}

async function newThread(input: IncomingMessage, now: Date): Promise<string> {
  const contact = await findOrCreateContact(input.workspaceId, input.from);
  return (await openThread(input.workspaceId, input.channel, contact, now))._id;
}

async function storedMessage(id: string): Promise<Received | undefined> {
  const m = await Message.findById(id, { conversationId: 1, createdAt: 1, workspaceId: 1, from: 1 }).lean();
  if (!m) return undefined;
  return { messageId: m._id, conversationId: m.conversationId, contactId: contactIdFor(m.workspaceId, m.from), createdAt: m.createdAt, duplicate: true };
}

export const previewOf = (m: { body: string; media?: unknown[] }) => m.body || (m.media?.length ? '[media]' : '');
