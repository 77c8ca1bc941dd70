import assert from 'node:assert/strict';
import { PhoneNumber, Workspace } from '../src/db/models';
import type { SmsProvider } from '../src/provider';
import { numberRequestWorkflowId } from '../src/temporal/requests';
import { eventually } from './support/eventually';
import { call, createTestWorkspace, type Stack } from './support/stack';
import { PROVIDER_TIMEOUT_MS, requestsSuite } from './support/requests-suite';

/** Buying the approved number when things go wrong: the chosen number taken meanwhile, the provider not answering, linking failing after the purchase. */

describe('Custom-number requests: provisioning when things go wrong', function () {
  this.timeout(60_000);
  const suite = requestsSuite();
  const { api, ask, approve, waitForStatus, mailsAbout } = suite;
  let stack: Stack;
  let support: string;
  let provider: SmsProvider;
  before(() => ({ stack, support, provider } = suite.state()));

  describe('when support names a number that was taken meanwhile', () => {
    it('then another matching number is bought and the timeline says which was taken', async () => {
      const ws = await createTestWorkspace();
      const request = await ask(ws, { country: 'US', type: 'local', areaCode: '212' });
      const candidates = (await api('GET', `/v1/support/number-requests/${request.id}/candidates`, support)).body.data;
      const chosen = candidates[0].phoneNumber;
      // Someone else buys it at the provider between support's look and its approval.
      assert.equal((await call(stack.sandbox.url, 'POST', '/sandbox/numbers', { body: { phoneNumber: chosen, type: 'local' } })).status, 201);
      assert.equal((await approve(request.id, { phoneNumber: chosen })).status, 200);
      const done = await waitForStatus(request.id, 'completed');
      assert.notEqual(done.number.e164, chosen);
      assert.match(done.number.e164, /^\+1212/);
      const bought = done.timeline.find((t: { step: string }) => t.step === 'number_bought');
      assert.match(bought.detail, new RegExp(`taken meanwhile: \\${chosen}`));
    });

    it('then with no matching number left it goes back to support with the reason, and a later approval completes', async () => {
      const ws = await createTestWorkspace();
      const request = await ask(ws, { country: 'US', type: 'local', areaCode: '305' });
      const shelf = (await api('GET', `/v1/support/number-requests/${request.id}/candidates`, support)).body.data;
      const chosen = shelf[0].phoneNumber;
      // Every 305 number leaves the shelf (the sandbox offers 40 per area code).
      const taken: Array<{ sid: string }> = [];
      for (let round = 0; round < 10; round++) {
        const left = await provider.searchNumbers({ country: 'US', type: 'local', areaCode: '305', limit: 50 });
        if (left.length === 0) break;
        for (const n of left) taken.push((await call(stack.sandbox.url, 'POST', '/sandbox/numbers', { body: { phoneNumber: n.phoneNumber, type: 'local' } })).body);
      }
      assert.equal((await approve(request.id, { phoneNumber: chosen })).status, 200);
      const back = await waitForStatus(request.id, 'pending_approval');
      assert.match(back.reason, /taken meanwhile and no other number matching US, local, area code 305/);
      assert.equal(back.timeline.at(-1).step, 'returned_to_support');
      assert.equal((await provider.findNumbers({ friendlyName: request.id })).length, 0);

      await provider.releaseNumber(taken[3].sid);
      assert.equal((await approve(request.id)).status, 200);
      const done = await waitForStatus(request.id, 'completed');
      assert.match(done.number.e164, /^\+1305/);
      assert.equal(done.reason, null);
    });
  });

  describe('when the provider does not answer for a while', () => {
    it('then provisioning retries until it does, and buys exactly one number', async () => {
      const ws = await createTestWorkspace();
      const request = await ask(ws, { country: 'US', type: 'local', areaCode: '206' });
      await call(stack.sandbox.url, 'POST', '/sandbox/faults', { body: { latencyMs: { numbers: PROVIDER_TIMEOUT_MS + 1000 } } });
      assert.equal((await approve(request.id)).status, 200);
      const handle = stack.temporal.workflow.getHandle(numberRequestWorkflowId(request.id));
      const retried = await eventually(
        'provisioning to be retried',
        async () => (await handle.describe()).raw.pendingActivities?.find((a) => a.activityType?.name === 'provisionNumber' && (a.attempt ?? 0) >= 2),
        20_000,
      );
      assert.match(retried.lastFailure?.message ?? '', /could not be reached|did not answer/);
      await call(stack.sandbox.url, 'DELETE', '/sandbox/faults');
      const done = await waitForStatus(request.id, 'completed', 30_000);
      const atProvider = await provider.findNumbers({ friendlyName: request.id });
      assert.deepEqual(atProvider.map((n) => n.phoneNumber), [done.number.e164]);
    });
  });

  describe('when linking fails for good after the purchase (the workspace was deleted meanwhile)', () => {
    it('then the number is released at the provider and the request ends failed with a reason support sees', async () => {
      const ws = await createTestWorkspace();
      const request = await ask(ws, { country: 'US', type: 'local', areaCode: '512' });
      await Workspace.deleteOne({ _id: ws.id });
      assert.equal((await approve(request.id)).status, 200);
      const failed = await waitForStatus(request.id, 'failed');
      assert.match(failed.reason, /could not be linked .*no longer exists.*released at the provider/);
      const steps = failed.timeline.map((t: { step: string }) => t.step);
      assert.deepEqual(steps.slice(-3), ['number_bought', 'link_failed', 'number_released']);
      const bought = /(\+1512\d+)/.exec(failed.timeline.find((t: { step: string }) => t.step === 'number_bought').detail)![1];
      assert.equal((await provider.findNumbers({ friendlyName: request.id })).length, 0);
      assert.equal((await provider.findNumbers({ phoneNumber: bought })).length, 0);
      assert.equal(await PhoneNumber.countDocuments({ e164: bought }), 0);
      const queue = await api('GET', '/v1/support/number-requests?status=failed', support);
      assert.ok(queue.body.data.some((r: { id: string }) => r.id === request.id));
      assert.equal(mailsAbout(request.id).length, 0);
    });
  });
});
