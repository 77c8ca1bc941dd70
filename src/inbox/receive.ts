import { type Channel } from '../vocabulary';
import { newId } from '../db/ids';
import { isDuplicateKeyError } from '../db/errors';
import { contactIdFor, findOrCreateContact, hintedThreadId, keepInOpenThread, openThread } from './threads';
import { findProviderMessage, insertInboundMessage, moveMessage } from './store/messages';

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
  const { workspaceId, channel } = input;
  // A provider's message keeps an id made from its provider id: the unique _id is what dedupes a
  // repeated delivery (atomically, on FerretDB too), and finding it is a read by _id.
  const id = input.providerSid ? `msg_${input.providerSid}` : newId('msg');
  // The usual message continues an open thread: three commands (the hint, the message, the
  // thread's counters), the contact not even read.
  const contactId = contactIdFor(workspaceId, input.from);
  let conversationId = await hintedThreadId(contactId, channel);
  if (!conversationId) {
    // Before a thread is opened: a late retry of a message stored in a thread closed since must
    // not open a fresh, empty one.
    const stored = input.providerSid ? await storedMessage(id) : undefined;
    if (stored) return stored;
    conversationId = (await openThread(workspaceId, channel, await findOrCreateContact(workspaceId, input.from), now))._id;
  }
  try {
    const { from, to, body, segments, providerSid, senderNumberId } = input;
    await insertInboundMessage(workspaceId, id, { conversationId, channel, from, to, body, media: input.media ?? [], segments, providerSid, senderNumberId }, now);
  } catch (err) {
    // The same delivery twice at once: the unique provider id let the other one store it.
    const stored = isDuplicateKeyError(err) && input.providerSid ? await storedMessage(id) : undefined;
    if (stored) return stored;
    throw err;
  }
  conversationId = await keepInOpenThread(
    workspaceId,
    channel,
    () => findOrCreateContact(workspaceId, input.from),
    { conversationId, at: now, preview: previewOf(input), inbound: true },
    (moved) => moveMessage(workspaceId, id, moved),
  );
  return { messageId: id, conversationId, contactId, createdAt: now, duplicate: false };
}

async function storedMessage(id: string): Promise<Received | undefined> {
  const m = await findProviderMessage(id);
  if (!m) return undefined;
  return { messageId: m._id, conversationId: m.conversationId, contactId: contactIdFor(m.workspaceId, m.from), createdAt: m.createdAt, duplicate: true };
}

export const previewOf = (m: { body: string; media?: unknown[] }) => m.body || (m.media?.length ? '[media]' : '');
