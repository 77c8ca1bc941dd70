import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Logger } from '../log';
import { channelSignal, senderWorkflowId, type ChannelState } from '../temporal/sender';

/** Tells a number's sender that a workspace's settings changed (sending off or on, disconnected, switched away). */
export interface SenderNotifier {
  channelChanged(numberId: string, state: ChannelState): Promise<void>;
}

/**
 * Signals the running sender, if any: one that is not running has nothing queued, and the next one
 * reads the settings before its first batch. A signal that cannot be delivered is logged, not
 * thrown: the settings are saved, and the sender's own read before each batch catches up with them.
 */
export function temporalSenderNotifier(temporal: Client, log: Logger): SenderNotifier {
  return {
    async channelChanged(numberId, state) {
      try {
        await temporal.workflow.getHandle(senderWorkflowId(numberId)).signal(channelSignal, state);
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return;
        log.warn({ err, numberId, workspaceId: state.workspaceId }, 'could not signal the sender of a settings change; its next batch reads them');
      }
    },
  };
}
