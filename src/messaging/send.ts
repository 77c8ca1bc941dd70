import { Contact, Message, PhoneNumber } from '../db/models';
import { loadChannel } from '../numbers/channel';
import { setOptOut } from '../inbox/optOut';
import { contactIdFor } from '../inbox/threads';
import { remembered } from '../db/remembered';
import { ProviderError, describeDeliveryError, type ProviderMessage, type SmsProvider } from '../provider';
import type { ProviderDirectory } from '../provider/directory';
import { noteAccepted, notePushBack, reserveSlot } from './pacing';
import { fromProviderStatus, recordHandover, recordStatus } from './status';
import { earlierInLine } from './turns';

/*
 * The steps of sending one message, each safe to repeat (activities are retried, workers die).
 * Exactly once rests on one rule: the start of every provider create is written down first
 * (`sendAttemptAt`), and a message with an attempt whose answer we never saw is looked up at the
 * provider before anything is sent again.
 */

export interface SendDeps {
  providers: ProviderDirectory;
  statusCallbackUrl: string;
  /** How long the provider may take to list a message it accepted before we conclude it did not. */
  lookupGraceMs: number;
  paceRecoverySeconds: number;
}

/** Twilio's maximum ValidityPeriod. */
const MAX_VALIDITY_SECONDS = 36_000;
/** Twilio's dates have whole seconds, and clocks differ a little. */
const LOOKUP_CLOCK_MARGIN_MS = 5_000;
const OPTED_OUT = 21610;
/** The checks before a send run this long before its slot, as when the workflow wakes ahead of it (SEND_LEAD_MS). */
const CHECK_LEAD_MS = 1000;

export type Readiness =
  | { kind: 'done' }
  | { kind: 'failed' }
  | { kind: 'paused' }
  | { kind: 'wait_turn' }
  /** It holds the sender number's slot at `at` (ms since the epoch). */
  | { kind: 'slot'; at: number };

export type SendOutcome =
  | { outcome: 'sent' | 'failed' | 'done' | 'paused' | 'wait_turn' | 'transient' | 'ambiguous' | 'unresolved' }
  | { outcome: 'throttled'; retryAfterMs?: number };

type MessageDoc = NonNullable<Awaited<ReturnType<typeof loadMessage>>>;

const loadMessage = (messageId: string) => Message.findById(messageId).lean();

async function fail(messageId: string, errorCode: string, errorMessage: string): Promise<void> {
  await Message.updateOne({ _id: messageId }, { $unset: { slotAt: 1 } });
  await recordStatus(messageId, { status: 'failed', errorCode, errorMessage });
}

/**
 * Sender numbers this process read lately: every message reads its number twice, and what is used
 * of it (E.164, account, throughput) changes only when support reconfigures the number, which a few
 * seconds later is soon enough. Which number the channel uses is never cached.
 */
type SenderNumber = { _id: string; e164: string; accountSid: string; throughputPerSecond: number };
const senderNumber = remembered<SenderNumber>((numberId) => PhoneNumber.findById(numberId, { e164: 1, accountSid: 1, throughputPerSecond: 1 }).lean(), {
  forMs: 5_000,
  maxKeys: 1_000,
});

/**
 * Whether the channel still lets this message go, and if so from which number. The recipient's
 * opt-out is checked before sending; taking a turn skips it (a read saved per message; an opt-out
 * in between costs a pace slot, and the send then fails the message).
 */
async function checkChannel(m: MessageDoc, { recipient }: { recipient: boolean }): Promise<{ kind: 'failed' } | { kind: 'paused' } | { kind: 'ok'; numberId: string }> {
  const [channel, contact] = await Promise.all([
    loadChannel(m.workspaceId),
    recipient ? Contact.findById(contactIdFor(m.workspaceId, m.to), { optedOut: 1 }).lean() : null,
  ]);
  if (channel.status !== 'connected' || !channel.numberId) {
    await fail(m._id, 'channel_not_connected', 'The SMS channel was disconnected before the message could leave, so it was not sent.');
    return { kind: 'failed' };
  }
  if (!channel.enabled) return { kind: 'paused' };
  if (contact?.optedOut) {
    await fail(m._id, 'recipient_opted_out', 'The recipient opted out (replied STOP) before the message could leave, so it was not sent.');
    return { kind: 'failed' };
  }
  return { kind: 'ok', numberId: channel.numberId };
}

/**
 * Whether an earlier outbound message to the same recipient from the same workspace has not left
 * yet (and, with `withoutSlot`, does not even hold a slot).
 */
function earlierUnsent(m: MessageDoc, withoutSlot: boolean): Promise<boolean> {
  const { recipientTurn } = m;
  if (recipientTurn !== undefined && recipientTurn !== null) return earlierInLine({ ...m, recipientTurn }, withoutSlot ? 'slot' : 'send');
  return earlierUnsentScanned(m, withoutSlot);
}

/**
 * For messages accepted before recipient turns existed: a scan of the recipient's waiting messages
 * (FerretDB scans for any filter but _id), judged here.
 */
