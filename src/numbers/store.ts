import { NumberHold, PhoneNumber, SmsChannel, type PhoneNumberDoc } from '../db/models/numbers';
import { DEFAULT_THROUGHPUT, type NumberType, type WEBHOOK_STATUSES } from '../vocabulary';
import { isDuplicateKeyError } from '../db/errors';
import { newId } from '../db/ids';

/*
 * The SMS channel's reads and writes: channels, numbers and the holds on shared numbers. A channel
 * is the workspace's own (its `_id` is the workspace id). Numbers are the platform's records: a
 * shared number belongs to no workspace, a custom or bring-your-own one to its owner; the functions
 * over a workspace's numbers take its id and put it in their filter. What works across workspaces
 * by design (the pool, the inbound webhook's lookup, the sweeps) says so.
 */

type WebhookState = { status: (typeof WEBHOOK_STATUSES)[number]; checkedAt: Date; detail: string };

/** Every workspace with a connected number: the webhook sweep's list (platform-wide by design). */
export async function connectedWorkspaceIds(): Promise<string[]> {
  const channels = await SmsChannel.find({ status: 'connected' }, { _id: 1 }).lean();
  return channels.map((c) => c._id);
}

export async function findChannelDoc(workspaceId: string) {
  return SmsChannel.findById(workspaceId).lean();
}

export async function findNumber(numberId: string) {
  return PhoneNumber.findById(numberId).lean();
}

/** Records a check's result on the workspace's channel, only while it is connected (to `numberId`, when given). */
export async function recordWebhookState(workspaceId: string, webhook: WebhookState, numberId?: string): Promise<void> {
  await SmsChannel.updateOne({ _id: workspaceId, ...(numberId ? { numberId } : { status: 'connected' }) }, { $set: { webhook } });
}

// ---- the channel ---------------------------------------------------------------------------------

export type ChannelSet = { status?: string; enabled?: boolean; numberId?: string; e164?: string };

/**
 * Applies a change only over the revision it was computed from (single-document compare-and-set);
 * a field set to undefined is removed. False when the settings moved on meanwhile.
 */
export async function writeChannelAtRevision(workspaceId: string, revision: number, set: ChannelSet): Promise<boolean> {
  const $set: Record<string, unknown> = { updatedAt: new Date(), revision: revision + 1 };
  const $unset: Record<string, 1> = {};
  for (const [key, value] of Object.entries(set)) {
    if (value === undefined) $unset[key] = 1;
    else $set[key] = value;
  }
  const update = Object.keys($unset).length ? { $set, $unset } : { $set };
  if (revision === 0) {
    // First configuration: the unique _id makes concurrent first writes collide instead of both winning.
    const exists = await SmsChannel.exists({ _id: workspaceId });
    if (!exists) {
      try {
        await SmsChannel.create({ _id: workspaceId, status: 'not_configured', enabled: true, revision: 0, updatedAt: new Date() });
      } catch (err) {
        if (!isDuplicateKeyError(err)) throw err;
      }
    }
  }
  const result = await SmsChannel.updateOne({ _id: workspaceId, revision }, update);
  return result.modifiedCount === 1;
}

/**
 * Shown in the channel settings: when the workspace last received a text. `$max` never moves it
 * back; the filter is the channel's `_id`, an index search on FerretDB.
 */
export async function noteLastInbound(workspaceId: string, at: Date): Promise<void> {
  await SmsChannel.updateOne({ _id: workspaceId }, { $max: { lastInboundAt: at } });
}

// ---- numbers -------------------------------------------------------------------------------------

export type { PhoneNumberDoc };

/** A number the workspace may connect: a shared one, or its own. */
export async function numberUsableBy(workspaceId: string, numberId: string): Promise<PhoneNumberDoc | null> {
  return PhoneNumber.findOne({ _id: numberId, $or: [{ kind: 'shared' }, { ownerWorkspaceId: workspaceId }] }).lean();
}

/** The workspace's own numbers (custom, bring-your-own, sender IDs), by E.164; narrowed to an account or a type. */
export async function ownNumbers(workspaceId: string, where: { accountSid?: string; type?: NumberType } = {}): Promise<PhoneNumberDoc[]> {
  return PhoneNumber.find({ ownerWorkspaceId: workspaceId, ...where }).sort({ e164: 1 }).lean();
}

/** Forgets the workspace's numbers of a provider account it removes. */
export async function deleteAccountNumbers(workspaceId: string, accountSid: string): Promise<void> {
  await PhoneNumber.deleteMany({ ownerWorkspaceId: workspaceId, accountSid });
}

type NewNumber = Pick<PhoneNumberDoc, 'e164' | 'kind' | 'country' | 'accountSid'> & {
  type: NumberType;
  _id?: string;
  providerSid?: string;
  friendlyName?: string;
  previousSmsUrl?: string;
};

