import { createHash } from 'node:crypto';
import { Contact, Conversation, ThreadHint, type Channel } from '../db/models';
import { newId } from '../db/ids';
import { isDuplicateKeyError } from '../db/errors';
import { remembered } from '../db/remembered';

/**
 * A contact's id follows from its workspace and address (every contact is stored under it), so that
 * finding it is a read by _id: the only lookup FerretDB answers from an index (any other field is a
 * scan of the collection).
 */
export const contactIdFor = (workspaceId: string, address: string) =>
  `ct_${createHash('sha256').update(`${workspaceId}\n${address}`).digest('hex').slice(0, 24)}`;

/**
 * The contact with this address (E.164, or a web-chat visitor id) in the workspace, created on
 * first contact; `created` says this call created it (so it can have no thread yet).
 */
export async function findOrCreateContact(workspaceId: string, address: string) {
  const _id = contactIdFor(workspaceId, address);
  const existing = await Contact.findById(_id).lean();
  if (existing) return { ...existing, created: false };
  try {
    return { ...(await Contact.create({ _id, workspaceId, address, optedOut: false })).toObject(), created: true };
  } catch (err) {
    // Two first messages at once: one insert wins.
    if (!isDuplicateKeyError(err)) throw err;
    return { ...(await Contact.findById(_id).lean())!, created: false };
  }
}

type ThreadContact = { _id: string; address: string };

/**
 * The thread the contact's hint names on the channel (the contact's id names its workspace): read
 * by _id, and remembered by this process for a minute. Closing a thread drops its hint and
 * reopening writes it, but a hint can be stale (closed through another process, a close and a
 * first message at once, a crash between two writes): whoever uses it checks that the thread is
 * open, or writes to it on that condition (`touchConversation`) and, finding it closed, forgets
 * the hint (`dropHint`).
 */
const hints = remembered(async (id) => (await ThreadHint.findById(id, { conversationId: 1 }).lean())?.conversationId, { forMs: 60_000 });

export const hintedThreadId = (contactId: string, channel: Channel) => hints(hintId(contactId, channel));

/**
 * Opens a thread, or finds the open one the hint missed. The insert comes first: the unique open
 * slot refuses it when a thread is open already, and only then is the open one looked up (a scan on
 * FerretDB, off the usual path). The hint is written for the next message.
 */
export async function openThread(workspaceId: string, channel: Channel, contact: ThreadContact, now = new Date(), first?: FirstMessage) {
  const filter = { workspaceId, channel, contactId: contact._id, openSlot: 'open' };
  for (let attempt = 1; ; attempt++) {
    try {
      const conversation = (
        await Conversation.create({
          _id: (attempt === 1 && first?.conversationId) || newId('conv'),
          workspaceId,
          channel,
          contactId: contact._id,
          contactAddress: contact.address,
          status: 'open',
          openSlot: 'open',
          unreadCount: 0,
          lastMessageAt: now,
          ...(first && { lastMessagePreview: first.preview.slice(0, PREVIEW_LENGTH) }),
          createdAt: now,
        })
      ).toObject();
      await writeHint(contact._id, channel, conversation._id);
      return conversation;
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      const open = await Conversation.findOne(filter).lean();
      if (open) {
        await writeHint(contact._id, channel, open._id);
        return open;
      }
      // Open a moment ago and closed since: open a new one.
      if (attempt === 3) throw err;
    }
  }
}

/** A thread opened for a message already stored under `conversationId` (an outbound one: it is not unread). */
interface FirstMessage {
  conversationId: string;
  preview: string;
}

const PREVIEW_LENGTH = 140;

const hintId = (contactId: string, channel: Channel) => `${contactId}:${channel}`;

export async function writeHint(contactId: string, channel: Channel, conversationId: string) {
  const _id = hintId(contactId, channel);
  await ThreadHint.replaceOne({ _id }, { _id, conversationId }, { upsert: true });
  hints.forget(_id);
}

/** A thread closed: its contact's next message must not continue it. */
export async function dropHint(contactId: string, channel: Channel, conversationId: string) {
  const _id = hintId(contactId, channel);
  await ThreadHint.deleteOne({ _id, conversationId });
  hints.forget(_id);
}

/**
 * Moves the thread's activity forward for a new message; inbound messages count as unread. False
 * when the thread is closed (nothing is changed): the message belongs in a new one.
 */
export async function touchConversation(conversationId: string, message: { at: Date; preview: string; inbound: boolean }): Promise<boolean> {
  const touched = await Conversation.updateOne(
    { _id: conversationId, status: 'open' },
    {
      $max: { lastMessageAt: message.at },
      $set: { lastMessagePreview: message.preview.slice(0, PREVIEW_LENGTH) },
      ...(message.inbound ? { $inc: { unreadCount: 1 } } : {}),
    },
  );
  return touched.matchedCount === 1;
}

/**
 * Puts an outbound message stored under `conversationId` (its contact's hinted thread, or a new id
 * when the contact has none) in a thread: the hinted one moved forward (one conditional update),
 * or a thread opened under that id. A hint found stale (the thread closed meanwhile) is dropped and
 * the message moved to a new thread. Returns the thread it is in.
 */
export async function placeOutbound(
  workspaceId: string,
  channel: Channel,
  contact: ThreadContact,
  message: { conversationId: string; hinted: boolean; at: Date; preview: string },
  move: (conversationId: string) => Promise<unknown>,
): Promise<string> {
  if (message.hinted && (await touchConversation(message.conversationId, { at: message.at, preview: message.preview, inbound: false }))) return message.conversationId;
  if (message.hinted) await dropHint(contact._id, channel, message.conversationId);
  const opened = await openThread(workspaceId, channel, contact, message.at, { conversationId: message.hinted ? newId('conv') : message.conversationId, preview: message.preview });
  if (opened._id === message.conversationId) return opened._id;
  // Another message opened the contact's thread first: this one joins it.
  await move(opened._id);
  await touchConversation(opened._id, { at: message.at, preview: message.preview, inbound: false });
  return opened._id;
}
