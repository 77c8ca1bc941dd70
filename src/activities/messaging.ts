import { Context } from '@temporalio/activity';
import { publicUrl, type Config } from '../config';
import type { ProviderDirectory } from '../provider/directory';
import { askFinalStatus, endQueued, sendBatch, type BatchProgress, type SendBatch, type SendDeps } from '../messaging/send';

/** How often a batch heartbeats: a worker that dies mid-batch is noticed within the heartbeat timeout. */
const HEARTBEAT_EVERY_MS = 1000;

export function createMessagingActivities(deps: { config: Config; providers: ProviderDirectory }) {
  const sendDeps: SendDeps = {
    providers: deps.providers,
    statusCallbackUrl: `${publicUrl(deps.config)}/webhooks/twilio/status`,
    lookupGraceMs: deps.config.AMBIGUOUS_LOOKUP_GRACE_SECONDS * 1000,
  };
  return {
    /**
     * Sends a sender's batch at the number's pace, heartbeating what it got through: a retry (after
     * a killed worker) resumes there, and looks up at the provider whatever was in flight. When the
     * sender cancels it (sending turned off, disconnected), it stops launching sends and returns
     * what it did, so the sender knows.
     */
    async sendDue(batch: SendBatch) {
      const ctx = Context.current();
      let latest: BatchProgress | undefined = ctx.info.heartbeatDetails as BatchProgress | undefined;
      const beat = setInterval(() => ctx.heartbeat(latest), HEARTBEAT_EVERY_MS);
      try {
        return await sendBatch(sendDeps, batch, {
          resume: latest,
          progress: (p) => {
            latest = p;
          },
          stop: ctx.cancellationSignal,
        });
      } finally {
        clearInterval(beat);
      }
    },
    endQueued,
    askFinalStatus: (messageIds: string[]) => askFinalStatus(sendDeps, messageIds),
  };
}

export type MessagingActivities = ReturnType<typeof createMessagingActivities>;
