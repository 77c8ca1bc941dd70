import { createHash } from 'node:crypto';
import { AppError, notFound } from '../errors';
import { newId } from '../db/ids';
import { loadChannel } from '../numbers/channel';
import { findWorkspace } from '../workspaces/store';
import { ADDON_REQUIRED_MESSAGE } from '../workspaces/addon';
import { findOrCreateContact, hintedThreadId, placeOutbound } from '../inbox/threads';
import { normaliseRecipient } from './recipient';
import { measureBody } from './segments';
import { endUnsent } from './status';
import { senderNumber } from './senderState';
import { toMessageView, type MessageView } from './view';
import { dueAt } from './schedule';
import { isDuplicateKeyError } from '../db/errors';
import { findMessage, insertMessage, moveMessageToThread, type StoredMessage } from './store';
import type { EnqueueInput } from '../temporal/sender';
import type { NumberType } from 'libphonenumber-js';
import { refuseForbiddenDestination } from './destinations';

export interface SendRequest {
  workspaceId: string;
  to: string;
  body: string;
  mediaUrls?: string[];
  /** Scheduled: not before then (validated by the route: future, within the horizon). */
  sendAt?: Date;
  idempotencyKey?: string;
  /** The API key that sent it. */
  sentBy: string;
}

/** Hands the stored message to its sender number's queue (durable once it returns). */
export type Enqueue = (numberId: string, input: EnqueueInput) => Promise<void>;

export interface AcceptDeps {
  enqueue: Enqueue;
  validitySeconds: number;
  /** Number types nobody may text from here (see api/destinations.ts). */
  refusedDestinationTypes: readonly NumberType[];
}

/**
 * With an Idempotency-Key the message's id follows from it (and so does its workflow's), so the
 * repeat of a request finds it by _id: FerretDB answers any other find with a scan.
 */
const messageIdFor = (workspaceId: string, idempotencyKey: string) =>
  `msg_${createHash('sha256').update(`${workspaceId}\n${idempotencyKey}`).digest('hex').slice(0, 24)}`;

/** What the idempotency key promises: the same request. The recipient as typed, so no parsing comes first. */
function requestHash(r: SendRequest): string {
  return createHash('sha256')
    .update(JSON.stringify(['sms', r.to, r.body, r.mediaUrls ?? [], ...(r.sendAt ? [r.sendAt.toISOString()] : [])]))
    .digest('hex');
}

/**
 * POST /messages: checks in the documented order, stores the message (so nothing accepted is ever
 * lost), joins the thread with the contact, then queues it on its sender number's sender workflow.
 */