async function earlierUnsentScanned(m: MessageDoc, withoutSlot: boolean): Promise<boolean> {
  const waiting = await Message.find(
    { workspaceId: m.workspaceId, to: m.to, status: 'accepted' },
    { _id: 1, direction: 1, createdAt: 1, validUntil: 1, slotAt: 1 },
  ).lean();
  const now = Date.now();
  return waiting.some(
    (w) =>
      w._id !== m._id &&
      w.direction === 'outbound' &&
      (w.createdAt < m.createdAt || (w.createdAt.getTime() === m.createdAt.getTime() && w._id < m._id)) &&
      (w.validUntil?.getTime() ?? 0) > now &&
      (!withoutSlot || !w.slotAt),
  );
}

/**
 * Takes the message's next pace slot on its sender number, once the channel allows it and every
 * earlier message to the same recipient already holds one (slots are handed out in time order, so
 * acceptance order holds). A retry after a crash may take a second slot: a gap, never a burst.
 */
export async function takeTurn(messageId: string): Promise<Readiness> {
  const m = await loadMessage(messageId);
  if (!m || m.status !== 'accepted' || m.providerSid) return { kind: 'done' };
  const channel = await checkChannel(m, { recipient: false });
  if (channel.kind !== 'ok') return channel;
  return reserveTurn(m, channel.numberId);
}

async function reserveTurn(m: MessageDoc, numberId: string): Promise<Readiness> {
  if (await earlierUnsent(m, true)) return { kind: 'wait_turn' };
  const number = await senderNumber(numberId);
  if (!number) {
    await fail(m._id, 'channel_not_connected', 'The connected number no longer exists, so the message was not sent.');
    return { kind: 'failed' };
  }
  const slot = await reserveSlot({ numberId: number._id, rate: number.throughputPerSecond, segments: m.segments ?? 1, messageId: m._id });
  await Message.updateOne({ _id: m._id }, { $set: { slotAt: new Date(slot.at) } });
  return { kind: 'slot', at: slot.at };
}

/** Gives the turn back while the message backs off or waits, so later messages to the recipient wait for it. */
const releaseTurn = (messageId: string, alsoAttempt = false) =>
  Message.updateOne({ _id: messageId }, { $unset: alsoAttempt ? { slotAt: 1, sendAttemptAt: 1 } : { slotAt: 1 } });

/**
 * Sends the message at its slot (`slotAt`, ms since the epoch; the checks run before it), unless an
 * earlier attempt turns out to have been accepted.
 */
export async function sendNow(deps: SendDeps, messageId: string, slotAt: number): Promise<SendOutcome> {
  const m = await loadMessage(messageId);
  if (!m || m.status !== 'accepted' || m.providerSid) return { outcome: 'done' };
  return checkAndSend(deps, m, slotAt);
}

/**
 * Takes the turn and, when its slot is within `horizonMs` (and before `validUntil`), sends at it in
 * the same activity: one activity and no durable timer per message while queues are short. A slot
 * further out is returned, for the workflow to sleep until it.
 */
export async function sendWhenDue(deps: SendDeps, messageId: string, validUntil: number, horizonMs: number): Promise<Readiness | SendOutcome> {
  const m = await loadMessage(messageId);
  if (!m || m.status !== 'accepted' || m.providerSid) return { kind: 'done' };
  const channel = await checkChannel(m, { recipient: false });
  if (channel.kind !== 'ok') return channel;
  const turn = await reserveTurn(m, channel.numberId);
  if (turn.kind !== 'slot') return turn;
  if (turn.at - Date.now() > horizonMs || turn.at >= validUntil) return { kind: 'slot', at: turn.at };
  const untilChecks = turn.at - CHECK_LEAD_MS - Date.now();
  if (untilChecks > 0) await new Promise((resolve) => setTimeout(resolve, untilChecks));
  return checkAndSend(deps, m, turn.at);
}

/** The checks shortly before the slot (sending off, disconnected, opted out), then the send. */
async function checkAndSend(deps: SendDeps, m: MessageDoc, slotAt: number): Promise<SendOutcome> {
  const channel = await checkChannel(m, { recipient: true });
  if (channel.kind === 'failed') return { outcome: 'failed' };
  if (channel.kind === 'paused') {
    await releaseTurn(m._id);
    return { outcome: 'paused' };
  }
  const number = await senderNumber(channel.numberId);
  if (!number) {
    await fail(m._id, 'channel_not_connected', 'The connected number no longer exists, so the message was not sent.');
    return { outcome: 'failed' };
  }
  return attemptSend(deps, m, number, slotAt);
}

