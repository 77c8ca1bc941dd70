import assert from 'node:assert/strict';
import { Message } from '../src/db/models';
import { createWorker } from '../src/worker';
import type { Stack } from './support/stack';
import { outboundSuite } from './support/outbound-suite';
import { carrierMessages, type CarrierMessage, connectedWorkspace, countByBody, randomRecipient, sendSms, settle } from './outbound.support';

/**
 * The number's pace held: between any two sends there were at least as many slots as the segments
 * sent in between, by two clocks.
 * - Ours, exactly: the time each send's attempt was written down (`sendAttemptAt`, taken in the
 *   same tick as the slot). A send may start late (load), never early, and the slot after it counts
 *   from when it went, so no gap is ever short: OUR_SLACK_MS is only the clock's rounding.
 * - The carrier's, generously: its receive time adds each create's trip over loopback, which on the
 *   shared 2-core machine varies by up to a second (a late arrival shortens the gap after it).
 *   CARRIER_SLACK_MS allows that; a pace that is too fast still fails over the longer spans.
 */
const OUR_SLACK_MS = 5;
const CARRIER_SLACK_MS = 1500;
function assertGaps(what: string, times: Map<string, number>, sent: CarrierMessage[], rate: number, slackMs: number) {
  const ordered = [...sent].sort((a, b) => times.get(a.sid)! - times.get(b.sid)!);
  let segments = 0;
  const before = ordered.map((m) => (segments += m.segments) - m.segments);
  for (let i = 0; i < ordered.length; i++) {
    for (let j = i + 1; j < ordered.length; j++) {
      const gap = times.get(ordered[j].sid)! - times.get(ordered[i].sid)!;
      const least = ((before[j] - before[i]) * 1000) / rate - slackMs;
      assert.ok(gap >= least, `by ${what}, sends ${i} and ${j} were ${gap} ms apart, less than ${least} ms: faster than ${rate}/s`);
    }
  }
}
async function assertPaced(sent: CarrierMessage[], rate: number) {
  const stored = await Message.find({ providerSid: { $in: sent.map((m) => m.sid) } }, { providerSid: 1, sendAttemptAt: 1 }).lean();
  assert.equal(stored.length, sent.length, 'every send is one of our messages');
  assertGaps('our clock', new Map(stored.map((m) => [m.providerSid!, m.sendAttemptAt!.getTime()])), sent, rate, OUR_SLACK_MS);
  assertGaps('the carrier’s clock', new Map(sent.map((m) => [m.sid, Date.parse(m.dateCreated)])), sent, rate, CARRIER_SLACK_MS);
}

/** Runs `test` with a second worker on the stack's task queue beside the stack's own, stopped afterwards whatever happened. */
async function withSecondWorker(stack: Stack, test: () => Promise<void>) {
  const second = await createWorker(stack.config);
  const running = second.worker.run();
  try {
    await test();
  } finally {
    second.worker.shutdown();
    await running;
    await second.connection.close();
  }
}

describe('outbound SMS: pacing', function () {
  const stack = outboundSuite(this);

  describe('when 20 messages queue on a one-segment-a-second number, with two workers', () => {
    it('then the carrier receives them a second apart, in acceptance order per recipient', () =>
      withSecondWorker(stack(), async () => {
        const { ws, number } = await connectedWorkspace(stack(), { rate: 1 });
        const recipients = [randomRecipient(), randomRecipient(), randomRecipient()];
        const ids: string[] = [];
        for (let i = 0; i < 20; i++) {
          const res = await sendSms(stack(), ws, recipients[i % 3], `pace ${i}`);
          assert.equal(res.status, 202);
          ids.push(res.body.id);
        }
        await settle(stack(), ws, ids, ['delivered'], 60_000);
        const sent = (await carrierMessages(stack(), number.e164)).sort((a, b) => Date.parse(a.dateCreated) - Date.parse(b.dateCreated));
        assert.equal(sent.length, 20);
        assert.equal(countByBody(sent).size, 20);
        // Never faster than the number's pace (how close to it the drain comes is scripts/bench-outbound.ts's ratio).
        await assertPaced(sent, 1);
        for (const r of recipients) {
          const order = sent.filter((m) => m.to === r).map((m) => Number(m.body.split(' ')[1]));
          assert.deepEqual(order, [...order].sort((a, b) => a - b), `order to ${r}: ${order}`);
        }
      }));
  });

  describe('when multi-segment messages share a number between two workers', () => {
    it('then each message takes as many slots of the number as it has segments', () =>
      withSecondWorker(stack(), async () => {
        const { ws, number } = await connectedWorkspace(stack(), { rate: 1 });
        const bodies = Array.from({ length: 8 }, (_, i) => `${i} `.padEnd(i % 2 === 0 ? 300 : 20, 'x')); // 2 or 1 segments
        const ids = [];
        for (const body of bodies) ids.push((await sendSms(stack(), ws, randomRecipient(), body)).body.id);
        await settle(stack(), ws, ids, ['delivered'], 30_000);
        const sent = (await carrierMessages(stack(), number.e164)).sort((a, b) => Date.parse(a.dateCreated) - Date.parse(b.dateCreated));
        assert.equal(sent.length, 8);
        assert.equal(sent.reduce((a, m) => a + m.segments, 0), 12);
        await assertPaced(sent, 1);
      }));
  });
});
