import { Context } from '@temporalio/activity';
import { publicUrl, type Config } from '../config';
import type { ProviderDirectory } from '../provider/directory';
import { expire, sendNow, sendWhenDue, takeTurn, type SendDeps } from '../messaging/send';

/** How often the send heartbeats: a worker that dies mid-send is noticed within the heartbeat timeout. */
const HEARTBEAT_EVERY_MS = 1000;

export function createMessagingActivities(deps: { config: Config; providers: ProviderDirectory }) {
  const sendDeps: SendDeps = {
    providers: deps.providers,
    statusCallbackUrl: `${publicUrl(deps.config)}/webhooks/twilio/status`,
    lookupGraceMs: deps.config.AMBIGUOUS_LOOKUP_GRACE_SECONDS * 1000,
    paceRecoverySeconds: deps.config.PACE_RECOVERY_SECONDS,
  };
  /** Runs a step that may call the provider, heartbeating: a worker that dies in it is noticed within the heartbeat timeout. */
  const heartbeating = async <T>(step: () => Promise<T>): Promise<T> => {
    const ctx = Context.current();
    const beat = setInterval(() => ctx.heartbeat(), HEARTBEAT_EVERY_MS);
    try {
      return await step();
    } finally {
      clearInterval(beat);
    }
  };
  return {
    takeTurn,
    expireMessage: expire,
    /** Sends at `slotAt` (ms since the epoch), not before: the workflow calls it a little ahead of the slot. */
    sendMessageNow: (messageId: string, slotAt: number) => heartbeating(() => sendNow(sendDeps, messageId, slotAt)),
    /** Takes the turn, and sends in the same activity when the slot is within `horizonMs`. */
    sendMessageWhenDue: (messageId: string, validUntil: number, horizonMs: number) =>
      heartbeating(() => sendWhenDue(sendDeps, messageId, validUntil, horizonMs)),
  };
}

export type MessagingActivities = ReturnType<typeof createMessagingActivities>;
