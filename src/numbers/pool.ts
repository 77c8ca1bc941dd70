import { isDuplicateKeyError } from '../db/errors';
import { remembered } from '../db/remembered';
import { deleteHold, holdOf, insertHold, reserveHold, takeReservation } from './store';

export type HoldResult = 'acquired' | 'already_held' | 'unavailable';

/**
 * Takes a shared number for a workspace. The hold's _id is the number's id, so of two workspaces
 * racing for a free number exactly one insert succeeds. A workspace may take back a number reserved
 * for it, and anyone may take a reservation whose cool-down is over (its release may be late).
 */
export async function acquireNumber(numberId: string, workspaceId: string, now: Date): Promise<HoldResult> {
  try {
    await insertHold(numberId, workspaceId, now);
    return 'acquired';
  } catch (err) {
    if (!isDuplicateKeyError(err)) throw err;
  }
  const existing = await holdOf(numberId);
  if (existing?.workspaceId === workspaceId && existing.state === 'held') return 'already_held';
  return (await takeReservation(numberId, workspaceId, now)) ? 'acquired' : 'unavailable';
}

/** Turns a held number into a reservation for its cool-down. */
export async function reserveNumber(numberId: string, workspaceId: string, until: Date): Promise<void> {
  await reserveHold(numberId, workspaceId, until);
  heldBy.forget(numberId);
}

/** Gives a number back when the connect that took it could not complete. */
export async function dropHold(numberId: string, workspaceId: string): Promise<void> {
  await deleteHold(numberId, workspaceId, 'held');
  heldBy.forget(numberId);
}

/** Ends a reservation (the cool-down is over). A number held again is left alone. */
export async function releaseReservation(numberId: string, workspaceId: string): Promise<boolean> {
  return deleteHold(numberId, workspaceId, 'reserved');
}

/**
 * Who holds a shared number, remembered for 2 s while it is held: under a burst, one read instead of
 * one per message. A held number does not change hands: its holder leaving it makes it a
 * reservation of the same workspace (replies still go there), and another workspace can take it
 * only once that cool-down (days) is over. A reservation is never remembered, and a hold that ends
 * here is forgotten in this process. (A cool-down shorter than 2 s, a test setting, could let
 * another process's remembered holder outlive it.)
 */
const heldBy = remembered(holdOf, {
  forMs: 2_000,
  keepIf: (hold) => hold.state === 'held',
});

/** The workspace that receives messages sent to a shared number: its holder, or during a cool-down its last holder. */
export async function holderOf(numberId: string): Promise<string | undefined> {
  return (await heldBy(numberId))?.workspaceId;
}
