import mongoose, { Schema } from 'mongoose';
import type { ClientRateLimitInfo, Options, Store } from 'express-rate-limit';
import { isDuplicateKeyError, retryTransient } from '../db/errors';

/**
 * One fixed window's hits for one client. The window is part of the `_id`, so a new window is a new
 * document (no reset to race on) and every read and write is by `_id` alone, the one lookup
 * FerretDB answers from an index. A client's first hit in a window deletes its previous window
 * (FerretDB 1.24 has no TTL indexes); a client never seen again leaves one small document.
 */
const rateCounterSchema = new Schema(
  {
    _id: { type: String, required: true },
    hits: { type: Number, required: true },
  },
  { versionKey: false, collection: 'rate_counters' },
);

export const RateCounter = mongoose.models.RateCounter ?? mongoose.model('RateCounter', rateCounterSchema);

/**
 * An express-rate-limit store whose counts live in the database, so that every API replica counts
 * the same hits: two processes behind a balancer allow the limit once, not once each. Each hit is
 * one atomic `$inc` upsert, so hits at the same moment all count.
 */
export class MongoRateStore implements Store {
  windowMs = 60_000;
  readonly localKeys = false;

  constructor(readonly prefix: string) {}

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  private window(now = Date.now()) {
    const index = Math.floor(now / this.windowMs);
    return { index, resetTime: new Date((index + 1) * this.windowMs) };
  }

  private id(key: string, index: number) {
    return `${this.prefix}${key}@${index}`;
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const { index, resetTime } = this.window();
    const doc = await RateCounter.findById(this.id(key, index), { hits: 1 }).lean<{ hits: number }>();
    return doc ? { totalHits: doc.hits, resetTime } : undefined;
  }

  async increment(key: string): Promise<ClientRateLimitInfo> {
    const { index, resetTime } = this.window();
    const _id = this.id(key, index);
    const bump = () =>
      RateCounter.findOneAndUpdate(
        { _id },
        { $inc: { hits: 1 } },
        { upsert: true, new: true },
      ).lean<{ hits: number }>();
    let doc;
    try {
      doc = await retryTransient(bump);
    } catch (err) {
      // Two first hits of a window at once: one upsert inserted, the other now finds it.
      if (!isDuplicateKeyError(err)) throw err;
      doc = await retryTransient(bump);
    }
    const totalHits = doc?.hits ?? 1;
    if (totalHits === 1) void RateCounter.deleteOne({ _id: this.id(key, index - 1) }).catch(() => undefined);
    return { totalHits, resetTime };
  }

  async decrement(key: string): Promise<void> {
    const { index } = this.window();
    await RateCounter.updateOne({ _id: this.id(key, index) }, { $inc: { hits: -1 } });
  }

  async resetKey(key: string): Promise<void> {
    const { index } = this.window();
    await RateCounter.deleteOne({ _id: this.id(key, index) });
  }
}
