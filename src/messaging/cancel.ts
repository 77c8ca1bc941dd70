import { AppError, notFound } from '../errors';
import { findMessage } from './store';
import { endUnsent } from './status';
import { toMessageView, type MessageView } from './view';

/** Tells the message's sender to drop it (best effort: a batch refuses a cancelled message anyway). */
export type TellSender = (numberId: string, messageId: string) => Promise<void>;

const CANCELLED = { status: 'cancelled', errorCode: 'cancelled', errorMessage: 'Cancelled before it was sent.' } as const;

/**
 * DELETE /messages/{id}: one conditional update that succeeds only while the message has no send
 * attempt (the same condition the batch's claim takes the message under, so of a cancel and a send
 * at once exactly one wins), then the sender is told. Cancelling a cancelled message answers it again.
 */
export async function cancelMessage(tellSender: TellSender, workspaceId: string, messageId: string, log: (err: unknown) => void): Promise<MessageView> {
  // Another workspace's message matches neither the update nor the read: not found.
  const cancelled = await endUnsent({ workspaceId }, messageId, CANCELLED);
  const message = await findMessage(workspaceId, messageId);
  if (!message) throw notFound('Message');
  if (!cancelled && message.status !== 'cancelled') {
    throw new AppError('not_cancellable', `The message can no longer be cancelled: it is ${message.status}${message.status === 'accepted' || message.status === 'scheduled' ? ' and already leaving' : ''}.`, {
      status: message.status,
    });
  }
  if (cancelled && message.senderNumberId) await tellSender(message.senderNumberId, messageId).catch(log);
  return toMessageView(message);
}
