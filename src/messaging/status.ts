import { EarlyCallback, Message, MessageStatusEvent, type MessageStatus } from '../db/models';
import { serialWrite } from '../db/serialWrites';
import { isDuplicateKeyError } from '../db/errors';

/**
 * Statuses only move forward. Every status a message reaches is an event stored once (unique
 * `<messageId>:<status>`), and the message's `status` and `statusHistory` are derived from all of
 * them, so duplicated, late or out-of-order callbacks, and two writers at once, all converge on the
 * furthest state. The first final status to arrive wins over later final ones.
 */
const RANK: Record<string, number> = { accepted: 0, queued: 1, sending: 2, sent: 3, delivered: 4, undelivered: 4, failed: 4, expired: 4 };
export const isFinalStatus = (s: string) => RANK[s] === 4;

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

type Event = { status: string; errorCode?: string | null; errorMessage?: string | null; at: Date };

/** Every status an event can hold: a message's events are read by _id, one per status (FerretDB scans for any other find). */
const EVENT_STATUSES = Object.keys(RANK).filter((s) => s !== 'accepted');
const eventId = (messageId: string, status: string) => `${messageId}:${status}`;

async function readEvents(messageId: string, statuses: string[]): Promise<Event[]> {
  const found = await Promise.all(statuses.map((status) => MessageStatusEvent.findById(eventId(messageId, status)).lean()));
  return found.filter((e): e is NonNullable<typeof e> => e !== null) as Event[];
}

function furthest(events: Event[]): Event | undefined {
  let best: Event | undefined;
  for (const e of events) {
    if (!best) best = e;
    else if (!isFinalStatus(best.status) && RANK[e.status] > RANK[best.status]) best = e;
  }
  return best;
}

/**
 * Records a status the message reached (idempotent) and returns the message's resulting status.
 * The event is stored at once; deriving the message from events runs one at a time per message in
 * this process, so its own callbacks never overwrite each other and each starts from the last.
 */
export async function recordStatus(messageId: string, change: StatusChange): Promise<string | undefined> {
  const event: Event = {
    status: change.status,
    at: change.at ?? new Date(),
    ...(change.errorCode && { errorCode: change.errorCode }),
    ...(change.errorMessage && { errorMessage: change.errorMessage }),
  };
  let recorded: Event | undefined = event;
  try {
    await MessageStatusEvent.create({ _id: eventId(messageId, change.status), messageId, ...event });
  } catch (err) {
    // Already recorded (a duplicate callback, or a retried activity): still reconcile, the first
    // writer may have stopped before updating the message; the stored event is read, not this one.
    if (!isDuplicateKeyError(err)) throw err;
    recorded = undefined;
  }
  queued.set(messageId, (queued.get(messageId) ?? 0) + 1);
  return serialWrite(`message-status:${messageId}`, async () => {
    try {
      return await reconcile(messageId, recorded, () => (queued.get(messageId) ?? 0) > 1);
    } finally {
      const left = (queued.get(messageId) ?? 1) - 1;
      if (left > 0) queued.set(messageId, left);
      else queued.delete(messageId);
    }
  });
}

/** Reconciles per message waiting or running in this process (see `laterQueued`). */
const queued = new Map<string, number>();

/**
 * A callback for a message whose handover is not recorded yet (under load the provider's callback
 * can overtake our own write of its answer by seconds). Its event is stored, and a marker says so;
 * then the message is read again. The handover writes the sid, then reads the marker: of the two,
 * at least one sees the other's write, and that one derives the status, so the callback is never lost.
 */
export async function recordEarlyStatus(messageId: string, change: StatusChange): Promise<void> {
  const at = change.at ?? new Date();
  await ignoreDuplicate(
    MessageStatusEvent.create({
      _id: eventId(messageId, change.status),
      messageId,
      status: change.status,
      at,
      ...(change.errorCode && { errorCode: change.errorCode }),
      ...(change.errorMessage && { errorMessage: change.errorMessage }),
    }),
  );
  await ignoreDuplicate(EarlyCallback.create({ _id: messageId, at }));
  if ((await Message.findById(messageId, { providerSid: 1 }).lean())?.providerSid) await recordStatus(messageId, { ...change, at });
}

async function ignoreDuplicate(write: Promise<unknown>): Promise<void> {
  try {
    await write;
  } catch (err) {
    if (!isDuplicateKeyError(err)) throw err;
  }
}

/**
 * The provider took the message: its sid and `queued` in one write. Callbacks that come before it
 * are only stored (`recordEarlyStatus`) and the worker writes no other status, so nobody else is
 * writing this message's status; if an early callback left its marker, the status is derived from
 * every event after the write. A message that has its sid already (a late, repeated handover) is
 * left alone, so callbacks that moved it on are never undone. Read, then written, by _id: FerretDB
 * scans the collection for a filter with any other field, and would not make the condition atomic anyway.
 */
