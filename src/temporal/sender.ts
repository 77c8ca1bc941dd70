/**
 * The per-number sender workflow's interface, as the API and the settings code see it: its type
 * name, id, signals and query. Only @temporalio/workflow's define* functions and types here: the
 * API imports this, never the workflow itself.
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';

export const SENDER_WORKFLOW = 'senderWorkflow';

/** One sender per sender number: Temporal's single writer per workflow id is what paces it. */
export const senderWorkflowId = (numberId: string) => `sender-${numberId}`;

/** A stored message waiting to leave, as the sender queues it (what it needs without reading the database). */
export interface QueuedMessage {
  messageId: string;
  workspaceId: string;
  /** E.164: its opt-out is checked once more just before the send. */
  to: string;
  segments: number;
  /** ms since the epoch: after this the message ends `expired`. */
  validUntil: number;
  /** The channel settings' revision the API accepted it under (see ChannelState). */
  revision: number;
  /** ms since the epoch: a scheduled message is held aside until then (absent: due at once). */
  sendAt?: number;
  /** ms since the epoch: when it was accepted; a scheduled message that falls due joins the queue in acceptance order. */
  acceptedAt?: number;
}

/** One accepted message for a number's sender. */
export interface EnqueueInput {
  /** The number's throughput, segments per second (the latest enqueue tells the sender of a change). */
  rate: number;
  message: QueuedMessage;
}

/** The enqueue signal: messages accepted for the number while the previous signal was in flight, in acceptance order. */
export interface EnqueueBatch {
  rate: number;
  messages: QueuedMessage[];
}

/**
 * A workspace's SMS settings as they concern one sender number, at a revision of the settings
 * document. Settings writes are compare-and-set on that revision, so revisions order them: the
 * sender keeps the highest it has seen, whether from a settings signal, an enqueue or its own read.
 */
export interface ChannelState {
  workspaceId: string;
  revision: number;
  /** `sending`: connected to this number and enabled; `paused`: connected, sending off; `gone`: disconnected or switched away. */
  state: 'sending' | 'paused' | 'gone';
}

/** What the durations are, from configuration (tests shrink them without another code path). */
export interface SenderTimings {
  backoffMs: number;
  backoffMaxMs: number;
  /** A number keeps its slowed pace this long after the carrier's last 429. */
  paceRecoveryMs: number;
  /** A message with no final status this long after it left is asked for at the provider (once). */
  finalStatusWaitMs: number;
  /** With nothing queued or watched for this long, the sender ends (the next message starts it again). */
  idleMs: number;
}

export interface SenderStart {
  numberId: string;
  timings: SenderTimings;
}

export const enqueueSignal = defineSignal<[EnqueueBatch]>('enqueue');
export const channelSignal = defineSignal<[ChannelState]>('channel');
/** Messages cancelled in the database (no send attempt): the sender drops them from its queue. */
export interface CancelInput {
  messageIds: string[];
}
export const cancelSignal = defineSignal<[CancelInput]>('cancel');

export interface SenderView {
  queued: number;
  /** Segments per second the number is sent at now (its rate over the slow-down factor). */
  slowFactor: number;
  watched: number;
  /** Scheduled messages held until their time (absent from senders started before scheduling). */
  scheduled?: number;
}
export const senderViewQuery = defineQuery<SenderView>('view');

/** Why a message is still waiting: the sentence it expires with, should its validity period end meanwhile. */
export type Trouble = 'queue' | 'paused' | 'throttled' | 'provider';
