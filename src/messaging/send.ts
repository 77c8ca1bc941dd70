import { setOptOut } from '../inbox/store/contacts';
import { contactIdFor } from '../inbox/threads';
import { ProviderError, describeDeliveryError, type ProviderMessage, type SmsProvider } from '../provider';
import type { ProviderDirectory } from '../provider/directory';
import type { ChannelState, QueuedMessage, Trouble } from '../temporal/sender';
import { nextFreeAt, slotAt } from '../temporal/pace';
import { endUnsent, fromProviderStatus, recordHandover, recordProviderStatus } from './status';
import { NOT_CONNECTED_REASON, expiryReason } from './reasons';
import { channelStateFor, senderNumber, type SenderNumber } from './senderState';
import { PLATFORM_WIDE } from '../db/scope';
import { claimMessageById, forgetAttemptById, optedOutContactIds, sendStateById, sidHeldByAnother, type ClaimedMessage } from './store';

/*
 * Sending a sender's batch: each message at its slot of the number's pace, exactly once. Exactly
 * once rests on one rule: the start of every provider create is written down first (`sendAttemptAt`,
 * a conditional update that only one attempt wins), and a message with an attempt whose answer we
 * never saw is looked up at the provider before anything is sent again.
 */

export interface SendDeps {
  providers: ProviderDirectory;
  statusCallbackUrl: string;
  /** How long the provider may take to list a message it accepted before we conclude it did not. */
  lookupGraceMs: number;
}

export interface BatchItem extends QueuedMessage {
  /** Why it waited so far (its expiry sentence). */
  trouble?: Trouble;
}

export interface SendBatch {
  numberId: string;
  /** ms since the epoch: the number's next free slot (the last send plus its segments' time). */
  freeAt: number;
  /** The time one segment takes at the number's current pace (1000 / rate × slow-down). */
  segmentMs: number;
  items: BatchItem[];
}

export type ItemOutcome =
  /** The provider has it (sent now, or found sent before). */
  | { messageId: string; outcome: 'sent' }
  /** It ended without leaving (failed, expired, opted out), or had ended already. */
  | { messageId: string; outcome: 'ended' }
  | { messageId: string; outcome: 'throttled'; retryAfterMs?: number }
  /** The provider could not be reached or did not answer: try again after a back-off (an unanswered attempt is looked up first). */
  | { messageId: string; outcome: 'retry' };

export interface BatchResult {
  /** One per message it got to, in any order; messages it did not get to are not listed. */
  outcomes: ItemOutcome[];
  freeAt: number;
  /** The settings it read, when they no longer let this number send for a workspace of the batch. */
  channel?: ChannelState;
}

/** Progress a retried batch resumes from (a killed worker's heartbeat). */
export interface BatchProgress {
  outcomes: ItemOutcome[];
  freeAt: number;
}

/** Twilio's maximum ValidityPeriod. */
const MAX_VALIDITY_SECONDS = 36_000;
/**
 * A message leaves only with at least this much of its validity left: the provider's ValidityPeriod
 * is whole seconds, the create takes a round trip to arrive, and the carrier may hold it a moment
 * in its own queue; with less, it would expire there instead (30036).
 */
const MIN_VALIDITY_LEFT_MS = 2_000;
/** Twilio's dates have whole seconds, and clocks differ a little. */
const LOOKUP_CLOCK_MARGIN_MS = 5_000;
const OPTED_OUT = 21610;
/** Creates of one batch in flight at once: a short code's slots (10 ms) are shorter than a create's round trip. */
const MAX_IN_FLIGHT = 16;


/** Waits `ms`, or less if `stop` fires first. */
function sleepUnless(ms: number, stop: AbortSignal): Promise<void> {
  if (ms <= 0 || stop.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      stop.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    stop.addEventListener('abort', done);
  });
}

/**
 * Sends a batch: checks the settings and the recipients' opt-outs once, then each message at its
 * slot (the number's pace from `freeAt`), creates overlapping when slots are shorter than a round
 * trip. A message to the same recipient as an earlier one in flight waits for that one's answer and
 * goes only if it left; a 429 stops the batch (what is not sent stays queued, in order).
 */