export async function recordHandover(message: { _id: string; createdAt: Date }, providerSid: string): Promise<void> {
  const at = new Date();
  await ignoreDuplicate(MessageStatusEvent.create({ _id: eventId(message._id, 'queued'), messageId: message._id, status: 'queued', at }));
  if ((await Message.findById(message._id, { providerSid: 1 }).lean())?.providerSid) return;
  await Message.updateOne(
    { _id: message._id },
    {
      $set: { providerSid, status: 'queued', statusHistory: [{ status: 'accepted', at: message.createdAt }, { status: 'queued', at }], updatedAt: at },
      $unset: { sendAttemptAt: 1, slotAt: 1 },
    },
  );
  if (await EarlyCallback.findById(message._id).lean()) await recordStatus(message._id, { status: 'queued', at });
}

type StoredMessage = {
  createdAt: Date;
  status: string;
  statusHistory?: Array<{ status?: string | null; at?: Date | null; errorCode?: string | null }> | null;
  errorMessage?: string | null;
};

/**
 * The events the message's history already shows (each one is stored: histories are only ever
 * derived from events), so they need not be read again. The error sentence is kept for the final
 * status only, which is the only one that uses it.
 */
function eventsShownBy(message: StoredMessage): Event[] {
  return (message.statusHistory ?? []).flatMap((h) =>
    h.status && h.status !== 'accepted' && h.at
      ? [{ status: h.status, at: h.at, errorCode: h.errorCode, ...(h.status === message.status && { errorMessage: message.errorMessage }) }]
      : [],
  );
}

/**
 * Writes the status derived from every event. After its write, a writer reads the events it did
 * not derive from: finding one (another status arrived meanwhile, and its writer may have written
 * first), it derives again from all of them, so the last write always sees every event. A first
 * round after recording an event starts from what the message shows, the new event and the
 * statuses before it the message does not show yet (so the history never skips a step it has);
 * later rounds read every event. Of reconciles queued in this process for one message, only the
 * last reads after its write: every event recorded before it is derived from by someone after.
 */
async function reconcile(messageId: string, recorded: Event | undefined, laterQueued: () => boolean): Promise<string | undefined> {
  for (let round = 0; round < 10; round++) {
    const message = (await Message.findById(messageId, { createdAt: 1, status: 1, statusHistory: 1, errorMessage: 1 }).lean()) as StoredMessage | null;
    if (!message) return undefined;
    let events: Event[];
    if (round === 0 && recorded) {
      const shown = eventsShownBy(message).filter((e) => e.status !== recorded.status);
      const known = new Set(shown.map((e) => e.status));
      const earlier = EVENT_STATUSES.filter((st) => RANK[st] < RANK[recorded.status] && !known.has(st));
      events = [...shown, ...(await readEvents(messageId, earlier)), recorded];
    } else {
      events = await readEvents(messageId, EVENT_STATUSES);
    }
    // As stored ids sort: by time, then by status name.
    events.sort((a, b) => a.at.getTime() - b.at.getTime() || a.status.localeCompare(b.status));
    const best = furthest(events);
    if (!best) return message.status;
    // The journey in the order statuses follow each other: callbacks sent milliseconds apart can
    // be received the other way round.
    const history = [{ status: 'accepted', at: message.createdAt }, ...events]
      .sort((a, b) => RANK[a.status] - RANK[b.status] || a.at.getTime() - b.at.getTime())
      .map((e) => ({
        status: e.status,
        at: e.at,
        ...('errorCode' in e && e.errorCode ? { errorCode: e.errorCode } : {}),
      }));
    const failure = isFinalStatus(best.status) ? best : undefined;
    await Message.updateOne(
      { _id: messageId },
      {
        $set: {
          status: best.status,
          statusHistory: history,
          updatedAt: new Date(),
          ...(failure?.errorCode && { errorCode: failure.errorCode }),
          ...(failure?.errorMessage && { errorMessage: failure.errorMessage }),
        },
      },
    );
    // Another reconcile of this message waits behind this one in this process: it starts from this
    // write, and the last one in line looks for events that arrived meanwhile.
    if (laterQueued()) return best.status;
    // Events are never deleted: only the statuses not derived from can have arrived since.
    const derived = new Set(events.map((e) => e.status));
    if ((await readEvents(messageId, EVENT_STATUSES.filter((st) => !derived.has(st)))).length === 0) return best.status;
  }
  return undefined;
}
