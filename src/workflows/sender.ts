import {
  ActivityCancellationType,
  CancellationScope,
  allHandlersFinished,
  condition,
  continueAsNew,
  isCancellation,
  patched,
  proxyActivities,
  setHandler,
  sleep,
  workflowInfo,
  type RetryPolicy,
} from '@temporalio/workflow';
import type { MessagingActivities } from '../activities/messaging';
import type { BatchItem, BatchResult } from '../messaging/send';
import type { QueuedEnd } from '../messaging/endQueued';
import { backoffDelayMs, nextFreeAt, recovered, segmentDurationMs, slotAt, slowedDown } from '../temporal/pace';
import { admitDue, nextDue, place, takeOut } from './schedule';
import { cancelSignal, channelSignal, enqueueSignal, senderViewQuery, type ChannelState, type EnqueueBatch, type SenderStart } from '../temporal/sender';

/*
 * One sender per sender number (`sender-<numberId>`): the number's single writer. It owns the
 * number's queue (FIFO, so acceptance order per recipient holds), its pace (rate × slow-down, and
 * the next free slot) and what the workspace's settings let it do. It never reads the database:
 * messages arrive by signal (signal-with-start from the API), settings changes by signal from the
 * settings code. Due messages go in small batches to one heartbeating activity at a time, which
 * waits for each slot and sends; so the pace holds with any number of workers.
 */

/** A batch covers what is due within this much of its first slot: fewer workflow tasks per message as load rises. */
const BATCH_HORIZON_MS = 4_000;
const MAX_BATCH = 100;
/** Past this many events the sender continues as new, carrying its state, so its history stays small to replay. */
const MAX_HISTORY_EVENTS = 2_000;
/** Messages waiting for the final-status check, at most: beyond it the oldest are asked early (the state travels in continue-as-new). */
const MAX_WATCHED = 5_000;

/** Database steps: short, retried until they succeed (each is idempotent). */
const DB_STEP_RETRY: RetryPolicy = { initialInterval: '500 ms', maximumInterval: '30 seconds' };
const { endQueued, askFinalStatus } = proxyActivities<MessagingActivities>({ startToCloseTimeout: '1 minute', retry: DB_STEP_RETRY });
/**
 * A batch heartbeats, so a worker killed mid-batch is noticed within seconds; the retry resumes
 * from its heartbeat and looks up at the provider what was in flight. Sending turned off cancels
 * it (the cancellation reaches it with its next heartbeat), and the sender waits for it to stop,
 * so no two batches of a number ever run at once.
 */
const { sendDue } = proxyActivities<MessagingActivities>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '5 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
});

interface Waiting extends BatchItem {
  /** It backs off until then (ms since the epoch); the whole queue waits behind it, so order holds. */
  notBefore?: number;
  setbacks?: number;
  /** An attempt of it may have reached the provider: only a batch (which looks it up first) may end it. */
  attempted?: boolean;
}

export interface SenderState {
  queue: Waiting[];
  rate: number;
  freeAt: number;
  slowFactor: number;
  slowUntil: number;
  channels: ChannelState[];
  /** Messages that left, grouped by when to ask the provider for the ones still without a final status. */
  watch: Array<{ from: number; at: number; ids: string[] }>;
  /** Queued messages to end without sending (their workspace's channel went away). */
  ending: QueuedEnd[];
  /** Scheduled messages not due yet (absent in states carried over from before scheduling). */
  scheduled?: Waiting[];
}

export interface SenderInput extends SenderStart {
  state?: SenderState;
}