export async function sendBatch(
  deps: SendDeps,
  batch: SendBatch,
  run: { resume?: BatchProgress; progress: (p: BatchProgress) => void; stop: AbortSignal },
): Promise<BatchResult> {
  const { resume, progress, stop } = run;
  const outcomes: ItemOutcome[] = [...(resume?.outcomes ?? [])];
  const done = new Set(outcomes.map((o) => o.messageId));
  const items = batch.items.filter((i) => !done.has(i.messageId));
  const report = (o: ItemOutcome) => {
    outcomes.push(o);
    progress({ outcomes, freeAt });
  };
  // A retry after a lost worker starts from where that one got (never earlier than now: its slots may have passed).
  let freeAt = Math.max(batch.freeAt, resume?.freeAt ?? 0);

  const number = await senderNumber(batch.numberId);
  const handle = number && (await deps.providers.forAccount(number.accountSid));
  if (!number || !handle) {
    for (const item of items) if (await endUnsent(PLATFORM_WIDE, item.messageId, { status: 'failed', errorCode: 'channel_not_connected', errorMessage: NOT_CONNECTED_REASON })) report({ messageId: item.messageId, outcome: 'ended' });
    return { outcomes, freeAt };
  }
  for (const workspaceId of new Set(items.map((i) => i.workspaceId))) {
    const channel = await channelStateFor(workspaceId, batch.numberId);
    if (channel.state !== 'sending') return { outcomes, freeAt, channel };
  }
  const optedOut = await optedOutAmong(items);

  const inFlight = new Map<string, Promise<ItemOutcome>>();
  const lastTo = new Map<string, Promise<ItemOutcome>>();
  // A 429 stops the batch; so does the sender (sending turned off, disconnected, switched away).
  let stopped = false;
  stop.addEventListener('abort', () => (stopped = true));
  for (const item of items) {
    if (stopped) break;
    const before = lastTo.get(item.to);
    if (before && (await before).outcome !== 'sent' && (await before).outcome !== 'ended') break;
    while (inFlight.size >= MAX_IN_FLIGHT) await Promise.race(inFlight.values());
    if (stopped) break;

    const at = slotAt(freeAt, Date.now());
    if (optedOut.has(contactIdFor(item.workspaceId, item.to))) {
      await endUnsent(PLATFORM_WIDE, item.messageId, { status: 'failed', errorCode: 'recipient_opted_out', errorMessage: 'The recipient opted out (replied STOP) before the message could leave, so it was not sent.' });
      report({ messageId: item.messageId, outcome: 'ended' });
      continue;
    }
    const expired = item.validUntil - at < MIN_VALIDITY_LEFT_MS;
    if (expired && (await endUnsent(PLATFORM_WIDE, item.messageId, { status: 'expired', errorCode: 'expired', errorMessage: expiryReason(item.trouble) }))) {
      report({ messageId: item.messageId, outcome: 'ended' });
      continue;
    }
    if (!expired) {
      await sleepUnless(at - Date.now(), stop);
      if (stopped) break;
      // From when it actually goes: a late wake-up must not shorten the gap to the next one.
      freeAt = nextFreeAt(Math.max(at, Date.now()), item.segments, batch.segmentMs);
    }
    const sending = deliver(deps, handle.provider, number, item, expired).then((o) => {
      inFlight.delete(item.messageId);
      if (o.outcome === 'throttled') {
        stopped = true;
        freeAt = Math.max(freeAt, Date.now() + batch.segmentMs);
      }
      report(o);
      return o;
    });
    inFlight.set(item.messageId, sending);
    lastTo.set(item.to, sending);
  }
  await Promise.all(inFlight.values());
  return { outcomes, freeAt };
}

const optedOutAmong = (items: BatchItem[]) => optedOutContactIds([...new Set(items.map((i) => contactIdFor(i.workspaceId, i.to)))]);

/** One message: claimed and created, or (if an earlier attempt's answer was lost) looked up first. */
async function deliver(deps: SendDeps, provider: SmsProvider, number: SenderNumber, item: BatchItem, expired: boolean): Promise<ItemOutcome> {
  const { messageId } = item;
  let claimed = expired ? null : await claimMessageById(messageId, number, undefined);
  if (!claimed) {
    const stored = await sendStateById(messageId);
    if (!stored || stored.providerSid) return { messageId, outcome: stored?.providerSid ? 'sent' : 'ended' };
    if ((stored.statusRank ?? 0) > 0) return { messageId, outcome: 'ended' };
    if (!stored.sendAttemptAt) {
      // Not claimable, no attempt: only an expired message that another writer just ended gets here.
      return { messageId, outcome: expired ? 'ended' : 'retry' };
    }
    const found = await lookUpAttempt(provider, { ...stored, from: stored.from, sendAttemptAt: stored.sendAttemptAt });
    if (found) {
      await handedOver(messageId, number.e164, found.sid, found.status, found.errorCode);
      return { messageId, outcome: 'sent' };
    }
    if (Date.now() - stored.sendAttemptAt.getTime() < deps.lookupGraceMs) return { messageId, outcome: 'retry' };
    if ((stored.validUntil?.getTime() ?? 0) - Date.now() < MIN_VALIDITY_LEFT_MS) {
      await endUnsent(PLATFORM_WIDE, messageId, { status: 'expired', errorCode: 'expired', errorMessage: expiryReason(item.trouble ?? 'provider') }, stored.sendAttemptAt);
      return { messageId, outcome: 'ended' };
    }
    claimed = await claimMessageById(messageId, number, stored.sendAttemptAt);
    if (!claimed) return { messageId, outcome: 'retry' };
  }
  return create(deps, provider, number, claimed, item);
}

