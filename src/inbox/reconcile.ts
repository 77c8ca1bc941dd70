import type { ProviderDirectory } from '../provider/directory';
import type { ProviderMessage } from '../provider/port';
import { findNumber, holdOf } from '../numbers/store';
import { receiveText } from './sms';
import { advanceInboundCheckpoint, inboundCheckpointOf } from './store/checkpoints';
import { findProviderMessage } from './store/messages';

/**
 * Listed again before the checkpoint: a message the provider dates a little before the moment we
 * last listed (clocks, a provider still writing it) is still found. Costs one read by `_id` per message.
 */
const OVERLAP_MS = 5 * 60_000;
/** The provider lists newest first; more than this many inbound texts per number between two runs is not expected of a long code. */
const LIST_LIMIT = 1000;

const WHATSAPP = 'whatsapp:';
const strip = (address: string) => (address.startsWith(WHATSAPP) ? address.slice(WHATSAPP.length) : address);

export interface ReconcileResult {
  listed: number;
  ingested: number;
}

/**
 * A webhook that never reached us (API down, provider gave up) is not the end of a text: this
 * lists the number's inbound messages at the provider since its checkpoint and stores the ones we
 * lack, oldest first, each dated when the provider received it so that the thread keeps its order.
 * Storing is the webhook's own path (receiveText), deduplicated by the provider's SID, so a late
 * webhook or a second run changes nothing. Texts from before the workspace took a shared number
 * are never read back into it.
 */
export async function reconcileNumber(
  deps: { providers: ProviderDirectory; lookbackMs: number },
  numberId: string,
  now = new Date(),
): Promise<ReconcileResult> {
  const number = await findNumber(numberId);
  if (!number) return { listed: 0, ingested: 0 };
  const handle = await deps.providers.forAccount(number.accountSid);
  if (!handle) return { listed: 0, ingested: 0 };
  const [checkpoint, hold] = await Promise.all([inboundCheckpointOf(numberId), number.kind === 'shared' ? holdOf(numberId) : undefined]);
  let since = checkpoint ? checkpoint.getTime() - OVERLAP_MS : now.getTime() - deps.lookbackMs;
  if (hold?.since) since = Math.max(since, hold.since.getTime());
  // The provider dates to the second: a text of the second the workspace took the number is dated before it.
  since = Math.floor(since / 1000) * 1000;

  const listed = await handle.provider.listMessages({ to: number.e164, dateSentAfter: new Date(since), limit: LIST_LIMIT });
  // The provider lists newest first and dates to the second: its order, reversed, is the order the texts came in.
  const inbound = listed.filter((m) => m.direction === 'inbound' && sentAt(m).getTime() >= since).reverse();
  let ingested = 0;
  // The provider dates to the second, we to the millisecond: a text read back is placed after every
  // text the provider lists before it (those stored already included), so the thread keeps the provider's order.
  let previousAt = 0;
  for (const m of inbound) {
    const stored = await findProviderMessage(`msg_${m.sid}`);
    if (stored) {
      previousAt = Math.max(previousAt, stored.createdAt.getTime());
      continue;
    }
    const at = new Date(Math.max(sentAt(m).getTime(), previousAt + 1));
    previousAt = at.getTime();
    const result = await receiveText(
      {
        sid: m.sid,
        channel: m.from.startsWith(WHATSAPP) ? 'whatsapp' : 'sms',
        from: strip(m.from),
        to: strip(m.to),
        body: m.body,
        // The list does not carry media; a text's media stay at the provider.
        media: [],
        segments: Number.isFinite(m.segments) && m.segments > 0 ? m.segments : undefined,
      },
      at,
      { late: true },
    );
    if (result.outcome === 'stored') ingested += 1;
  }
  await advanceInboundCheckpoint(numberId, now);
  return { listed: inbound.length, ingested };
}

const sentAt = (m: ProviderMessage) => m.dateSent ?? m.dateCreated ?? new Date(0);
