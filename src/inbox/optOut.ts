import { Contact } from '../db/models';

/**
 * Records an opt-out or opt-in said at `at`. A change older than the last one recorded is ignored,
 * so a replayed STOP never undoes a later START (replays re-apply their effect: see receive.ts).
 */
export async function setOptOut(contactId: string, optedOut: boolean, at: Date): Promise<void> {
  await Contact.updateOne(
    { _id: contactId, $or: [{ optOutChangedAt: { $exists: false } }, { optOutChangedAt: { $lte: at } }] },
    { $set: { optedOut, optOutChangedAt: at } },
  );
}