export async function acceptMessage(deps: AcceptDeps, req: SendRequest): Promise<MessageView> {
  const hash = requestHash(req);
  const id = req.idempotencyKey ? messageIdFor(req.workspaceId, req.idempotencyKey) : newId('msg');
  // Read together, judged in the documented order: a repeated request is answered first.
  const [existing, workspace, channel] = await Promise.all([
    req.idempotencyKey ? findMessage(req.workspaceId, id) : null,
    findWorkspace(req.workspaceId),
    loadChannel(req.workspaceId) as Promise<Awaited<ReturnType<typeof loadChannel>> & { e164?: string | null }>,
  ]);
  if (existing) return replay(deps, existing, hash);
  if (!workspace) throw notFound('Workspace');
  if (workspace.addons?.sms?.active !== true) throw new AppError('addon_required', ADDON_REQUIRED_MESSAGE);
  if (channel.status !== 'connected' || !channel.numberId) {
    throw new AppError('channel_not_connected', 'No number is connected to the SMS channel; an admin can connect one under Settings → SMS.');
  }
  if (!channel.enabled) {
    throw new AppError('channel_disabled', 'Sending is turned off for the SMS channel; an admin can turn it back on under Settings → SMS.');
  }
  const recipient = normaliseRecipient(req.to, workspace.defaultCountry);
  await refuseForbiddenDestination(recipient, deps.refusedDestinationTypes);
  const to = recipient.e164;
  // An opted-out contact always exists already (the flag lives on it), so a refusal never creates one.
  const contact = await findOrCreateContact(req.workspaceId, to);
  if (contact.optedOut) {
    throw new AppError('recipient_opted_out', `${to} replied STOP and has opted out of texts from this workspace; they must text START before you can message them again.`);
  }
  // A contact created just now has no thread: none is looked for.
  const [hinted, number] = await Promise.all([contact.created ? undefined : hintedThreadId(contact._id, 'sms'), senderNumber(channel.numberId)]);
  if (!number) throw new AppError('channel_not_connected', 'The connected number no longer exists; an admin can connect another under Settings → SMS.');
  const now = new Date();
  const { segments, encoding } = measureBody(req.body);
  const status = req.sendAt ? ('scheduled' as const) : ('accepted' as const);
  const message = {
    _id: id,
    workspaceId: req.workspaceId,
    // The thread it joins is settled after the insert (placeOutbound): usually the hinted one.
    conversationId: hinted ?? newId('conv'),
    channel: 'sms' as const,
    direction: 'outbound' as const,
    from: channel.e164 ?? '',
    to,
    body: req.body,
    media: (req.mediaUrls ?? []).map((url) => ({ url })),
    segments,
    encoding,
    status,
    statusRank: 0,
    reached: [status],
    statusHistory: [{ status, at: now }],
    ...(req.sendAt && { sendAt: req.sendAt }),
    idempotencyKey: req.idempotencyKey ?? id,
    requestHash: hash,
    senderNumberId: channel.numberId,
    sentBy: req.sentBy,
    validUntil: new Date(dueAt({ sendAt: req.sendAt, createdAt: now }).getTime() + deps.validitySeconds * 1000),
    createdAt: now,
    updatedAt: now,
  };
  try {
    await insertMessage(message);
  } catch (err) {
    // The same key twice at once: one insert wins, the other answers with the winner's message.
    if (!isDuplicateKeyError(err) || !req.idempotencyKey) throw err;
    const winner = await findMessage(req.workspaceId, id);
    if (!winner) throw err;
    return replay(deps, winner, hash);
  }
  const moveTo = (conversationId: string) => moveMessageToThread(req.workspaceId, id, conversationId).then(() => (message.conversationId = conversationId));
  await Promise.all([
    placeOutbound(req.workspaceId, 'sms', contact, { conversationId: message.conversationId, hinted: hinted !== undefined, at: now, preview: req.body }, moveTo),
    queue(deps, { ...message, rate: number.throughputPerSecond, revision: channel.revision }, Boolean(req.idempotencyKey)),
  ]);
  return toMessageView(message);
}

async function replay(deps: AcceptDeps, existing: StoredMessage, hash: string): Promise<MessageView> {
  if (existing.requestHash !== hash) {
    throw new AppError('idempotency_conflict', 'This Idempotency-Key was already used for a different message; use a new key for a new message.', {
      messageId: existing._id,
    });
  }
  // It may never have been queued (the first answer was a 503): queueing it again is harmless (the
  // sender drops a message it holds already, and a batch skips one that left). Revision 0: the
  // sender knows (or reads) whether its settings changed since.
  if ((existing.status === 'accepted' || existing.status === 'scheduled') && existing.senderNumberId) {
    const number = await senderNumber(existing.senderNumberId);
    if (number) await queue(deps, { ...existing, rate: number.throughputPerSecond, revision: 0 }, true);
  }
  return toMessageView(existing);
}

/**
 * A message that cannot be queued is not dropped silently: with an Idempotency-Key the client
 * repeats the request to queue it; without one nothing could find it again, so it is marked
 * failed (nothing was sent) and the client told to send it again.
 */
async function queue(
  deps: AcceptDeps,
  message: StoredMessage & { rate: number; revision: number },
  retryable: boolean,
): Promise<void> {
  try {
    await deps.enqueue(message.senderNumberId!, {
      rate: message.rate,
      message: {
        messageId: message._id,
        workspaceId: message.workspaceId,
        to: message.to,
        segments: message.segments ?? 1,
        validUntil: message.validUntil?.getTime() ?? Date.now(),
        revision: message.revision,
        acceptedAt: message.createdAt.getTime(),
        ...(message.sendAt && { sendAt: message.sendAt.getTime() }),
      },
    });
  } catch {
    if (retryable) {
      throw new AppError('unavailable', 'The message was stored but could not be queued for sending. Repeat the request with the same Idempotency-Key to queue it.', {
        messageId: message._id,
      });
    }
    await endUnsent({ workspaceId: message.workspaceId }, message._id, { status: 'failed', errorCode: 'not_queued', errorMessage: 'Sending could not start, so nothing was sent. Send the message again.' });
    throw new AppError('unavailable', 'Sending could not start, so nothing was sent. Send the message again (an Idempotency-Key makes such a retry safe).', {
      messageId: message._id,
    });
  }
}
