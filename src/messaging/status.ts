import type { MessageStatus } from '../vocabulary';
import { PLATFORM_WIDE } from '../db/scope';
import { updateMessageIf, type MessageScope } from './store';

/*
 * A message's status only moves forward: every change is one conditional update that applies only
 * while the stored rank is lower (`statusRank`), so duplicated, late or out-of-order callbacks and
 * two writers at once change nothing after the furthest status. The first final status wins.
 * The provider's callbacks and the sender find a message by its id alone (platform-wide: see store.ts).
 */
export const RANK: Record<string, number> = { accepted: 0, scheduled: 0, queued: 1, sending: 2, sent: 3, delivered: 4, undelivered: 4, failed: 4, expired: 4, cancelled: 4 };
export const FINAL_RANK = 4;
export const isFinalStatus = (s: string) => RANK[s] === FINAL_RANK;

/** The provider's statuses in ours; unknown ones (Twilio adds some without notice) are ignored. */
export function fromProviderStatus(status: string): MessageStatus | undefined {
  switch (status) {
    case 'accepted':
    case 'scheduled':
    case 'queued':
      return 'queued';
    case 'sending':
    case 'sent':
    case 'delivered':
    case 'undelivered':
    case 'failed':
      return status;
    case 'read':
      return 'delivered';
    case 'canceled':
      return 'failed';
    default:
      return undefined;
  }
}

export interface StatusChange {
  status: MessageStatus;
  errorCode?: string;
  errorMessage?: string;
  at?: Date;
}

function statusUpdate(change: StatusChange, extra: Record<string, unknown> = {}) {
  const at = change.at ?? new Date();
  return {
    $set: {
      status: change.status,
      statusRank: RANK[change.status],
      updatedAt: at,
      ...(change.errorCode && { errorCode: change.errorCode }),
      ...(change.errorMessage && { errorMessage: change.errorMessage }),
      ...extra,
    },
    $push: { statusHistory: { status: change.status, at, ...(change.errorCode && { errorCode: change.errorCode }) }, reached: change.status },
  };
}

/**
 * An earlier step of the journey that arrives after a later one (the provider's callbacks for one
 * message can cross, and so can a callback and our record of the create's answer): it joins the
 * history once, and the status stays where it is. A final status never joins after another one.
 */
function joinHistory(messageId: string, match: Record<string, unknown>, status: MessageStatus, at: Date, set: Record<string, unknown> = {}) {
  return updateMessageIf(
    PLATFORM_WIDE,
    messageId,
    { ...match, statusRank: { $gt: RANK[status] }, reached: { $ne: status } },
    { ...(Object.keys(set).length > 0 && { $set: set }), $push: { statusHistory: { status, at }, reached: status } },
  );
}

/**
 * A status the provider reported for the message it has under `sid`: applied only if it moves the
 * message forward and the message is the one the provider means (same sender; its sid, or none
 * recorded yet: under load a callback can overtake our own record of the create's answer, and then
 * it records the sid itself). One update (two for a step that arrives late); true when it moved the status.
 */
export async function recordProviderStatus(messageId: string, match: { sid: string; from: string }, change: StatusChange): Promise<boolean> {
  const result = await updateMessageIf(
    PLATFORM_WIDE,
    messageId,
    { from: match.from, statusRank: { $lt: RANK[change.status] }, $or: [{ providerSid: match.sid }, { providerSid: { $exists: false } }] },
    statusUpdate(change, { providerSid: match.sid }),
  );
  if (result.matchedCount === 1) return true;
  await joinHistory(messageId, { from: match.from, providerSid: match.sid }, change.status, change.at ?? new Date());
  return false;
}

/** The provider took the message: its sid, and `queued` (in the history only, if a callback got further first). */
export async function recordHandover(messageId: string, sid: string): Promise<void> {
  const queued = await updateMessageIf(PLATFORM_WIDE, messageId, { statusRank: { $lt: RANK.queued } }, statusUpdate({ status: 'queued' }, { providerSid: sid }));
  if (queued.matchedCount === 0) await joinHistory(messageId, {}, 'queued', new Date(), { providerSid: sid });
}

/**
 * Ends a message that never reached the provider (expired, failed or cancelled before sending): only while it
 * is still `accepted` with no attempt pending other than `attemptAt` (an attempt whose answer is
 * unknown may have created it: that is looked up first). True when it was ended here. The API
 * ends one workspace's message; the sender, whichever it holds.
 */
export async function endUnsent(
  scope: MessageScope,
  messageId: string,
  change: StatusChange & { status: 'failed' | 'expired' | 'cancelled' },
  attemptAt?: Date,
): Promise<boolean> {
  const result = await updateMessageIf(scope, messageId, { statusRank: RANK.accepted, sendAttemptAt: attemptAt ?? { $exists: false } }, statusUpdate(change));
  return result.modifiedCount === 1;
}
