import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { call } from './support/stack';
import { startPlatform, type Platform } from './support/platform';
import { eventually, randomRecipient } from './outbound.support';

/** Restarted in turn (kill -9; `npm start`'s supervisor brings each back) while the messages wait for their time. */
const VICTIMS = ['api', 'worker', 'temporal'] as const;
/** Time enough to kill and restart the three on a loaded machine before the messages are due. */
const WAIT_MS = 45_000;

/**
 * The whole platform as `npm start` runs it (its own Temporal and database): a scheduled message
 * survives the API, the worker and Temporal each killed and restarted before its time, and leaves
 * once, at its time; a second one cancelled after the restarts never leaves.
 */
describe('Scheduled messages across restarts', function () {
  this.timeout(5 * 60_000);
  let platform: Platform;

  before(async () => {
    platform = await startPlatform('scheduled', { INBOUND_RECONCILE_INTERVAL_SECONDS: '0' });
  });
  after(async () => platform?.stop());

  it('then it leaves once at its time, and the one cancelled after the restarts never leaves', async () => {
    const { apiUrl, sandboxUrl, workspaceId: ws, keys } = platform.seed;
    const numbers = await call(apiUrl, 'GET', `/v1/workspaces/${ws}/sms/numbers`, { key: keys.admin });
    const number = numbers.body.data[0];
    assert.equal((await call(apiUrl, 'PUT', `/v1/workspaces/${ws}/sms`, { key: keys.admin, body: { numberId: number.id } })).status, 200);
    const run = randomBytes(3).toString('hex');
    const sendAt = new Date(Date.now() + WAIT_MS).toISOString();
    const post = (body: string) => call(apiUrl, 'POST', `/v1/workspaces/${ws}/messages`, { key: keys.agent, body: { channel: 'sms', to: randomRecipient(), body, sendAt } });
    const kept = await post(`kept ${run}`);
    const dropped = await post(`dropped ${run}`);
    assert.equal(kept.status, 202, JSON.stringify(kept.body));
    assert.equal(dropped.status, 202);

    for (const victim of VICTIMS) {
      const before = platform.pidOf(victim)!;
      process.kill(before, 'SIGKILL');
      await eventually(`${victim} to be restarted`, async () => platform.pidOf(victim) !== before && new RegExp(`${victim} restarted`).test(platform.output()), 60_000, 250);
    }
    assert.ok(Date.now() < Date.parse(sendAt), 'the restarts took longer than the wait: the test proves nothing; raise WAIT_MS');
    const cancelled = await eventually('the restarted API to cancel', async () => {
      const res = await call(apiUrl, 'DELETE', `/v1/workspaces/${ws}/messages/${dropped.body.id}`, { key: keys.agent }).catch(() => undefined);
      return res?.status === 200 && res;
    });
    assert.equal(cancelled.body.status, 'cancelled');
    assert.equal((await call(apiUrl, 'GET', `/v1/workspaces/${ws}/messages/${kept.body.id}`, { key: keys.agent })).body.status, 'scheduled');

    const delivered = await eventually(
      'the kept message to be delivered',
      async () => {
        const res = await call(apiUrl, 'GET', `/v1/workspaces/${ws}/messages/${kept.body.id}`, { key: keys.agent });
        return res.body.status === 'delivered' && res.body;
      },
      90_000,
      500,
    );
    const atCarrier = (await call(sandboxUrl, 'GET', `/sandbox/messages?from=${encodeURIComponent(number.e164)}`)).body.messages as Array<{ body: string; dateCreated: string }>;
    const ours = atCarrier.filter((m) => m.body.endsWith(run));
    assert.deepEqual(ours.map((m) => m.body), [`kept ${run}`], 'the kept one once, the cancelled one never');
    assert.ok(Date.parse(ours[0].dateCreated) >= Date.parse(sendAt) - 1000, `left at ${ours[0].dateCreated}, before ${sendAt}`);
    assert.equal(delivered.sendAt, sendAt);
  });
});
