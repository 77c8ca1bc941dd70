import { createHash } from 'node:crypto';
import { Contact, Conversation, type Channel } from '../db/models';
import { newId } from '../db/ids';
import { serialWrite } from '../db/serialWrites';

const isDuplicate = (err: unknown) => (err as { code?: number }).code === 11000;

/**
 * A contact's id follows from its workspace and address, so that finding it is a read by _id: the
 * only lookup FerretDB answers from an index (any other field is a scan of the collection).
 */
export const contactIdFor = (workspaceId: string, address: string) =>
  `ct_${createHash('sha256').update(`${workspaceId}\n${address}`).digest('hex').slice(0, 24)}`;

/** The contact with this address (E.164, or a web-chat visitor id) in the workspace, created on first contact. */
export async function findOrCreateContact(workspaceId: string, address: string) {
  const _id = contactIdFor(workspaceId, address);
  const existing = await Contact.findById(_id).lean();
  if (existing) return existing;
  try {
    return (await Contact.create({ _id, workspaceId, address, optedOut: false })).toObject();
  } catch (err) {
    // Two first messages at once: one insert wins. (Or a contact stored under another id earlier:
    // the unique (workspace, address) index finds it.)
    if (!isDuplicate(err)) throw err;
    return ((await Contact.findById(_id).lean()) ?? (await Contact.findOne({ workspaceId, address }).lean()))!;
  }
}

/**
 * The open conversation with this contact on this channel, or a new one when there is none (the
 * earlier, closed ones stay readable as history). At most one is open: see `openSlot`.
 */
export async function findOrOpenConversation(workspaceId: string, channel: Channel, contact: { _id: string; address: string }, now = new Date()) {
  const filter = { workspaceId, channel, contactId: contact._id, openSlot: 'open' };
  const open = await Conversation.findOne(filter).lean();
  if (open) return open;
  try {
    return (
      await Conversation.create({
        _id: newId('conv'),
        workspaceId,
        channel,
        contactId: contact._id,
        contactAddress: contact.address,
        status: 'open',
        openSlot: 'open',
        unreadCount: 0,
        lastMessageAt: now,
        createdAt: now,
      })
    ).toObject();
  } catch (err) {
    if (!isDuplicate(err)) throw err;
    return (await Conversation.findOne(filter).lean())!;
  }
}

/** Moves the thread's activity forward for a new message; inbound messages count as unread. */
export async function touchConversation(conversationId: string, message: { at: Date; preview: string; inbound: boolean }) {
  await writeConversation(conversationId, () =>
    Conversation.updateOne(
      { _id: conversationId },
      {
        $max: { lastMessageAt: message.at },
        $set: { lastMessagePreview: message.preview.slice(0, 140) },
        ...(message.inbound ? { $inc: { unreadCount: 1 } } : {}),
      },
    ),
  );
}

/** Every update of a conversation goes through here: unread counts must not lose an increment. */
export const writeConversation = <T>(conversationId: string, write: () => Promise<T>) => serialWrite(`conversation:${conversationId}`, write);
