import { Context } from '@temporalio/activity';
import { publicUrl, type Config } from '../config';
import type { ProviderDirectory } from '../provider/directory';
import { expire, sendNow, takeTurn, type SendDeps } from '../messaging/send';

/** How often the send heartbeats: a worker that dies mid-send is noticed within the heartbeat timeout. */
const HEARTBEAT_EVERY_MS = 1000;

export function createMessagingActivities(deps: { config: Config; providers: ProviderDirectory }) {
  const sendDeps: SendDeps = {
    providers: deps.providers,
    statusCallbackUrl: `${publicUrl(deps.config)}/webhooks/twilio/status`,
    lookupGraceMs: deps.config.AMBIGUOUS_LOOKUP_GRACE_SECONDS * 1000,
    paceRecoverySeconds: deps.config.PACE_RECOVERY_SECONDS,
  };
  return {
    takeTurn,
    expireMessage: expire,
    /** Sends at `slotAt` (ms since the epoch), not before: the workflow calls it a little ahead of the slot. */
    async sendMessageNow(messageId: string, slotAt: number) {
      const ctx = Context.current();
      const beat = setInterval(() => ctx.heartbeat(), HEARTBEAT_EVERY_MS);
      try {
        return await sendNow(sendDeps, messageId, slotAt);
      } finally {
        clearInterval(beat);
      }
    },
  };
}

export type MessagingActivities = ReturnType<typeof createMessagingActivities>;
