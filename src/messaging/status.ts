import { Message, MessageStatusEvent, type MessageStatus } from '../db/models';

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

function furthest(events: Event[]): Event | undefined {
  let best: Event | undefined;
  for (const e of events) {
    if (!best) best = e;
    else if (!isFinalStatus(best.status) && RANK[e.status] > RANK[best.status]) best = e;
  }
  return best;
}

/** Records a status the message reached (idempotent) and returns the message's resulting status. */
export async function recordStatus(messageId: string, change: StatusChange): Promise<string | undefined> {
  const at = change.at ?? new Date();
  try {
    await MessageStatusEvent.create({
      _id: `${messageId}:${change.status}`,
      messageId,
      status: change.status,
      ...(change.errorCode && { errorCode: change.errorCode }),
      ...(change.errorMessage && { errorMessage: change.errorMessage }),
      at,
    });
  } catch (err) {
    // Already recorded (a duplicate callback, or a retried activity): still reconcile, the first
    // writer may have stopped before updating the message.
    if ((err as { code?: number }).code !== 11000) throw err;
  }
  return reconcile(messageId);
}

/**
 * Writes the status derived from every event. A writer that read fewer events than exist after
 * its write (another status arrived meanwhile) derives again, so the last write always sees all.
 */
async function reconcile(messageId: string): Promise<string | undefined> {
  for (let round = 0; round < 10; round++) {
    const events = (await MessageStatusEvent.find({ messageId }).sort({ at: 1, _id: 1 }).lean()) as Event[];
    const message = await Message.findById(messageId, { createdAt: 1, status: 1 }).lean();
    if (!message) return undefined;
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
    if ((await MessageStatusEvent.countDocuments({ messageId })) === events.length) return best.status;
  }
  return undefined;
}
