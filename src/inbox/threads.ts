import { createHash } from 'node:crypto';
import type { Channel } from '../vocabulary';
import { newId } from '../db/ids';
import { isDuplicateKeyError, retryTransient } from '../db/errors';
import { remembered } from '../db/remembered';
import { findContact, insertContact } from './store/contacts';
import { deleteHint, findOpenThread, hintedConversationId, insertOpenThread, replaceHint, touchThread } from './store/threads';

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
  const existing = await findContact(workspaceId, _id);
  if (existing) return { ...existing, created: false };
  try {
    return { ...(await insertContact(workspaceId, { _id, address })), created: true };
  } catch (err) {
    // Two first messages at once: one insert wins.
    if (!isDuplicateKeyError(err)) throw err;
    return { ...(await findContact(workspaceId, _id))!, created: false };
  }
}

type ThreadContact = { _id: string; address: string };

/**
 * The thread the contact's hint names on the channel (the contact's id names its workspace): read
 * by _id, and remembered by this process for a minute. Closing a thread drops its hint and
 * reopening writes it, but a hint can be stale (closed through another process, a close and a
 * first message at once, a crash between two writes): whoever uses it checks that the thread is
 * open, or writes to it on that condition (`keepInOpenThread`) and, finding it closed, forgets
 * the hint (`dropHint`).
 */
const hints = remembered(hintedConversationId, { forMs: 60_000 });

export const hintedThreadId = (contactId: string, channel: Channel) => hints(hintId(contactId, channel));

/**
 * Opens a thread, or finds the open one the hint missed. The insert comes first: the unique open
 * slot refuses it when a thread is open already, and only then is the open one looked up (a scan on
 * FerretDB, off the usual path). The hint is written for the next message.
 */
export async function openThread(workspaceId: string, channel: Channel, contact: ThreadContact, now = new Date(), first?: FirstMessage) {
  for (let attempt = 1; ; attempt++) {
    try {
      const _id = (attempt === 1 && first?.conversationId) || newId('conv');
      const conversation = await insertOpenThread(workspaceId, { _id, channel, contact, at: now, preview: first?.preview });
      await writeHint(contact._id, channel, conversation._id);
      return conversation;
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      const open = await findOpenThread(workspaceId, channel, contact._id);
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

const hintId = (contactId: string, channel: Channel) => `${contactId}:${channel}`;

export async function writeHint(contactId: string, channel: Channel, conversationId: string) {
  const _id = hintId(contactId, channel);
  await replaceHint(_id, conversationId);
  hints.forget(_id);
}

/** A thread closed: its contact's next message must not continue it. */
export async function dropHint(contactId: string, channel: Channel, conversationId: string) {
  const _id = hintId(contactId, channel);
  await deleteHint(_id, conversationId);
  hints.forget(_id);
}

/** A message stored in a thread, as the thread's list shows it. */
interface Activity {
  at: Date;
  preview: string;
  inbound: boolean;
}

/**
 * The one step after a message is stored under `conversationId`: the thread moved forward (one
 * conditional update; retried here on a transient error, since repeating the whole delivery would
 * find the message stored and skip it). When the thread turns out closed (the hint that named it
 * was stale), the hint is dropped, the contact's open thread found or opened, the message moved
 * there, and that thread moved forward. Returns the thread the message is in.
 */
export async function keepInOpenThread(
  workspaceId: string,
  channel: Channel,
  contact: () => Promise<ThreadContact>,
  message: Activity & { conversationId: string },
  move: (conversationId: string) => Promise<unknown>,
): Promise<string> {
  let conversationId = message.conversationId;
  for (let attempt = 1; !(await retryTransient(() => touchThread(workspaceId, conversationId, message))); attempt++) {
    if (attempt === 3) throw new Error(`no open thread could take the message (last tried ${conversationId})`);
    const known = await contact();
    await dropHint(known._id, channel, conversationId);
    conversationId = (await openThread(workspaceId, channel, known, message.at))._id;
    await move(conversationId);
  }
  return conversationId;
}

/**
 * Puts an outbound message stored under `conversationId` (its contact's hinted thread, or a new id
 * when the contact has none) in a thread: the hinted one moved forward, or a thread opened under
 * that id. Returns the thread it is in.
 */
export async function placeOutbound(
  workspaceId: string,
  channel: Channel,
  contact: ThreadContact,
  message: { conversationId: string; hinted: boolean; at: Date; preview: string },
  move: (conversationId: string) => Promise<unknown>,
): Promise<string> {
  const activity = { at: message.at, preview: message.preview, inbound: false };
  const theContact = async () => contact;
  if (message.hinted) return keepInOpenThread(workspaceId, channel, theContact, { ...activity, conversationId: message.conversationId }, move);
  const opened = await openThread(workspaceId, channel, contact, message.at, { conversationId: message.conversationId, preview: message.preview });
  if (opened._id === message.conversationId) return opened._id;
  // Another message opened the contact's thread first: this one joins it.
  await move(opened._id);
  return keepInOpenThread(workspaceId, channel, theContact, { ...activity, conversationId: opened._id }, move);
}
