import { PLATFORM_WIDE } from '../db/scope';
import { endUnsent } from './status';
import { NOT_CONNECTED_REASON, expiryReason } from './reasons';

/** Why the sender ends a queued message without sending it: its channel went away, or it expired while sending was off. */
export type QueuedEnd = { messageId: string; end: 'gone' | 'lapsed' };

/**
 * Ends queued messages that will not leave; returns those it ended. One with an attempt whose
 * answer was lost is left to the sender's next batch, which looks it up at the provider first.
 */
export async function endQueued(ends: QueuedEnd[]): Promise<string[]> {
  const ended: string[] = [];
  for (const { messageId, end } of ends) {
    const change =
      end === 'gone'
        ? ({ status: 'failed', errorCode: 'channel_not_connected', errorMessage: NOT_CONNECTED_REASON } as const)
        : ({ status: 'expired', errorCode: 'expired', errorMessage: expiryReason('paused') } as const);
    if (await endUnsent(PLATFORM_WIDE, messageId, change)) ended.push(messageId);
  }
  return ended;
}
