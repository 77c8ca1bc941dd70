/**
 * A sender number's pace as arithmetic: the sender workflow (which plans batches and slows down on
 * 429s) and the batch activity (which waits for each slot) share it. No I/O and no clock of its own
 * (times come in as arguments), so workflow code may import it and tests check it without servers.
 */

/** Each 429 slows the number by this factor (up to MAX_SLOW_FACTOR); each accepted send takes back RECOVER_STEP. */
export const SLOW_STEP = 1.25;
export const MAX_SLOW_FACTOR = 4;
export const RECOVER_STEP = 0.05;

/** The time one segment takes at `rate` segments a second, slowed down by `slowFactor` (≥ 1). */
export const segmentDurationMs = (rate: number, slowFactor = 1) => (1000 / rate) * slowFactor;

/** When a message may go: the number's next free slot, or now if that slot has passed (never earlier). */
export const slotAt = (freeAt: number, now: number) => Math.max(freeAt, now);

/** The number's next free slot after a message of `segments` segments went at `sentAt`. */
export const nextFreeAt = (sentAt: number, segments: number, segmentMs: number) => sentAt + segments * segmentMs;

/** The slow-down after the carrier answered 429 once more. */
export const slowedDown = (slowFactor: number) => Math.min(MAX_SLOW_FACTOR, slowFactor * SLOW_STEP);

/** The slow-down after `accepted` sends went through without a 429. */
export const recovered = (slowFactor: number, accepted: number) => Math.max(1, slowFactor - RECOVER_STEP * accepted);

/**
 * How long a message waits after its `setbacks`-th setback: doubling from `backoffMs` up to
 * `backoffMaxMs`, spread by ±50 % (`random` in [0, 1): numbers throttled at once retry apart), and
 * never shorter than the carrier's Retry-After.
 */
export function backoffDelayMs(setbacks: number, timings: { backoffMs: number; backoffMaxMs: number }, random: number, retryAfterMs = 0): number {
  const exponential = Math.min(timings.backoffMaxMs, timings.backoffMs * 2 ** (setbacks - 1));
  return Math.max(retryAfterMs, exponential * (0.5 + random));
}
