import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { SENDER_WORKFLOW, cancelSignal, enqueueSignal, senderWorkflowId, type QueuedMessage, type SenderStart } from '../temporal/sender';
import type { Enqueue } from './accept';
import type { TellSender } from './cancel';

/** Messages per signal at most: the signal's payload stays small. */
const MAX_PER_SIGNAL = 100;

type Pending = { rate: number; messages: QueuedMessage[]; waiters: Array<{ resolve: () => void; reject: (err: unknown) => void }> };

/**
 * Queues accepted messages on their numbers' senders with signal-with-start (which starts a sender
 * that is not running). One call per number at a time: messages accepted while it is in flight go
 * together in the next one, so under load a number's sender gets one signal (one history event, one
 * workflow task) for many messages, and nobody waits longer than one round trip more. Each caller's
 * promise settles with the call that carried its message (durable once it resolves).
 */
export function temporalSenderQueue(temporal: Client, taskQueue: string, timings: SenderStart['timings']): Enqueue {
  const pending = new Map<string, Pending>();
  const inFlight = new Set<string>();

  const flush = async (numberId: string) => {
    const waiting = pending.get(numberId);
    if (!waiting) return;
    const messages = waiting.messages.splice(0, MAX_PER_SIGNAL);
    const waiters = waiting.waiters.splice(0, messages.length);
    if (waiting.messages.length === 0) pending.delete(numberId);
    inFlight.add(numberId);
    try {
      await temporal.workflow.signalWithStart(SENDER_WORKFLOW, {
        taskQueue,
        workflowId: senderWorkflowId(numberId),
        args: [{ numberId, timings }],
        signal: enqueueSignal,
        signalArgs: [{ rate: waiting.rate, messages }],
      });
      for (const w of waiters) w.resolve();
    } catch (err) {
      for (const w of waiters) w.reject(err);
    } finally {
      inFlight.delete(numberId);
      if (pending.has(numberId)) void flush(numberId);
    }
  };

  return (numberId, { rate, message }) =>
    new Promise<void>((resolve, reject) => {
      const waiting = pending.get(numberId) ?? { rate, messages: [], waiters: [] };
      waiting.rate = rate;
      waiting.messages.push(message);
      waiting.waiters.push({ resolve, reject });
      pending.set(numberId, waiting);
      if (!inFlight.has(numberId)) void flush(numberId);
    });
}

/** Tells a number's sender that a message was cancelled; a sender that is not running holds nothing to drop. */
export function temporalSenderCancel(temporal: Client): TellSender {
  return async (numberId, messageId) => {
    try {
      await temporal.workflow.getHandle(senderWorkflowId(numberId)).signal(cancelSignal, { messageIds: [messageId] });
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
  };
}
