import assert from 'node:assert/strict';
import { MESSAGE_STATUSES } from '../src/db/models';
import { FINAL_RANK, fromProviderStatus, isFinalStatus, RANK } from '../src/messaging/status';

/* Pure: no servers. The ranking that makes a message's status move only forward (src/messaging/status.ts). */
describe('Message status ranking', () => {
  it('when a message goes on its way, then each step ranks above the one before', () => {
    const journey = ['accepted', 'queued', 'sending', 'sent', 'delivered'];
    assert.deepEqual(journey.map((s) => RANK[s]), [0, 1, 2, 3, 4]);
  });

  it('when a status is final, then it has the top rank, so no other final status replaces it (the first one wins)', () => {
    const finals = ['delivered', 'undelivered', 'failed', 'expired'];
    for (const s of finals) {
      assert.equal(RANK[s], FINAL_RANK, s);
      assert.equal(isFinalStatus(s), true, s);
    }
    for (const s of ['accepted', 'queued', 'sending', 'sent', 'received', 'unknown']) assert.equal(isFinalStatus(s), false, s);
  });

  it('when an outbound status is stored, then it has a rank; an inbound message’s `received` has none (it never moves)', () => {
    for (const s of MESSAGE_STATUSES.filter((s) => s !== 'received')) assert.equal(typeof RANK[s], 'number', s);
    assert.equal(RANK.received, undefined);
  });

  it('when the provider reports a status, then it maps to ours; one we do not know is ignored', () => {
    const mapped = Object.fromEntries(
      ['accepted', 'scheduled', 'queued', 'sending', 'sent', 'delivered', 'undelivered', 'failed', 'read', 'canceled', 'receiving', 'partially_delivered'].map((s) => [s, fromProviderStatus(s)]),
    );
    assert.deepEqual(mapped, {
      accepted: 'queued',
      scheduled: 'queued',
      queued: 'queued',
      sending: 'sending',
      sent: 'sent',
      delivered: 'delivered',
      undelivered: 'undelivered',
      failed: 'failed',
      read: 'delivered',
      canceled: 'failed',
      receiving: undefined,
      partially_delivered: undefined,
    });
  });
});
