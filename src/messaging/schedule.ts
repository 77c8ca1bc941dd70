import { AppError } from '../errors';

/*
 * Scheduled messages (`sendAt`): stored at once like every message (status `scheduled`), queued on
 * the number's sender, which holds them aside until due (workflows/schedule.ts). The validity
 * period counts from `sendAt`.
 */

const DAY_MS = 86_400_000;

/** A `sendAt` must lie in the future and within the configured horizon. */
export function checkSendAt(sendAt: Date, now: Date, horizonDays: number): void {
  if (sendAt.getTime() <= now.getTime()) {
    throw new AppError('send_at_not_in_future', `sendAt must be in the future (it is ${sendAt.toISOString()}, and now is ${now.toISOString()}).`, { sendAt: sendAt.toISOString() });
  }
  const latest = new Date(now.getTime() + horizonDays * DAY_MS);
  if (sendAt > latest) {
    throw new AppError('send_at_beyond_horizon', `sendAt may be at most ${horizonDays} days ahead (until ${latest.toISOString()}).`, {
      sendAt: sendAt.toISOString(),
      horizonDays,
    });
  }
}

/** From when the message may leave: its validity period counts from then. */
export const dueAt = (m: { sendAt?: Date | null; createdAt: Date }) => m.sendAt ?? m.createdAt;
