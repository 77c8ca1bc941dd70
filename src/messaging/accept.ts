import { createHash } from 'node:crypto';
import { AppError, notFound } from '../errors';
import { Message, Workspace } from '../db/models';
import { newId } from '../db/ids';
import { loadChannel } from '../numbers/channel';
import { ADDON_REQUIRED_MESSAGE } from '../workspaces/addon';
import { findOrCreateContact, threadFor, touchConversation } from '../inbox/threads';
import { normaliseRecipient } from './recipient';
import { measureBody } from './segments';
import { recordStatus } from './status';
import { takeRecipientTurn } from './turns';
import { toMessageView, type MessageView } from './view';
import { isDuplicateKeyError } from '../db/errors';

export interface SendRequest {
  workspaceId: string;
  to: string;
  body: string;
  mediaUrls?: string[];
  idempotencyKey?: string;
  /** The API key that sent it. */
  sentBy: string;
}

/** Starts the message's workflow; starting one that already exists (or existed) is not an error. */
export type StartSending = (message: { id: string; workspaceId: string; validUntil: Date }) => Promise<void>;

export interface AcceptDeps {
  startSending: StartSending;
  validitySeconds: number;
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
    .update(JSON.stringify(['sms', r.to, r.body, r.mediaUrls ?? []]))
    .digest('hex');
}

/**
 * POST /messages: checks in the documented order, stores the message (so nothing accepted is ever
 * lost), joins the thread with the contact, then starts the message's durable workflow.
 */
export async function acceptMessage(deps: AcceptDeps, req: SendRequest): Promise<MessageView> {
  const hash = requestHash(req);
  const id = req.idempotencyKey ? messageIdFor(req.workspaceId, req.idempotencyKey) : newId('msg');
  if (req.idempotencyKey) {
    const existing = await Message.findById(id).lean();
    if (existing) return replay(deps, existing, hash);
  }

  // Read together, judged in the documented order.
  const [workspace, channel] = await Promise.all([
    Workspace.findById(req.workspaceId, { addons: 1, defaultCountry: 1 }).lean(),
    loadChannel(req.workspaceId) as Promise<Awaited<ReturnType<typeof loadChannel>> & { e164?: string | null }>,
  ]);
  if (!workspace) throw notFound('Workspace');
  if (workspace.addons?.sms?.active !== true) throw new AppError('addon_required', ADDON_REQUIRED_MESSAGE);
  if (channel.status !== 'connected' || !channel.numberId) {
    throw new AppError('channel_not_connected', 'No number is connected to the SMS channel; an admin can connect one under Settings → SMS.');
  }
  if (!channel.enabled) {
    throw new AppError('channel_disabled', 'Sending is turned off for the SMS channel; an admin can turn it back on under Settings → SMS.');
  }
  const to = normaliseRecipient(req.to, workspace.defaultCountry);
  // An opted-out contact always exists already (the flag lives on it), so a refusal never creates one.
  const contact = await findOrCreateContact(req.workspaceId, to);
  if (contact.optedOut) {
    throw new AppError('recipient_opted_out', `${to} replied STOP and has opted out of texts from this workspace; they must text START before you can message them again.`);
  }
  // Taken while the thread is found; awaited below (the no-op catch keeps a failure from going unhandled meanwhile).
  const turnTaken = takeRecipientTurn(req.workspaceId, to, id);
  turnTaken.catch(() => undefined);
  const conversation = await threadFor(req.workspaceId, 'sms', contact);
  const recipientTurn = await turnTaken;
  const now = new Date();
  const { segments, encoding } = measureBody(req.body);
  let message;
  try {
    message = (
      await Message.create({
        _id: id,
        workspaceId: req.workspaceId,
        conversationId: conversation._id,
        channel: 'sms',
        direction: 'outbound',
        from: channel.e164 ?? '',
        to,
        body: req.body,
        media: (req.mediaUrls ?? []).map((url) => ({ url })),
        segments,
        encoding,
        status: 'accepted',
        statusHistory: [{ status: 'accepted', at: now }],
        idempotencyKey: req.idempotencyKey ?? id,
        requestHash: hash,
        senderNumberId: channel.numberId,
        recipientTurn,
        sentBy: req.sentBy,
        validUntil: new Date(now.getTime() + deps.validitySeconds * 1000),
        createdAt: now,
        updatedAt: now,
      })
    ).toObject();
  } catch (err) {
    // The same key twice at once: one insert wins, the other answers with the winner's message
    // (found by the key when it was stored before message ids followed from keys).
    if (!isDuplicateKeyError(err) || !req.idempotencyKey) throw err;
    const winner =
      (await Message.findById(id).lean()) ?? (await Message.findOne({ workspaceId: req.workspaceId, idempotencyKey: req.idempotencyKey }).lean());
    if (!winner) throw err;
    return replay(deps, winner, hash);
  }
  await Promise.all([
    touchConversation(conversation._id, { at: now, preview: req.body, inbound: false }),
    queue(deps, message, Boolean(req.idempotencyKey)),
  ]);
  return toMessageView(message);
}

type StoredMessage = Parameters<typeof toMessageView>[0] & { workspaceId: string; requestHash?: string | null; validUntil?: Date | null };

async function replay(deps: AcceptDeps, existing: StoredMessage, hash: string): Promise<MessageView> {
  if (existing.requestHash !== hash) {
    throw new AppError('idempotency_conflict', 'This Idempotency-Key was already used for a different message; use a new key for a new message.', {
      messageId: existing._id,
    });
  }
  // Its workflow may never have started (the first answer was a 503): starting it again is harmless.
  if (existing.status === 'accepted') await queue(deps, existing, true);
  return toMessageView(existing);
}

/**
 * A message whose workflow cannot be started is not dropped silently: with an Idempotency-Key the
 * client repeats the request to queue it; without one nothing could find it again, so it is marked
 * failed (nothing was sent) and the client told to send it again.
 */
async function queue(deps: AcceptDeps, message: StoredMessage, retryable: boolean): Promise<void> {
  try {
    await deps.startSending({ id: message._id, workspaceId: message.workspaceId, validUntil: message.validUntil ?? new Date() });
  } catch (err) {
    if (retryable) {
      throw new AppError('unavailable', 'The message was stored but could not be queued for sending. Repeat the request with the same Idempotency-Key to queue it.', {
        messageId: message._id,
      });
    }
    await recordStatus(message._id, { status: 'failed', errorCode: 'not_queued', errorMessage: 'Sending could not start, so nothing was sent. Send the message again.' });
    throw new AppError('unavailable', 'Sending could not start, so nothing was sent. Send the message again (an Idempotency-Key makes such a retry safe).', {
      messageId: message._id,
    });
  }
}
