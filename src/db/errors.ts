import mongoose from 'mongoose';

/**
 * A database error worth one more try: a dropped connection, or a write that lost a lock race
 * (FerretDB on SQLite answers "database is locked" under bursts). Duplicate keys are answers, not
 * failures, and are handled where they occur.
 */
export function isTransientDbError(err: unknown): boolean {
  if (!(err instanceof mongoose.mongo.MongoError)) return false;
  if (isDuplicateKeyError(err)) return false;
  return err instanceof mongoose.mongo.MongoNetworkError || err.hasErrorLabel('RetryableWriteError') || /locked|SQLITE_BUSY/i.test(err.message);
}

/**
 * A unique index refused the write. MongoDB says 11000 for inserts and updates alike; FerretDB
 * 1.24 says 11000 for inserts but fails an update with an internal error naming the constraint.
 */
export function isDuplicateKeyError(err: unknown): boolean {
  const e = err as { code?: number; message?: string };
  return e.code === 11000 || /UNIQUE constraint failed/.test(e.message ?? '');
}

/**
 * Runs an idempotent step again after a transient database error, a few times with growing
 * pauses, so that a burst does not turn into lost messages while the provider waits (Twilio waits
 * 15 s for a webhook's answer and, by default, never retries).
 */
export async function retryTransient<T>(step: () => Promise<T>, delaysMs: readonly number[] = [50, 200, 800]): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await step();
    } catch (err) {
      if (attempt >= delaysMs.length || !isTransientDbError(err)) throw err;
      await new Promise((resolve) => setTimeout(resolve, delaysMs[attempt]));
    }
  }
}
