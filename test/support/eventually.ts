import { setTimeout as pause } from 'node:timers/promises';

/**
 * Waits for a condition instead of a fixed time: calls `probe` every `everyMs` until it returns a
 * truthy value (which is returned) or `timeoutMs` has passed; then fails saying what it waited for
 * and the probe's last error, if it threw (`what` may be a function, to say where things stood then).
 * The one polling helper of the tests.
 */
export async function eventually<T>(
  what: string | (() => string),
  probe: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  timeoutMs = 30_000,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'string' ? what : what()}${last ? `: ${String(last)}` : ''}`);
    await pause(everyMs);
  }
}
