import { NumberHold } from '../db/models';
import { isDuplicateKeyError } from '../db/errors';
import { remembered } from '../db/remembered';

export type HoldResult = 'acquired' | 'already_held' | 'unavailable';

/**
 * Takes a shared number for a workspace. The hold's _id is the number's id, so of two workspaces
 * racing for a free number exactly one insert succeeds. A workspace may take back a number reserved
 * for it, and anyone may take a reservation whose cool-down is over (its release may be late).
 */
export async function acquireNumber(numberId: string, workspaceId: string, now: Date): Promise<HoldResult> {
  try {
    await NumberHold.create({ _id: numberId, workspaceId, state: 'held', since: now });
    return 'acquired';
  } catch (err) {
    if (!isDuplicateKeyError(err)) throw err;
  }
  const existing = await NumberHold.findById(numberId).lean();
  if (existing?.workspaceId === workspaceId && existing.state === 'held') return 'already_held';
  const reclaimed = await NumberHold.updateOne(
    {
      _id: numberId,
      state: 'reserved',
      $or: [{ workspaceId }, { reservedUntil: { $lte: now } }],
    },
    { $set: { workspaceId, state: 'held', since: now }, $unset: { reservedUntil: 1 } },
  );
  return reclaimed.modifiedCount === 1 ? 'acquired' : 'unavailable';
}

/** Turns a held number into a reservation for its cool-down. */
export async function reserveNumber(numberId: string, workspaceId: string, until: Date): Promise<void> {
  await NumberHold.updateOne({ _id: numberId, workspaceId, state: 'held' }, { $set: { state: 'reserved', reservedUntil: until } });
  heldBy.forget(numberId);
}

/** Gives a number back when the connect that took it could not complete. */
export async function dropHold(numberId: string, workspaceId: string): Promise<void> {
  await NumberHold.deleteOne({ _id: numberId, workspaceId, state: 'held' });
  heldBy.forget(numberId);
}

/** Ends a reservation (the cool-down is over). A number held again is left alone. */
export async function releaseReservation(numberId: string, workspaceId: string): Promise<boolean> {
  const result = await NumberHold.deleteOne({ _id: numberId, workspaceId, state: 'reserved' });
  return result.deletedCount === 1;
}

/**
 * Who holds a shared number, remembered for 2 s while it is held: under a burst, one read instead of
 * one per message. A held number does not change hands: its holder leaving it makes it a
 * reservation of the same workspace (replies still go there), and another workspace can take it
 * only once that cool-down (days) is over. A reservation is never remembered, and a hold that ends
 * here is forgotten in this process. (A cool-down shorter than 2 s, a test setting, could let
 * another process's remembered holder outlive it.)
 */
const heldBy = remembered((numberId) => NumberHold.findById(numberId, { workspaceId: 1, state: 1 }).lean(), {
  forMs: 2_000,
  keepIf: (hold) => hold.state === 'held',
});

/** The workspace that receives messages sent to a shared number: its holder, or during a cool-down its last holder. */
export async function holderOf(numberId: string): Promise<string | undefined> {
  return (await heldBy(numberId))?.workspaceId;
}
