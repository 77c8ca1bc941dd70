import { NumberPace, PaceSlot } from '../db/models';
import { serialWrite } from '../db/serialWrites';
import { isDuplicateKeyError } from '../db/errors';

/*
 * Per-number pacing shared by every worker process. Time is cut into slots of one segment each
 * (1/rate seconds); a message of k segments takes k consecutive slots by inserting one document
 * per slot with a unique _id `<numberId>:<rate>:<index>`. The unique insert is the only
 * arbitration (FerretDB offers no reliable compare-and-set), so two workers can never hold the
 * same slot. `NumberPace.nextSlot` is only a hint where free slots start, to keep collisions few.
 */

const MAX_SLOW_FACTOR = 4;
/** Each push-back slows the number by this factor; each accepted send takes back this much. */
const SLOW_STEP = 1.25;
const RECOVER_STEP = 0.05;
/**
 * A slot is never closer than this: the workflow wakes before its slot and the send activity waits
 * out the rest, so that dispatch latency delays no send past its slot (see SEND_LEAD_MS).
 */
const SLOT_LEAD_MS = 1000;
/** Slots older than this are deleted now and then (no TTL index on FerretDB). */
const KEEP_SLOTS_MS = 10 * 60_000;

export interface SlotRequest {
  numberId: string;
  /** The number's throughput, segments per second. */
  rate: number;
  segments: number;
  messageId: string;
}

export interface Slot {
  /** When the message may leave (ms since the epoch). */
  at: number;
  /** How many slots it took (segments, times the slow-down factor). */
  slots: number;
}

/**
 * What this process last knew of each number's pace, and the slot after the last one it took: a
 * read saved per reservation. Staleness is harmless: the hint only says where to try first (the
 * insert decides), and the slow-down is a tuning knob, picked up within PACE_VIEW_MS.
 */
const views = new Map<string, { rate: number; next: number; slowFactor: number; slowUntil: number; readAt: number }>();
const PACE_VIEW_MS = 2_000;

/** Reservations for one number run one after another in this process: concurrent ones would only collide. */
export function reserveSlot(req: SlotRequest): Promise<Slot> {
  return serialWrite(`pace-slots:${req.numberId}`, () => reserve(req));
}

async function reserve(req: SlotRequest): Promise<Slot> {
  const slotMs = 1000 / req.rate;
  const now = Date.now();
  let view = views.get(req.numberId);
  if (!view || view.rate !== req.rate || now - view.readAt > PACE_VIEW_MS) {
    const pace = await NumberPace.findById(req.numberId).lean();
    view = {
      rate: req.rate,
      next: Math.max(pace?.rate === req.rate ? pace.nextSlot : 0, view?.rate === req.rate ? view.next : 0),
      slowFactor: pace?.slowFactor ?? 1,
      slowUntil: pace?.slowUntil?.getTime() ?? 0,
      readAt: now,
    };
    views.set(req.numberId, view);
  }
  const factor = view.slowUntil > now ? view.slowFactor : 1;
  const need = Math.max(1, Math.ceil(req.segments * factor));
  let start = Math.max(Math.ceil((now + SLOT_LEAD_MS) / slotMs), view.next);
  for (let tries = 0; tries < 500; tries++) {
    const conflict = await takeRun(req, start, need);
    if (conflict === null) {
      view.next = start + need;
      await advanceHint(req.numberId, req.rate, start + need);
      if (start % 256 < need) await forgetOldSlots(req.numberId, now);
      return { at: Math.round(start * slotMs), slots: need };
    }
    // Another process took it: its hint says how far it got.
    const fresh = await NumberPace.findById(req.numberId, { nextSlot: 1, rate: 1 }).lean();
    start = Math.max(conflict + 1, fresh?.rate === req.rate ? fresh.nextSlot : 0, Math.ceil((Date.now() + SLOT_LEAD_MS) / slotMs));
  }
  throw new Error(`no free pace slot found for number ${req.numberId}`);
}

/** Takes slots start..start+count-1, or gives back what it took and returns the first index held by another. */
async function takeRun(req: SlotRequest, start: number, count: number): Promise<number | null> {
  const slotMs = 1000 / req.rate;
  const taken: string[] = [];
  for (let i = start; i < start + count; i++) {
    const _id = `${req.numberId}:${req.rate}:${i}`;
    try {
      await PaceSlot.create({ _id, numberId: req.numberId, messageId: req.messageId, at: new Date(Math.round(i * slotMs)) });
      taken.push(_id);
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      // One by _id alone each (they are ours: we just inserted them): FerretDB scans the collection
      // for an $in, or for a filter with any field beside _id.
      await Promise.all(taken.map((id) => PaceSlot.deleteOne({ _id: id })));
      return i;
    }
  }
  return null;
}

async function advanceHint(numberId: string, rate: number, next: number): Promise<void> {
  try {
    const res = await NumberPace.updateOne({ _id: numberId, rate }, { $max: { nextSlot: next } });
    if (res.matchedCount === 0) await NumberPace.updateOne({ _id: numberId }, { $set: { rate, nextSlot: next } }, { upsert: true });
  } catch (err) {
    // Two first reservations upserting at once: the hint is advisory, the other one set it.
    if (!isDuplicateKeyError(err)) throw err;
  }
}

async function forgetOldSlots(numberId: string, now: number): Promise<void> {
  await PaceSlot.deleteMany({ numberId, at: { $lt: new Date(now - KEEP_SLOTS_MS) } });
}

/**
 * The carrier pushed back (429): the number's pace slows (each push-back by SLOW_STEP, up to
 * MAX_SLOW_FACTOR) and stays slowed until `recoverySeconds` pass without another one. Updates
 * race harmlessly: the factor is a tuning knob, not a safety limit (slots are).
 */
export async function notePushBack(numberId: string, recoverySeconds: number): Promise<void> {
  const pace = await NumberPace.findById(numberId, { slowFactor: 1, slowUntil: 1 }).lean();
  const now = Date.now();
  const current = pace?.slowUntil && pace.slowUntil.getTime() > now ? pace.slowFactor : 1;
  const slowFactor = Math.min(MAX_SLOW_FACTOR, current * SLOW_STEP);
  try {
    await NumberPace.updateOne({ _id: numberId }, { $set: { slowFactor, slowUntil: new Date(now + recoverySeconds * 1000) } }, { upsert: true });
  } catch (err) {
    if (!isDuplicateKeyError(err)) throw err;
  }
  // This process slows down at once.
  const view = views.get(numberId);
  if (view) view.readAt = 0;
}

/** An accepted send wins back part of a slow-down (additive recovery: occasional 429s barely slow a number). */
export async function noteAccepted(numberId: string): Promise<void> {
  // Not slowed as far as this process knows (the usual case): nothing to win back, no read.
  const view = views.get(numberId);
  if (view && (view.slowFactor <= 1 || view.slowUntil <= Date.now())) return;
  const pace = await NumberPace.findById(numberId, { slowFactor: 1, slowUntil: 1 }).lean();
  if (!pace || pace.slowFactor <= 1 || !pace.slowUntil || pace.slowUntil.getTime() <= Date.now()) return;
  await NumberPace.updateOne({ _id: numberId }, { $set: { slowFactor: Math.max(1, pace.slowFactor - RECOVER_STEP) } });
}
