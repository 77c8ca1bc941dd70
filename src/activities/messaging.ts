import { Context } from '@temporalio/activity';
import type { Config } from '../config';
import { webhookUrls } from '../provider/webhookUrls';
import { heartbeating } from './heartbeating';
import type { ProviderDirectory } from '../provider/directory';
import { sendBatch, type BatchProgress, type SendBatch, type SendDeps } from '../messaging/send';
import { endQueued } from '../messaging/endQueued';
import { askFinalStatus } from '../messaging/finalStatus';

export function createMessagingActivities(deps: { config: Config; providers: ProviderDirectory }) {
  const sendDeps: SendDeps = {
    providers: deps.providers,
    statusCallbackUrl: webhookUrls(deps.config).statusCallback,
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
      const resume = ctx.info.heartbeatDetails as BatchProgress | undefined;
      let latest = resume;
      const progress = (p: BatchProgress) => {
        latest = p;
      };
      return heartbeating(() => sendBatch(sendDeps, batch, { resume, progress, stop: ctx.cancellationSignal }), () => latest);
    },
    endQueued,
    askFinalStatus: (messageIds: string[]) => askFinalStatus(sendDeps, messageIds),
  };
}

export type MessagingActivities = ReturnType<typeof createMessagingActivities>;
