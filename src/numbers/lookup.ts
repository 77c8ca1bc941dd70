import { PhoneNumber, type PhoneNumberDoc } from '../db/models';

export type KnownNumber = Pick<PhoneNumberDoc, '_id' | 'kind' | 'accountSid' | 'ownerWorkspaceId'>;

/**
 * How long a number found by its E.164 is remembered by this process. Every webhook looks its number
 * up (to check the signature, then to route), and on FerretDB a find by `e164` is a scan of all
 * numbers. These fields change only when a number is bought, linked or released, and a few seconds
 * of an old answer then route a message to the workspace that just had it, which its cool-down
 * does anyway. Who holds a shared number is not cached: that is a read by _id.
 */
const REMEMBER_MS = 10_000;
const MAX_REMEMBERED = 10_000;
const remembered = new Map<string, { number: KnownNumber; until: number }>();

/** One of our numbers by its E.164, or undefined when we have no such number (never remembered). */
export async function numberByE164(e164: string): Promise<KnownNumber | undefined> {
  const now = Date.now();
  const hit = remembered.get(e164);
  if (hit && hit.until > now) return hit.number;
  const number = await PhoneNumber.findOne({ e164 }, { kind: 1, accountSid: 1, ownerWorkspaceId: 1 }).lean();
  if (!number) {
    remembered.delete(e164);
    return undefined;
  }
  if (remembered.size >= MAX_REMEMBERED) remembered.clear();
  remembered.set(e164, { number, until: now + REMEMBER_MS });
  return number;
}
