import { continueAsNew, patched, proxyActivities, sleep, workflowInfo, type RetryPolicy } from '@temporalio/workflow';
import type { MessagingActivities } from '../activities/messaging';

/** Database steps: short, retried until they succeed (each is idempotent). */
const DB_STEP_TIMEOUT = '30 seconds';
const DB_STEP_RETRY: RetryPolicy = { initialInterval: '500 ms', maximumInterval: '30 seconds' };
/**
 * The provider call heartbeats, so a worker killed mid-send is noticed within the heartbeat timeout;
 * the retry then looks the message up at the provider before sending again.
 */
const SEND_TIMEOUT = '2 minutes';
const SEND_HEARTBEAT_TIMEOUT = '5 seconds';
const SEND_RETRY: RetryPolicy = { initialInterval: '1 second', maximumInterval: '30 seconds' };
/**
 * The workflow wakes this long before its slot and the send activity waits out the rest itself:
 * timer, workflow task and activity dispatch latencies then delay the check-up, not the send.
 */
const SEND_LEAD_MS = 1000;
/**
 * A slot at most this far ahead is waited for inside the activity that took it, which then sends:
 * per message one activity and no durable timer (a timer, its firing and the extra workflow tasks
 * are most of the Temporal server's work per message). Further out, the workflow sleeps durably.
 */
const SEND_HORIZON_MS = 3000;
/** Histories from before the turn and the send shared an activity replay the two-activity path. */
const ONE_ACTIVITY_SEND = 'outbound-turn-and-send-in-one-activity';

const { takeTurn, expireMessage } = proxyActivities<MessagingActivities>({
  startToCloseTimeout: DB_STEP_TIMEOUT,
  retry: DB_STEP_RETRY,
});
const { sendMessageNow, sendMessageWhenDue } = proxyActivities<MessagingActivities>({
  startToCloseTimeout: SEND_TIMEOUT,
  heartbeatTimeout: SEND_HEARTBEAT_TIMEOUT,
  retry: SEND_RETRY,
});

/** Durations from configuration, as input: tests shrink them without another code path. */
export interface OutboundTimings {
  pausePollMs: number;
  orderPollMs: number;
  backoffMs: number;
  backoffMaxMs: number;
}

export interface OutboundMessageInput {
  messageId: string;
  /** ms since the epoch: after this the message ends `expired`. */
  validUntil: number;
  timings: OutboundTimings;
}

export type OutboundResult = 'sent' | 'failed' | 'expired';

type Trouble = 'paused' | 'throttled' | 'provider' | 'turn' | 'queue';

const EXPIRY_REASONS: Record<Trouble | 'none', string> = {
  none: 'The message could not leave before its validity period ended.',
  paused: 'Sending was turned off and not turned back on before the message’s validity period ended, so it was not sent.',
  throttled: 'The carrier kept refusing messages from this number (throttling) until the message’s validity period ended, so it was not sent.',
  provider: 'The SMS provider could not be reached or did not answer until the message’s validity period ended, so it was not sent.',
  turn: 'An earlier message to the same recipient had not left before this message’s validity period ended, so it was not sent.',
  queue: 'The sending number has more messages waiting than it can send within the validity period, so it was not sent.',
};

/**
 * One outbound message: wait while sending is off, take the sender number's next pace slot (in
 * acceptance order per recipient), wait until it (in the same activity when it is near, else
 * durably), send, and act on the answer: throttled → back off
 * with jitter (at least Retry-After) and take a new slot; transient or ambiguous → back off and try
 * again (an ambiguous attempt is looked up first); permanent → failed with the provider's sentence.
 * It ends once the provider has the message: delivery is followed by status callbacks, not here.
 */
export async function outboundMessageWorkflow(input: OutboundMessageInput): Promise<OutboundResult> {
  const { messageId, validUntil, timings } = input;
  let setbacks = 0;
  let trouble: Trouble | 'none' = 'none';

  const expired = async (why: Trouble | 'none'): Promise<OutboundResult> => {
    await expireMessage(messageId, EXPIRY_REASONS[why]);
    return 'expired';
  };
  /** Waits, but never past the deadline (the loop then expires the message on time). */
  const wait = (ms: number) => sleep(Math.max(1, Math.min(ms, validUntil - Date.now())));
  const backoff = (retryAfterMs = 0) => {
    setbacks += 1;
    const exponential = Math.min(timings.backoffMaxMs, timings.backoffMs * 2 ** (setbacks - 1));
    // Jitter spreads the retries of many messages throttled at once (Math.random is replay-safe here).
    return wait(Math.max(retryAfterMs, exponential * (0.5 + Math.random())));
  };

  type SendResult = Awaited<ReturnType<MessagingActivities['sendMessageNow']>>;
  /** Acts on a send's answer: the workflow's result, or undefined to go round again. */
  const afterSend = async (result: SendResult): Promise<OutboundResult | undefined> => {
    switch (result.outcome) {
      case 'sent':
      case 'done':
        return 'sent';
      case 'failed':
        return 'failed';
      case 'paused':
        trouble = 'paused';
        return undefined;
      case 'wait_turn':
        trouble = 'turn';
        await wait(timings.orderPollMs);
        return undefined;
      case 'throttled':
        trouble = 'throttled';
        await backoff('retryAfterMs' in result ? result.retryAfterMs : undefined);
        return undefined;
      case 'transient':
      case 'ambiguous':
      case 'unresolved':
        trouble = 'provider';
        await backoff();
        return undefined;
    }
  };

  for (;;) {
    if (workflowInfo().continueAsNewSuggested) await continueAsNew<typeof outboundMessageWorkflow>(input);
    if (Date.now() >= validUntil) return expired(trouble);

    let turn;
    if (patched(ONE_ACTIVITY_SEND)) {
      const due = await sendMessageWhenDue(messageId, validUntil, SEND_HORIZON_MS);
      if ('outcome' in due) {
        const result = await afterSend(due);
        if (result) return result;
        continue;
      }
      turn = due;
    } else {
      turn = await takeTurn(messageId);
    }
    if (turn.kind === 'done') return 'sent';
    if (turn.kind === 'failed') return 'failed';
    if (turn.kind === 'paused') {
      trouble = 'paused';
      await wait(timings.pausePollMs);
      continue;
    }
    if (turn.kind === 'wait_turn') {
      trouble = 'turn';
      await wait(timings.orderPollMs);
      continue;
    }

    const { at } = turn;
    if (at >= validUntil) return expired('queue');
    if (at - SEND_LEAD_MS > Date.now()) await sleep(at - SEND_LEAD_MS - Date.now());

    const result = await afterSend(await sendMessageNow(messageId, at));
    if (result) return result;
  }
}