export async function senderWorkflow(input: SenderInput): Promise<void> {
  const { timings } = input;
  const s: SenderState = input.state ?? { queue: [], rate: 1, freeAt: 0, slowFactor: 1, slowUntil: 0, channels: [], watch: [], ending: [] };
  let changed = false;
  /** The running batch's scope: cancelled when its workspace may no longer send. */
  let batchScope: CancellationScope | undefined;

  const channelOf = (workspaceId: string) => s.channels.find((c) => c.workspaceId === workspaceId);
  const stateOf = (workspaceId: string) => channelOf(workspaceId)?.state ?? 'sending';

  /** A newer revision of a workspace's settings; `gone` ends what it had queued here. */
  const applyChannel = (c: ChannelState) => {
    const known = channelOf(c.workspaceId);
    if (known && known.revision >= c.revision) return;
    s.channels = [...s.channels.filter((k) => k.workspaceId !== c.workspaceId), c];
    if (c.state !== 'sending') batchScope?.cancel();
    if (c.state === 'gone') {
      const leaving = takeOut(s, (m) => m.workspaceId === c.workspaceId && m.revision < c.revision);
      s.ending.push(...leaving.map((m) => ({ messageId: m.messageId, end: 'gone' as const })));
    }
    changed = true;
  };

  setHandler(enqueueSignal, ({ rate, messages }: EnqueueBatch) => {
    s.rate = rate;
    changed = true;
    for (const message of messages) {
      const known = channelOf(message.workspaceId);
      // Accepted under settings older than a disconnect (or switch) this sender already knows of: it will not leave.
      if (known && known.revision > message.revision && known.state === 'gone') {
        s.ending.push({ messageId: message.messageId, end: 'gone' });
        continue;
      }
      if (!known || message.revision > known.revision) applyChannel({ workspaceId: message.workspaceId, revision: message.revision, state: 'sending' });
      // A scheduled message waits aside (the loop admits it when due), so it never blocks the queue.
      place(s, message);
    }
  });
  setHandler(channelSignal, applyChannel);
  // Cancelled in the database (which only succeeds while it has no attempt): dropped here; a batch would refuse it anyway.
  setHandler(cancelSignal, ({ messageIds }) => {
    takeOut(s, (m) => !m.attempted && messageIds.includes(m.messageId));
    changed = true;
  });
  setHandler(senderViewQuery, () => ({ queued: s.queue.length, slowFactor: currentSlowFactor(), watched: s.watch.reduce((a, w) => a + w.ids.length, 0), scheduled: s.scheduled?.length ?? 0 }));

  const currentSlowFactor = () => (Date.now() < s.slowUntil ? s.slowFactor : 1);
  const segmentMs = () => segmentDurationMs(s.rate, currentSlowFactor());

  /** From the head: what is due within the horizon, while its workspace may send and nothing backs off. */
  const takeBatch = (now: number): BatchItem[] => {
    const batch: BatchItem[] = [];
    let t = slotAt(s.freeAt, now);
    for (const m of s.queue) {
      if (batch.length >= MAX_BATCH || stateOf(m.workspaceId) !== 'sending' || (m.notBefore ?? 0) > now) break;
      if (batch.length > 0 && t > now + BATCH_HORIZON_MS) break;
      batch.push({ messageId: m.messageId, workspaceId: m.workspaceId, to: m.to, segments: m.segments, validUntil: m.validUntil, revision: m.revision, ...(m.trouble && { trouble: m.trouble }) });
      t = nextFreeAt(t, m.segments, segmentMs());
    }
    return batch;
  };

  const backoff = (m: Waiting, retryAfterMs = 0) => {
    m.setbacks = (m.setbacks ?? 0) + 1;
    // Jitter spreads the retries of numbers throttled at once (Math.random is replay-safe in a workflow).
    return Date.now() + backoffDelayMs(m.setbacks, timings, Math.random(), retryAfterMs);
  };

  const applyBatch = (result: BatchResult) => {
    if (result.channel) applyChannel(result.channel);
    s.freeAt = result.freeAt;
    const now = Date.now();
    const left: string[] = [];
    const finished = new Set<string>();
    let throttled = false;
    for (const o of result.outcomes) {
      const m = s.queue.find((q) => q.messageId === o.messageId);
      if (!m) continue;
      switch (o.outcome) {
        case 'sent':
          left.push(o.messageId);
          finished.add(o.messageId);
          break;
        case 'ended':
          finished.add(o.messageId);
          break;
        case 'throttled':
          throttled = true;
          m.trouble = 'throttled';
          m.notBefore = backoff(m, o.retryAfterMs);
          break;
        case 'retry':
          m.trouble = 'provider';
          m.attempted = true;
          m.notBefore = backoff(m);
          break;
      }
    }
    s.queue = s.queue.filter((m) => !finished.has(m.messageId));
    if (throttled) {
      s.slowFactor = slowedDown(currentSlowFactor());
      s.slowUntil = now + timings.paceRecoveryMs;
    } else if (left.length > 0 && s.slowFactor > 1) {
      s.slowFactor = recovered(s.slowFactor, left.length);
    }
    if (left.length > 0) watch(left, now);
  };

  /** Sends close together share one check: one read for all of them. */
  const watch = (ids: string[], now: number) => {
    const at = now + timings.finalStatusWaitMs;
    const last = s.watch.at(-1);
    if (last && at - last.from < Math.max(1_000, timings.finalStatusWaitMs / 4)) {
      last.ids.push(...ids);
      last.at = at;
    } else s.watch.push({ from: at, at, ids });
  };
  const watched = () => s.watch.reduce((a, w) => a + w.ids.length, 0);

  /** When the loop has something to do without a signal: the head's back-off, a lapse while paused, a final-status check, or a scheduled message falling due. */
  const nextWake = (now: number) => {
    const head = s.queue[0];
    return Math.min(
      head && stateOf(head.workspaceId) === 'sending' ? (head.notBefore ?? now) : Infinity,
      ...s.queue.filter((m) => !m.attempted && stateOf(m.workspaceId) === 'paused').map((m) => m.validUntil),
      s.watch[0]?.at ?? Infinity,
      nextDue(s.scheduled ?? []),
    );
  };

  /*
   * One alarm, kept across signals: a signal that leaves the wake-up time where it was costs no
   * timer (a condition with a timeout cancels its timer and the next wait starts another: two
   * history events for every message that arrives while the sender waits). An alarm later than
   * needed is replaced; one that rings early only makes the loop look again.
   */
  const alarms = patched('sender-kept-alarm');
  let alarm: { at: number; rang: boolean } | undefined;
  let idleSince: number | undefined;
  const changeOr = async (wakeAt: number) => {
    if (wakeAt !== Infinity && (!alarm || alarm.rang || alarm.at > wakeAt)) {
      const set = { at: wakeAt, rang: false };
      alarm = set;
      void sleep(Math.max(1, wakeAt - Date.now())).then(() => (set.rang = true));
    }
    const waiting = alarm;
    await condition(() => changed || (waiting?.rang ?? false));
  };

  for (;;) {
    if (s.ending.length > 0) {
      await endQueued(s.ending.splice(0, 500));
      continue;
    }
    const now = Date.now();
    if (s.scheduled && s.scheduled.length > 0) s.scheduled = admitDue(s.queue, s.scheduled, now);
    // Sending is off: what can no longer leave in time ends now, saying why (not when sending resumes).
    const lapsed = s.queue.filter((m) => !m.attempted && stateOf(m.workspaceId) === 'paused' && m.validUntil <= now);
    if (lapsed.length > 0) {
      const ended = new Set(await endQueued(lapsed.map((m) => ({ messageId: m.messageId, end: 'lapsed' as const }))));
      for (const m of lapsed) m.attempted = true; // not ended: it has an attempt, which a batch resolves once sending resumes
      s.queue = s.queue.filter((m) => !ended.has(m.messageId));
      continue;
    }
    if (workflowInfo().historyLength > MAX_HISTORY_EVENTS || workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof senderWorkflow>({ ...input, state: s });
    }

    const head = s.queue[0];
    if (head && stateOf(head.workspaceId) === 'sending' && (head.notBefore ?? 0) <= now) {
      const batch = { numberId: input.numberId, freeAt: s.freeAt, segmentMs: segmentMs(), items: takeBatch(now) };
      batchScope = new CancellationScope();
      try {
        applyBatch(await batchScope.run(() => sendDue(batch)));
      } catch (err) {
        // Cancelled before it could answer: its messages stay queued; the next batch finds those that left.
        if (!isCancellation(err)) throw err;
      } finally {
        batchScope = undefined;
      }
      continue;
    }
    if (s.watch.length > 0 && (s.watch[0].at <= now || watched() > MAX_WATCHED)) {
      await askFinalStatus(s.watch.shift()!.ids);
      continue;
    }

    changed = false;
    const idle = s.queue.length === 0 && s.watch.length === 0 && !s.scheduled?.length;
    if (!alarms) {
      if (idle) {
        // Idle: end (the next message's signal-with-start begins a new run); a signal meanwhile keeps it going.
        if (await condition(() => changed, timings.idleMs)) continue;
        if (s.queue.length === 0 && s.ending.length === 0) return;
        continue;
      }
      const wakeAt = nextWake(now);
      if (wakeAt === Infinity) await condition(() => changed);
      else await condition(() => changed, Math.max(1, wakeAt - now));
      continue;
    }
    idleSince = idle ? (idleSince ?? now) : undefined;
    if (idleSince !== undefined && now - idleSince >= timings.idleMs) {
      // Idle long enough: end (the next message's signal-with-start begins a new run; a signal
      // arriving as it ends makes Temporal refuse the end, so none is lost).
      if (s.ending.length === 0) return;
      continue;
    }
    await changeOr(idleSince !== undefined ? idleSince + timings.idleMs : nextWake(now));
  }
}
