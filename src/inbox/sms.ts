import { type Channel } from '../vocabulary';
import { numberByE164 } from '../numbers/lookup';
import { noteLastInbound } from '../numbers/store';
import { keywordOf, type Keyword } from './keywords';
import { helpTextOf } from './helpText';
import { receiveMessage, type Received } from './receive';
import { recordOutgoing } from './reply';
import { workspaceReceiving } from './routing';
import { setOptOut } from './store/contacts';

/** An inbound text as the provider's webhook describes it (addresses without any `whatsapp:` prefix). */
export interface InboundText {
  sid: string;
  channel: Extract<Channel, 'sms' | 'whatsapp'>;
  from: string;
  to: string;
  body: string;
  media: Array<{ url: string; contentType: string }>;
  segments?: number;
}

export type InboundOutcome =
  | { outcome: 'stored' | 'duplicate'; workspaceId: string; conversationId: string; keyword: Keyword | null; reply?: string }
  /** Nobody holds the number (or we don't know it): acknowledged, stored nowhere. */
  | { outcome: 'unheld' | 'unknown_number' };

/**
 * An inbound text, top-down: the number → the workspace that holds it (or held it, in cool-down)
 * → the thread → the keyword's effect (SMS only, as Twilio applies them) → the answer to give.
 */
export async function receiveText(text: InboundText, now = new Date(), options: { late?: boolean } = {}): Promise<InboundOutcome> {
  const number = await numberByE164(text.to);
  if (!number) return { outcome: 'unknown_number' };
  const workspaceId = await workspaceReceiving(number);
  if (!workspaceId) return { outcome: 'unheld' };

  const received = await receiveMessage(
    { workspaceId, channel: text.channel, from: text.from, to: text.to, body: text.body, media: text.media, segments: text.segments, providerSid: text.sid },
    now,
  );
  const keyword = text.channel === 'sms' ? keywordOf(text.body) : null;
  // A duplicate delivery re-applies these: each is idempotent, and the first attempt may have
  // stored the message and failed before them.
  const [reply] = await Promise.all([
    // A text read back late (reconciliation) has no webhook answer to carry the HELP reply.
    applyKeyword(options.late && keyword === 'help' ? null : keyword, workspaceId, text, received),
    noteInbound(workspaceId, received.createdAt),
  ]);
  return { outcome: received.duplicate ? 'duplicate' : 'stored', workspaceId, conversationId: received.conversationId, keyword, reply };
}

async function applyKeyword(keyword: Keyword | null, workspaceId: string, text: InboundText, received: Received): Promise<string | undefined> {
  switch (keyword) {
    case 'opt_out':
    case 'opt_in':
      // The carrier has already answered the handset itself; our part is the workspace's own list.
      await setOptOut(workspaceId, received.contactId, keyword === 'opt_out', received.createdAt);
      return undefined;
    case 'help': {
      const { helpText } = await helpTextOf(workspaceId);
      await recordOutgoing({
        workspaceId,
        conversationId: received.conversationId,
        channel: text.channel,
        from: text.to,
        to: text.from,
        body: helpText,
        // Handed to the provider in the webhook's answer: its provider id is not known to us, so it is not followed further.
        status: 'queued',
        idempotencyKey: `help-reply:${text.sid}`,
        sentBy: 'auto:help',
      });
      return helpText;
    }
    default:
      return undefined;
  }
}

/** Shown in the channel settings to the second: under a burst, one write a second per workspace and process instead of one per message. */
const LAST_INBOUND_PRECISION_MS = 1000;
const lastNoted = new Map<string, number>();

async function noteInbound(workspaceId: string, at: Date): Promise<void> {
  const previous = lastNoted.get(workspaceId);
  if (previous !== undefined && at.getTime() - previous < LAST_INBOUND_PRECISION_MS) return;
  lastNoted.set(workspaceId, at.getTime());
  await noteLastInbound(workspaceId, at);
}
