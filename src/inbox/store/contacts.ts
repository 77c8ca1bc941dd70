import { Contact } from '../../db/models/inbox';

/*
 * The inbox's contacts. Every function takes the workspace id and puts it in its filter; a contact's
 * `_id` is made from its workspace and address (inbox/threads.ts), so the filter is still a read by `_id`.
 */

export type ContactDoc = { _id: string; workspaceId: string; address: string; name?: string | null; optedOut: boolean };

export async function findContact(workspaceId: string, contactId: string): Promise<ContactDoc | null> {
  return Contact.findOne({ _id: contactId, workspaceId }).lean();
}

/** Stores a new contact; a duplicate-key error says another request stored it first. */
export async function insertContact(workspaceId: string, contact: { _id: string; address: string }): Promise<ContactDoc> {
  return (await Contact.create({ ...contact, workspaceId, optedOut: false })).toObject();
}

export async function setContactName(workspaceId: string, contactId: string, name: string): Promise<void> {
  await Contact.updateOne({ _id: contactId, workspaceId }, { $set: { name } });
}

/**
 * Records an opt-out or opt-in said at `at`. A change older than the last one recorded is ignored,
 * so a replayed STOP never undoes a later START (replays re-apply their effect: see inbox/sms.ts).
 */
export async function setOptOut(workspaceId: string, contactId: string, optedOut: boolean, at: Date): Promise<void> {
  await Contact.updateOne(
    { _id: contactId, workspaceId, $or: [{ optOutChangedAt: { $exists: false } }, { optOutChangedAt: { $lte: at } }] },
    { $set: { optedOut, optOutChangedAt: at } },
  );
}
