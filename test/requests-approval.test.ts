import assert from 'node:assert/strict';
import { AuditEntry, NumberRequest, PhoneNumber } from '../src/db/models';
import { publicUrl } from '../src/config';
import type { SmsProvider } from '../src/provider';
import { numberRequestWorkflowId } from '../src/temporal/requests';
import { eventually } from './support/eventually';
import { createTestWorkspace, type Stack, type TestWorkspace } from './support/stack';
import { requestsSuite } from './support/requests-suite';

/** A custom-number request asked for and approved: support's queue and candidates, the number bought, linked and connected, the requester mailed, a second number beside the first. */

describe('Custom-number requests: asking and approval', function () {
  this.timeout(60_000);
  const suite = requestsSuite();
  const { api, requestPath, ask, approve, reject, waitForStatus, mailsAbout, waitForMail, adminEmail, toOf, approvedRequest } = suite;
  let stack: Stack;
  let support: string;
  let provider: SmsProvider;
  before(() => ({ stack, support, provider } = suite.state()));

  describe('when a workspace with no number yet asks for one', () => {
    let ws: TestWorkspace;
    let request: { id: string; status: string; timeline: Array<{ step: string; actor: string }> };

    before(async () => {
      ws = await createTestWorkspace();
      request = await ask(ws, { country: 'us', type: 'local', areaCode: '415', note: 'Bay Area customers' });
    });

    it('then the request is pending with its first timeline step, for the customer and in support\'s queue', async () => {
      assert.equal(request.status, 'pending_approval');
      assert.equal(request.timeline[0].step, 'requested');
      assert.match(request.timeline[0].actor, /^admin:key_/);
      const mine = await api('GET', requestPath(ws), ws.admin);
      assert.deepEqual(mine.body.data.map((r: { id: string }) => r.id), [request.id]);
      assert.equal(mine.body.data[0].country, 'US');
      const queue = await api('GET', '/v1/support/number-requests?status=pending_approval', support);
      assert.ok(queue.body.data.some((r: { id: string }) => r.id === request.id));
    });

    it('then support sees candidate numbers the provider offers for the area code', async () => {
      const res = await api('GET', `/v1/support/number-requests/${request.id}/candidates`, support);
      assert.equal(res.status, 200);
      assert.ok(res.body.data.length > 0);
      for (const n of res.body.data) assert.match(n.phoneNumber, /^\+1415/);
    });
  });

  describe('when support approves a request of a workspace with no number yet', () => {
    it('then the number is bought with our webhooks, linked, connected, and the requester is mailed once despite SMTP failures', async () => {
      const ws = await createTestWorkspace();
      const request = await ask(ws, { country: 'US', type: 'local', areaCode: '415' });
      stack.smtp.failNext(2);
      const res = await approve(request.id);
      assert.equal(res.status, 200);
      assert.equal(res.body.status, 'provisioning');
      assert.match(res.body.timeline.at(-1).actor, /^support:key_/);

      const done = await waitForStatus(request.id, 'completed', 20_000, 'requester_notified');
      const e164 = done.number.e164;
      assert.match(e164, /^\+1415/);
      const mail = await waitForMail(request.id, (m) => /is ready/.test(m.subject ?? ''));
      assert.equal(toOf(mail), adminEmail(ws));
      assert.ok(mail.subject?.includes(e164));
      assert.match(mail.text ?? '', /connected to your SMS channel/);

      const [atProvider] = await provider.findNumbers({ friendlyName: request.id });
      assert.equal(atProvider.phoneNumber, e164);
      assert.equal(atProvider.smsUrl, `${publicUrl(stack.config)}/webhooks/twilio/sms#${stack.config.INBOUND_WEBHOOK_RETRY}`);
      assert.equal(atProvider.statusCallback, `${publicUrl(stack.config)}/webhooks/twilio/status`);

      const channel = await api('GET', `/v1/workspaces/${ws.id}/sms`, ws.admin);
      assert.equal(channel.body.status, 'connected');
      assert.equal(channel.body.number.e164, e164);
      assert.equal(channel.body.number.kind, 'custom');
      const audit = await AuditEntry.findOne({ workspaceId: ws.id, action: 'sms.number.connected' }).lean();
      assert.equal(audit?.actor?.role, 'system');
      assert.equal(audit?.actor?.keyId, `number-request:${request.id}`);

      // The notice went out once: the retried activity sent it after two refusals, and nothing after
      // (once the request's workflow has ended, nothing more can be mailed about it).
      await stack.temporal.workflow.getHandle(numberRequestWorkflowId(request.id)).result();
      assert.equal(mailsAbout(request.id).length, 1);
      assert.equal(mail.messageId, `<${request.id}.completed@sms-channel.local>`);
    });
  });

  describe('when support has approved a request and the number is connected', () => {
    let ws: TestWorkspace;
    let request: { id: string };
    let done: { number: { id: string; e164: string }; timeline: Array<{ step: string; actor: string; detail: string | null }> };

    before(async () => {
      ({ ws, request, done } = await approvedRequest());
    });

    it('then the timeline tells each step with actor and time, from the workflow and from MongoDB alike', async () => {
      const steps = done.timeline.map((t) => t.step);
      assert.deepEqual(steps, ['requested', 'approved', 'number_bought', 'linked', 'requester_notified']);
      // The view is the workflow's live state; the stored copy follows with the workflow's next save.
      const stored = await eventually(
        () => `the stored timeline of ${request.id} to reach ${steps.at(-1)}`,
        async () => {
          const row = await NumberRequest.findById(request.id).lean();
          return row?.timeline.at(-1)?.step === steps.at(-1) && row;
        },
      );
      assert.deepEqual(stored.timeline.map((t) => t.step), steps);
      assert.equal(stored.open, false);
      const live = await api('GET', `${requestPath(ws)}/${request.id}`, ws.admin);
      assert.deepEqual(live.body.timeline.map((t: { step: string }) => t.step), steps);
      assert.ok(live.body.timeline.every((t: { at: string }) => !Number.isNaN(Date.parse(t.at))));
    });

    it('then approving again answers 200 with the current state, and rejecting or cancelling answers 409 with the status', async () => {
      const again = await approve(request.id);
      assert.equal(again.status, 200);
      assert.equal(again.body.status, 'completed');
      const rejected = await reject(request.id);
      assert.equal(rejected.status, 409);
      assert.equal(rejected.body.error.code, 'conflict');
      assert.deepEqual(rejected.body.error.details, { status: 'completed' });
      const cancelled = await api('DELETE', `${requestPath(ws)}/${request.id}`, ws.admin);
      assert.equal(cancelled.status, 409);
      assert.equal(await PhoneNumber.countDocuments({ ownerWorkspaceId: ws.id }), 1);
    });
  });

  describe('when support approves a second request of a workspace whose first number is connected', () => {
    it('then the second number goes into the dropdown without replacing the connected one, and the requester is mailed once', async () => {
      const { ws, done } = await approvedRequest();
      const second = await ask(ws, { country: 'US', type: 'toll_free' });
      const before = stack.smtp.mails.length;
      assert.equal((await approve(second.id)).status, 200);
      // How long approval → email takes is scripts/bench-requests.ts's figure, not a bound here.
      const mail = await waitForMail(second.id, (m) => /is ready/.test(m.subject ?? ''));
      assert.equal(stack.smtp.mails.length, before + 1);
      assert.match(mail.text ?? '', /Number dropdown/);
      const view = await waitForStatus(second.id, 'completed');
      const dropdown = await api('GET', `/v1/workspaces/${ws.id}/sms/numbers`, ws.admin);
      const own = dropdown.body.data.filter((n: { kind: string }) => n.kind === 'custom');
      assert.equal(own.length, 2);
      const tollFree = own.find((n: { e164: string }) => n.e164 === view.number.e164);
      assert.equal(tollFree.type, 'toll_free');
      assert.equal(tollFree.throughputPerSecond, 3);
      const channel = await api('GET', `/v1/workspaces/${ws.id}/sms`, ws.admin);
      assert.equal(channel.body.number.e164, done.number.e164);
    });
  });
});
