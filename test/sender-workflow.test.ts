import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { workflowBundle } from '../src/worker';
import type { BatchItem, BatchResult, ItemOutcome, SendBatch } from '../src/messaging/send';
import type { QueuedEnd } from '../src/messaging/endQueued';
import type { MessagingActivities } from '../src/activities/messaging';
import { nextFreeAt, slotAt } from '../src/temporal/pace';
import { channelSignal, enqueueSignal, SENDER_WORKFLOW, senderWorkflowId, type ChannelState, type QueuedMessage, type SenderTimings } from '../src/temporal/sender';
import { eventually } from './support/eventually';
import { useServers } from './support/global-servers';

/*
 * The per-number sender workflow on the suite's Temporal dev server, with short timers and its
 * activities stood in for (as the worker composes the real ones, a test passes others): what it
 * hands to a batch, in which order and at which pace, and what it ends without sending. No database,
 * provider or API: the file answers in seconds.
 */
const TIMINGS: SenderTimings = { backoffMs: 50, backoffMaxMs: 200, paceRecoveryMs: 60_000, finalStatusWaitMs: 100, idleMs: 300 };

describe('The sender workflow (short timers, activities stood in for)', function () {
  this.timeout(30_000);
  const taskQueue = `sender-wf-${randomBytes(4).toString('hex')}`;
  let client: Client;
  let worker: Worker;
  let running: Promise<void>;
  let connection: NativeConnection;

  /** What the stand-in activities saw, and how the batch answers each message (default: sent). */
  let batches: SendBatch[];
  let ended: QueuedEnd[];
  let asked: string[];
  let answer: (item: BatchItem, attempt: number) => ItemOutcome;
  /** The settings the batch reads before sending (default: this number may send). */
  let settings: (batch: SendBatch) => ChannelState | undefined;

  const activities: MessagingActivities = {
    async sendDue(batch: SendBatch): Promise<BatchResult> {
      batches.push(batch);
      const channel = settings(batch);
      if (channel) return { outcomes: [], freeAt: batch.freeAt, channel }; // as the real batch: it sends nothing then
      const outcomes: ItemOutcome[] = [];
      let freeAt = batch.freeAt;
      for (const item of batch.items) {
        const attempt = batches.filter((b) => b.items.some((i) => i.messageId === item.messageId)).length;
        const outcome = answer(item, attempt);
        outcomes.push(outcome);
        if (outcome.outcome === 'throttled') break; // as the real batch: a 429 stops it
        freeAt = nextFreeAt(slotAt(freeAt, Date.now()), item.segments, batch.segmentMs);
      }
      return { outcomes, freeAt };
    },
    async endQueued(ends: QueuedEnd[]) {
      ended.push(...ends);
      return ends.map((e) => e.messageId);
    },
    async askFinalStatus(ids: string[]) {
      asked.push(...ids);
      return 0;
    },
  };

  before(async function () {
    this.timeout(120_000);
    await useServers();
    connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS! });
    worker = await Worker.create({ connection, taskQueue, workflowBundle: await workflowBundle(), activities });
    running = worker.run();
    client = new Client({ connection: await Connection.connect({ address: process.env.TEMPORAL_ADDRESS! }) });
  });
  after(async () => {
    worker?.shutdown();
    await running;
    await connection?.close();
    await client?.connection.close();
  });
  beforeEach(() => {
    batches = [];
    ended = [];
    asked = [];
    answer = (item) => ({ messageId: item.messageId, outcome: 'sent' });
    settings = () => undefined;
  });

  const message = (id: string, o: Partial<QueuedMessage> = {}): QueuedMessage => ({
    messageId: id,
    workspaceId: 'ws_1',
    to: '+14155550100',
    segments: 1,
    validUntil: Date.now() + 60_000,
    revision: 1,
    ...o,
  });
  /** A sender for a fresh number, started by its first messages as the API starts it (signal-with-start). */
  async function sender(first: { rate: number; messages: QueuedMessage[] }) {
    const numberId = `num_${randomBytes(4).toString('hex')}`;
    return client.workflow.signalWithStart(SENDER_WORKFLOW, {
      taskQueue,
      workflowId: senderWorkflowId(numberId),
      args: [{ numberId, timings: TIMINGS }],
      signal: enqueueSignal,
      signalArgs: [first],
    });
  }
  const sentIds = () => batches.flatMap((b) => b.items.map((i) => i.messageId));

  it('when messages are queued, then they go in acceptance order at the number’s pace, are asked after once, and the sender ends when idle', async () => {
    const handle = await sender({ rate: 2, messages: [message('m1'), message('m2', { segments: 2 }), message('m3')] });
    await handle.signal(enqueueSignal, { rate: 2, messages: [message('m4')] });
    await handle.result(); // idle for TIMINGS.idleMs with nothing queued or watched
    assert.deepEqual(sentIds(), ['m1', 'm2', 'm3', 'm4']);
    for (const b of batches) assert.equal(b.segmentMs, 500, 'one segment every 500 ms at 2/s');
    // Each batch starts at the slot the one before left free.
    for (let i = 1; i < batches.length; i++) assert.ok(batches[i].freeAt >= batches[i - 1].freeAt);
    assert.deepEqual([...asked].sort(), ['m1', 'm2', 'm3', 'm4'], 'each sent message asked for its final status once');
    assert.deepEqual(ended, []);
  });

  it('when the carrier answers 429, then the number slows by a quarter and the message goes again first, after its back-off', async () => {
    answer = (item, attempt) => (item.messageId === 'm1' && attempt === 1 ? { messageId: 'm1', outcome: 'throttled', retryAfterMs: 0 } : { messageId: item.messageId, outcome: 'sent' });
    const handle = await sender({ rate: 4, messages: [message('m1'), message('m2')] });
    await handle.result();
    assert.deepEqual(batches[0].items.map((i) => i.messageId), ['m1', 'm2']);
    assert.equal(batches[0].segmentMs, 250);
    assert.equal(batches[1].items[0].messageId, 'm1', 'the throttled message stays at the head: order holds');
    assert.equal(batches[1].items[0].trouble, 'throttled');
    assert.equal(batches[1].segmentMs, 250 * 1.25, 'slowed by a quarter');
    assert.deepEqual(batches[1].items.map((i) => i.messageId), ['m1', 'm2']);
  });

  it('when sending is off, then nothing goes and what lapses meanwhile ends; once it is on, the rest goes', async () => {
    // The first batch reads that sending was turned off (revision 2) and sends nothing.
    settings = () => (batches.length === 1 ? { workspaceId: 'ws_1', revision: 2, state: 'paused' } : undefined);
    const handle = await sender({ rate: 10, messages: [message('keeps'), message('lapses', { validUntil: Date.now() + 500 })] });
    await eventually('the lapsed message to end', () => ended.some((e) => e.messageId === 'lapses'), 10_000, 20);
    assert.deepEqual(ended, [{ messageId: 'lapses', end: 'lapsed' }]);
    assert.equal(batches.length, 1, 'no batch while sending is off');
    await handle.signal(channelSignal, { workspaceId: 'ws_1', revision: 3, state: 'sending' });
    await handle.result();
    assert.deepEqual(batches.slice(1).flatMap((b) => b.items.map((i) => i.messageId)), ['keeps']);
  });

  it('when the workspace disconnects or switches away, then what it had queued ends `gone` without going', async () => {
    settings = () => (batches.length === 1 ? { workspaceId: 'ws_1', revision: 2, state: 'paused' } : undefined);
    const handle = await sender({ rate: 10, messages: [message('a'), message('b')] });
    await eventually('the first batch to find sending off', () => batches.length === 1, 10_000, 20);
    await handle.signal(channelSignal, { workspaceId: 'ws_1', revision: 3, state: 'gone' });
    // A message accepted under the old settings whose signal comes after the disconnect ends too.
    await handle.signal(enqueueSignal, { rate: 10, messages: [message('late')] });
    await handle.result();
    assert.deepEqual(ended.map((e) => [e.messageId, e.end]), [['a', 'gone'], ['b', 'gone'], ['late', 'gone']]);
    assert.equal(batches.length, 1, 'nothing sent after the disconnect');
  });
});
