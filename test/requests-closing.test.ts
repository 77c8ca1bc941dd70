import assert from 'node:assert/strict';
import { NumberRequest } from '../src/db/models';
import { startApi } from '../src/server';
import type { SmsProvider } from '../src/provider';
import { call, createTestWorkspace, type Stack } from './support/stack';
import { requestsSuite } from './support/requests-suite';

/** How a custom-number request ends without a number: rejected by support, cancelled by the customer, refused over the open limit, or expired when nobody acts. */

describe('Custom-number requests: rejection, cancelling, the open limit and expiry', function () {
  this.timeout(60_000);
  const suite = requestsSuite();
  const { api, requestPath, ask, approve, reject, waitForStatus, mailsAbout, waitForMail, adminEmail, toOf } = suite;
  let stack: Stack;
  let provider: SmsProvider;
  before(() => ({ stack, provider } = suite.state()));

  describe('when support rejects a request', () => {
    it('then it is rejected with the reason, the requester is told, a repeat is harmless and approving is 409', async () => {
      const ws = await createTestWorkspace();
      const request = await ask(ws, { country: 'GB', type: 'local' });
      const res = await reject(request.id, 'We cannot offer UK numbers yet');
      assert.equal(res.status, 200);
      assert.equal(res.body.status, 'rejected');
      assert.equal(res.body.reason, 'We cannot offer UK numbers yet');
      const mail = await waitForMail(request.id, (m) => /not approved/.test(m.subject ?? ''));
      assert.match(mail.text ?? '', /We cannot offer UK numbers yet/);
      assert.equal((await reject(request.id, 'again')).status, 200);
      const approved = await approve(request.id);
      assert.equal(approved.status, 409);
      assert.deepEqual(approved.body.error.details, { status: 'rejected' });
      const stored = await waitForStatus(request.id, 'rejected');
      assert.equal(stored.reason, 'We cannot offer UK numbers yet');
    });
  });

  describe('when the customer cancels before approval', () => {
    it('then it is cancelled, its slot is free again and support can no longer approve it', async () => {
      const ws = await createTestWorkspace();
      const request = await ask(ws, { country: 'US', type: 'local', areaCode: '617' });
      const res = await api('DELETE', `${requestPath(ws)}/${request.id}`, ws.admin);
      assert.equal(res.status, 200);
      assert.equal(res.body.status, 'cancelled');
      const approved = await approve(request.id);
      assert.equal(approved.status, 409);
      assert.deepEqual(approved.body.error.details, { status: 'cancelled' });
      await waitForStatus(request.id, 'cancelled');
      assert.equal((await NumberRequest.findById(request.id).lean())?.open, false);
      assert.equal((await provider.findNumbers({ friendlyName: request.id })).length, 0);
    });
  });

  describe('when a workspace asks for more than the open limit', () => {
    it('then concurrent requests beyond it answer 409 and a closed request frees a slot', async () => {
      const ws = await createTestWorkspace();
      const results = await Promise.all(
        Array.from({ length: 4 }, () => api('POST', requestPath(ws), ws.admin, { country: 'US', type: 'local', areaCode: '303' })),
      );
      const statuses = results.map((r) => r.status).sort();
      assert.deepEqual(statuses, [202, 202, 409, 409]);
      assert.equal(results.find((r) => r.status === 409)!.body.error.code, 'conflict');
      const first = results.find((r) => r.status === 202)!.body.id;
      assert.equal((await api('DELETE', `${requestPath(ws)}/${first}`, ws.admin)).status, 200);
      await waitForStatus(first, 'cancelled');
      assert.equal((await api('POST', requestPath(ws), ws.admin, { country: 'US', type: 'local' })).status, 202);
    });
  });

  describe('when nobody acts', () => {
    it('then support is reminded after the delay and at intervals, the request expires and the customer is told', async function () {
      // Another API on the same worker: the durations travel with each workflow's input.
      const fast = await startApi({
        ...stack.config,
        API_PORT: 0,
        NUMBER_REQUEST_REMINDER_DELAY_SECONDS: 1,
        NUMBER_REQUEST_REMINDER_INTERVAL_SECONDS: 1,
        NUMBER_REQUEST_EXPIRY_SECONDS: 3,
      });
      try {
        const ws = await createTestWorkspace();
        const res = await call(fast.url, 'POST', requestPath(ws), { key: ws.admin, body: { country: 'US', type: 'local', areaCode: '312' } });
        assert.equal(res.status, 202);
        const id = res.body.id;
        const expired = await waitForStatus(id, 'expired', 20_000, 'requester_notified');
        const mail = await waitForMail(id, (m) => /expired/.test(m.subject ?? ''));
        assert.equal(toOf(mail), adminEmail(ws));
        const reminders = mailsAbout(id).filter((m) => /^Reminder/.test(m.subject ?? ''));
        assert.ok(reminders.length >= 2, `${reminders.length} reminders`);
        for (const r of reminders) assert.equal(toOf(r), stack.config.SUPPORT_EMAIL);
        const steps = expired.timeline.map((t: { step: string }) => t.step);
        assert.equal(steps.filter((s: string) => s === 'support_reminded').length, reminders.length);
        assert.equal(steps.at(-2), 'expired');
        const late = await approve(id);
        assert.equal(late.status, 409);
        assert.deepEqual(late.body.error.details, { status: 'expired' });
      } finally {
        await fast.close();
      }
    });
  });
});