/** The send itself, at the slot: the lookup of an unanswered attempt first, then the recipient's order, then the create. */
async function attemptSend(deps: SendDeps, m: MessageDoc, number: SenderNumber, slotAt: number): Promise<SendOutcome> {
  const messageId = m._id;
  const handle = await deps.providers.forAccount(number.accountSid);
  if (!handle) {
    await fail(messageId, 'channel_not_connected', 'The provider account of the connected number no longer exists, so the message was not sent.');
    return { outcome: 'failed' };
  }

  if (m.sendAttemptAt) {
    const found = await lookUpAttempt(handle.provider, m);
    if (found) {
      await handedOver(m, found.sid, found.status, found.errorCode);
      return { outcome: 'sent' };
    }
    if (Date.now() - m.sendAttemptAt.getTime() < deps.lookupGraceMs) {
      await releaseTurn(messageId);
      return { outcome: 'unresolved' };
    }
  }

  const early = slotAt - Date.now();
  if (early > 0) await new Promise((resolve) => setTimeout(resolve, early));
  // Checked at the slot: an earlier message to the same recipient that has not left yet (backing off) goes first.
  if (await earlierUnsent(m, false)) {
    await releaseTurn(messageId);
    return { outcome: 'wait_turn' };
  }
  const now = Date.now();
  await Message.updateOne(
    { _id: messageId },
    { $set: { sendAttemptAt: new Date(now), from: number.e164, senderNumberId: number._id, updatedAt: new Date(now) }, $inc: { sendAttempts: 1 } },
  );
  const remaining = Math.ceil(((m.validUntil?.getTime() ?? now) - now) / 1000);
  try {
    const sent = await handle.provider.sendMessage({
      from: number.e164,
      to: m.to,
      body: m.body ?? '',
      mediaUrls: (m.media ?? []).flatMap((x) => (x.url ? [x.url] : [])),
      // The message's id rides along, so its callbacks find it by _id (a find by sid is a scan on FerretDB).
      statusCallback: `${deps.statusCallbackUrl}?messageId=${encodeURIComponent(messageId)}`,
      validityPeriodSeconds: Math.min(MAX_VALIDITY_SECONDS, Math.max(1, remaining)),
    });
    await handedOver(m, sent.sid, sent.status);
    await noteAccepted(number._id);
    return { outcome: 'sent' };
  } catch (err) {
    if (!(err instanceof ProviderError)) throw err;
    switch (err.category) {
      case 'throttled':
        await notePushBack(number._id, deps.paceRecoverySeconds);
        await releaseTurn(messageId, true);
        return { outcome: 'throttled', ...(err.retryAfterMs !== undefined && { retryAfterMs: err.retryAfterMs }) };
      case 'transient':
        // An error answer or no connection: the provider did not create the message.
        await releaseTurn(messageId, true);
        return { outcome: 'transient' };
      case 'ambiguous':
        // It may exist: keep sendAttemptAt, so the next try looks it up first.
        await releaseTurn(messageId);
        return { outcome: 'ambiguous' };
      case 'permanent': {
        // The opt-out first: whoever sees the message failed must also find the contact opted out.
        if (err.code === OPTED_OUT) await recordOptOut(m.workspaceId, m.to);
        await fail(messageId, String(err.code), err.sentence);
        return { outcome: 'failed' };
      }
    }
  }
}

/**
 * The message an unanswered attempt may have created: same sender, recipient and body, created
 * after the attempt began, and not already another message of ours.
 */
async function lookUpAttempt(provider: SmsProvider, m: MessageDoc): Promise<ProviderMessage | undefined> {
  const since = m.sendAttemptAt!.getTime() - LOOKUP_CLOCK_MARGIN_MS;
  const listed = await provider.listMessages({ from: m.from, to: m.to, limit: 20 });
  const candidates = listed
    .filter((p) => p.body === (m.body ?? '') && p.direction.startsWith('outbound') && (p.dateCreated?.getTime() ?? 0) >= since)
    .sort((a, b) => (a.dateCreated?.getTime() ?? 0) - (b.dateCreated?.getTime() ?? 0));
  for (const c of candidates) {
    if (!(await Message.exists({ providerSid: c.sid, _id: { $ne: m._id } }))) return c;
  }
  return undefined;
}

async function handedOver(m: MessageDoc, sid: string, providerStatus: string, errorCode?: number | null): Promise<void> {
  const messageId = m._id;
  await recordHandover(m, sid);
  const later = fromProviderStatus(providerStatus);
  // A message found by lookup may have moved on while we did not know its sid (its callbacks found nothing).
  if (later && later !== 'queued') {
    await recordStatus(messageId, { status: later, ...(errorCode ? { errorCode: String(errorCode), errorMessage: describeDeliveryError(errorCode) } : {}) });
  }
}

/** 21610: the provider blocks this recipient; our own list (per workspace, across numbers) learns it too. */
async function recordOptOut(workspaceId: string, address: string): Promise<void> {
  const contact = await Contact.findById(contactIdFor(workspaceId, address), { _id: 1 }).lean();
  if (contact) await setOptOut(contact._id, true, new Date());
}

/** The message could not leave within its validity period. */
export async function expire(messageId: string, reason: string): Promise<void> {
  const m = await Message.findById(messageId, { status: 1 }).lean();
  if (m?.status !== 'accepted') return;
  await Message.updateOne({ _id: messageId }, { $unset: { slotAt: 1 } });
  await recordStatus(messageId, { status: 'expired', errorCode: 'expired', errorMessage: reason });
}