async function create(deps: SendDeps, provider: SmsProvider, number: SenderNumber, m: ClaimedMessage, item: BatchItem): Promise<ItemOutcome> {
  const messageId = m._id;
  const attemptAt = m.sendAttemptAt!;
  const remaining = Math.ceil(((m.validUntil?.getTime() ?? Date.now()) - Date.now()) / 1000);
  try {
    const sent = await provider.sendMessage({
      from: number.e164,
      to: m.to,
      body: m.body ?? '',
      mediaUrls: (m.media ?? []).flatMap((x) => (x.url ? [x.url] : [])),
      // The message's id rides along (signed with the rest of the URL), so its callbacks find it by _id.
      statusCallback: `${deps.statusCallbackUrl}?messageId=${encodeURIComponent(messageId)}`,
      validityPeriodSeconds: Math.min(MAX_VALIDITY_SECONDS, Math.max(1, remaining)),
    });
    await handedOver(messageId, number.e164, sent.sid, sent.status);
    return { messageId, outcome: 'sent' };
  } catch (err) {
    if (!(err instanceof ProviderError)) throw err;
    switch (err.category) {
      case 'throttled':
        // Refused: nothing was created, so the next try needs no lookup.
        await forgetAttemptById(messageId, attemptAt);
        return { messageId, outcome: 'throttled', ...(err.retryAfterMs !== undefined && { retryAfterMs: err.retryAfterMs }) };
      case 'transient':
        // An error answer or no connection: the provider did not create the message.
        await forgetAttemptById(messageId, attemptAt);
        return { messageId, outcome: 'retry' };
      case 'ambiguous':
        // It may exist: the attempt stays, so the next try looks it up first.
        return { messageId, outcome: 'retry' };
      case 'permanent':
        // The opt-out first: whoever sees the message failed must also find the contact opted out.
        if (err.code === OPTED_OUT) await recordOptOut(item.workspaceId, m.to);
        await endUnsent(PLATFORM_WIDE, messageId, { status: 'failed', errorCode: String(err.code), errorMessage: err.sentence }, attemptAt);
        return { messageId, outcome: 'ended' };
    }
  }
}

/**
 * The message an unanswered attempt may have created: same sender, recipient and body, created
 * after the attempt began, and not already another message of ours.
 */
async function lookUpAttempt(provider: SmsProvider, m: { _id: string; from: string; to: string; body?: string | null; sendAttemptAt: Date }): Promise<ProviderMessage | undefined> {
  const since = m.sendAttemptAt.getTime() - LOOKUP_CLOCK_MARGIN_MS;
  const listed = await provider.listMessages({ from: m.from, to: m.to, limit: 20 });
  const candidates = listed
    .filter((p) => p.body === (m.body ?? '') && p.direction.startsWith('outbound') && (p.dateCreated?.getTime() ?? 0) >= since)
    .sort((a, b) => (a.dateCreated?.getTime() ?? 0) - (b.dateCreated?.getTime() ?? 0));
  for (const c of candidates) {
    if (!(await sidHeldByAnother(c.sid, m._id))) return c;
  }
  return undefined;
}

async function handedOver(messageId: string, from: string, sid: string, providerStatus: string, errorCode?: number | null): Promise<void> {
  await recordHandover(messageId, sid);
  const later = fromProviderStatus(providerStatus);
  // A message found by lookup may have moved on while we did not know its sid.
  if (later && later !== 'queued') {
    await recordProviderStatus(messageId, { sid, from }, { status: later, ...(errorCode ? { errorCode: String(errorCode), errorMessage: describeDeliveryError(errorCode) } : {}) });
  }
}

/**
 * 21610: the provider blocks this recipient; our own list (per workspace, across numbers) learns it
 * too. The contact exists (the accept made it); were it gone, the update would match nothing.
 */
const recordOptOut = (workspaceId: string, address: string) => setOptOut(workspaceId, contactIdFor(workspaceId, address), true, new Date());