/** Records a number of the workspace's own; a duplicate-key error says its E.164 (or id) is recorded already. */
export async function insertOwnNumber(workspaceId: string, number: NewNumber & { kind: 'custom' | 'byo' }): Promise<PhoneNumberDoc> {
  return insertNumber({ ...number, ownerWorkspaceId: workspaceId });
}

async function insertNumber({ _id, ...number }: NewNumber & { ownerWorkspaceId?: string }): Promise<PhoneNumberDoc> {
  const created = await PhoneNumber.create({ _id: _id ?? newId('num'), ...number, throughputPerSecond: DEFAULT_THROUGHPUT[number.type] });
  return created.toObject();
}

/**
 * Forgets the number a custom-number request recorded (its compensation), found by the request
 * alone: the request's own workflow acts on nothing else, and the record names the request.
 */
export async function forgetRequestNumber(numberId: string, requestId: string): Promise<void> {
  await PhoneNumber.deleteOne({ _id: numberId, friendlyName: requestId });
}

// ---- numbers, platform-wide by design -----------------------------------------------------------

/**
 * One of our numbers by its E.164 (or sender ID), whoever has it: the inbound webhook finds the
 * workspace from the number, and a number is recorded once on the platform.
 */
export async function findNumberByE164(e164: string): Promise<PhoneNumberDoc | null> {
  return PhoneNumber.findOne({ e164 }).lean();
}

/** The shared pool, by E.164. */
export async function sharedNumbers(): Promise<PhoneNumberDoc[]> {
  return PhoneNumber.find({ kind: 'shared' }).sort({ e164: 1 }).lean();
}

export async function insertSharedNumber(number: Omit<NewNumber, 'kind'>): Promise<PhoneNumberDoc> {
  return insertNumber({ ...number, kind: 'shared' });
}

/** A pool number bought again at the provider (the sandbox forgets its numbers when it stops). */
export async function setProviderSid(numberId: string, providerSid: string): Promise<void> {
  await PhoneNumber.updateOne({ _id: numberId }, { $set: { providerSid } });
}

/** The numbers whose inbound texts the reconcile sweep reads back: the connected ones. */
export async function connectedNumberIds(): Promise<string[]> {
  const channels = await SmsChannel.find({ status: 'connected' }, { numberId: 1 }).lean();
  return [...new Set(channels.flatMap((c) => (c.numberId ? [c.numberId] : [])))];
}

// ---- holds on shared numbers: the pool's own records, platform-wide by design ---------------------
// A hold's `_id` is the number's id, so "exactly one workspace holds it" is an atomic insert.

export type HoldDoc = { _id: string; workspaceId: string; state: 'held' | 'reserved'; reservedUntil?: Date | null; since: Date };

/** Who holds the number, or held it last while it cools down. */
export async function holdOf(numberId: string): Promise<HoldDoc | null> {
  return NumberHold.findById(numberId).lean();
}

/** Every hold: which shared numbers the Number dropdown can offer. */
export async function allHolds(): Promise<HoldDoc[]> {
  return NumberHold.find({}).lean();
}

/** Takes a free number; a duplicate-key error says someone holds it. */
export async function insertHold(numberId: string, workspaceId: string, since: Date): Promise<void> {
  await NumberHold.create({ _id: numberId, workspaceId, state: 'held', since });
}

/**
 * Takes a reservation: the workspace's own (it comes back within its cool-down), or anyone's whose
 * cool-down is over (its release may be late). True when taken.
 */
export async function takeReservation(numberId: string, workspaceId: string, now: Date): Promise<boolean> {
  const taken = await NumberHold.updateOne(
    { _id: numberId, state: 'reserved', $or: [{ workspaceId }, { reservedUntil: { $lte: now } }] },
    { $set: { workspaceId, state: 'held', since: now }, $unset: { reservedUntil: 1 } },
  );
  return taken.modifiedCount === 1;
}

/** Turns the workspace's hold into a reservation for its cool-down. */
export async function reserveHold(numberId: string, workspaceId: string, until: Date): Promise<void> {
  await NumberHold.updateOne({ _id: numberId, workspaceId, state: 'held' }, { $set: { state: 'reserved', reservedUntil: until } });
}

/** Ends the workspace's hold or reservation; true when there was one in that state. */
export async function deleteHold(numberId: string, workspaceId: string, state: HoldDoc['state']): Promise<boolean> {
  return (await NumberHold.deleteOne({ _id: numberId, workspaceId, state })).deletedCount === 1;
}

// ---- What the outbound sender reads (messaging/senderState.ts) ------------------------------------

/** What sending from a number uses of it: its E.164, provider account and pace (a platform record, by its own id). */
export async function senderNumberFields(numberId: string) {
  return PhoneNumber.findById(numberId, { e164: 1, accountSid: 1, throughputPerSecond: 1 }).lean();
}

/** The workspace's SMS settings as far as sending goes: connected to which number, enabled, and their revision. */
export async function sendingSettings(workspaceId: string) {
  return SmsChannel.findById(workspaceId, { status: 1, enabled: 1, numberId: 1, revision: 1 }).lean();
}
