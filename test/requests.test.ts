import assert from 'node:assert/strict';
import type { ParsedMail } from 'mailparser';
import { AuditEntry, NumberRequest, PhoneNumber, Workspace } from '../src/db/models';
import { publicUrl } from '../src/config';
import { startApi } from '../src/server';
import { createProvider, type SmsProvider } from '../src/provider';
import { numberRequestWorkflowId } from '../src/temporal/requests';
import { eventually } from './support/eventually';
import { PLATFORM_ACCOUNT, call, createTestWorkspace, startStack, supportKey, type ApiResponse, type Stack, type TestWorkspace } from './support/stack';

/** Short enough that a hanging provider call fails fast, long enough for the sandbox on a busy machine. */
const PROVIDER_TIMEOUT_MS = 1500;
const OPEN_LIMIT = 2;

describe('Custom-number requests', function () {
  this.timeout(60_000);
  let stack: Stack;
  let support: string;
  let provider: SmsProvider;
  let api: (method: string, path: string, key: string | undefined, body?: unknown) => Promise<ApiResponse>;

  before(async function () {
    stack = await startStack({ env: { PROVIDER_TIMEOUT_MS: String(PROVIDER_TIMEOUT_MS), NUMBER_REQUESTS_OPEN_LIMIT: String(OPEN_LIMIT) } });
    api = (method, path, key, body) => call(stack.url, method, path, { key, body });
    support = await supportKey();
    provider = createProvider({ ...PLATFORM_ACCOUNT, baseUrl: stack.sandbox.url });
  });
  afterEach(async () => {
    await call(stack.sandbox.url, 'DELETE', '/sandbox/faults');
  });
  after(async () => stack?.stop());

  const requestPath = (ws: TestWorkspace) => `/v1/workspaces/${ws.id}/sms/number-requests`;
  const ask = async (ws: TestWorkspace, body: Record<string, unknown>) => {
    const res = await api('POST', requestPath(ws), ws.admin, body);
    assert.equal(res.status, 202, JSON.stringify(res.body));
    return res.body as { id: string; status: string; timeline: Array<{ step: string; actor: string; at: string }> };
  };
  const approve = (id: string, body: Record<string, unknown> = {}) => api('POST', `/v1/support/number-requests/${id}/approve`, support, body);
  const reject = (id: string, reason = 'Not for this use case') => api('POST', `/v1/support/number-requests/${id}/reject`, support, { reason });

  /** Polls support's view of the request until it reaches `status` (and `lastStep`, when given). */
  async function waitForStatus(id: string, status: string, timeoutMs = 20_000, lastStep?: string) {
    let last: { status?: string; timeline?: unknown } = {};
    return eventually(
      () => `request ${id} to be ${status}${lastStep ? ` after ${lastStep}` : ''}; it is ${last.status}: ${JSON.stringify(last.timeline)}`,
      async () => {
        last = (await api('GET', `/v1/support/number-requests/${id}`, support)).body;
        return last.status === status && (!lastStep || (last.timeline as Array<{ step: string }>).at(-1)?.step === lastStep) && last;
      },
      timeoutMs,
      50,
    ) as Promise<any>;
  }
  const mailsAbout = (id: string): ParsedMail[] => stack.smtp.mails.filter((m) => (m.messageId ?? '').includes(id));
  const waitForMail = (id: string, match: (m: ParsedMail) => boolean, timeoutMs = 20_000) =>
    eventually(() => `the mail about ${id}; got ${mailsAbout(id).map((m) => m.subject).join(' | ')}`, () => mailsAbout(id).find(match), timeoutMs, 10);
  const adminEmail = (ws: TestWorkspace) => `admin@${ws.id.replace(/_/g, '-')}.test`;
  const toOf = (m: ParsedMail) => (Array.isArray(m.to) ? m.to[0] : m.to)?.text;

  /** A workspace that asked for a number and support approved it: the request's view once the requester was told. */
  async function approvedRequest(body: Record<string, unknown> = { country: 'US', type: 'local', areaCode: '415' }) {
    const ws = await createTestWorkspace();
    const request = await ask(ws, body);
    assert.equal((await approve(request.id)).status, 200);
    const done = await waitForStatus(request.id, 'completed', 20_000, 'requester_notified');
    return { ws, request, done: done as { number: { id: string; e164: string }; timeline: Array<{ step: string; actor: string; detail: string | null }> } };
  }

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

  describe('who may do what', () => {
    let a: TestWorkspace;
    let b: TestWorkspace;
    let requestOfA: string;
    before(async () => {
      [a, b] = await Promise.all([createTestWorkspace(), createTestWorkspace()]);
      requestOfA = (await ask(a, { country: 'US', type: 'local', areaCode: '206' })).id;
    });

    it("then another workspace's request answers 404, to reads and to cancelling", async () => {
      for (const method of ['GET', 'DELETE']) {
        const res = await api(method, `${requestPath(b)}/${requestOfA}`, b.admin);
        assert.equal(res.status, 404, method);
        assert.equal(res.body.error.code, 'not_found');
      }
      assert.equal((await api('GET', `${requestPath(a)}/${requestOfA}`, b.admin)).status, 404);
      assert.equal((await api('GET', requestPath(b), b.admin)).body.data.length, 0);
    });

    it('then workspace keys on support routes answer 403, and no key 401', async () => {
      for (const key of [a.admin, a.agent]) {
        for (const [method, path] of [
          ['GET', '/v1/support/number-requests'],
          ['GET', `/v1/support/number-requests/${requestOfA}`],
          ['GET', `/v1/support/number-requests/${requestOfA}/candidates`],
          ['POST', `/v1/support/number-requests/${requestOfA}/approve`],
          ['POST', `/v1/support/number-requests/${requestOfA}/reject`],
        ]) {
          const res = await api(method, path, key, method === 'POST' ? { reason: 'x' } : undefined);
          assert.equal(res.status, 403, `${method} ${path}`);
          assert.equal(res.body.error.code, 'forbidden');
        }
      }
      assert.equal((await api('GET', '/v1/support/number-requests', undefined)).status, 401);
      assert.equal((await NumberRequest.findById(requestOfA).lean())?.status, 'pending_approval');
    });

    it('then agents get 403, a workspace without the add-on 402, and support keys no workspace routes', async () => {
      assert.equal((await api('POST', requestPath(a), a.agent, { country: 'US', type: 'local' })).status, 403);
      const off = await createTestWorkspace({ addon: false });
      const res = await api('POST', requestPath(off), off.admin, { country: 'US', type: 'local' });
      assert.equal(res.status, 402);
      assert.equal(res.body.error.code, 'addon_required');
      assert.equal((await api('GET', requestPath(a), support)).status, 404);
    });

    it('then bad input answers 400 validation_failed naming the field', async () => {
      for (const [body, field] of [
        [{ country: 'XX', type: 'local' }, 'country'],
        [{ country: 'US', type: 'local', areaCode: '41a' }, 'areaCode'],
        [{ country: 'US', type: 'mobile' }, 'type'],
        [{ country: 'GB', type: 'alphanumeric', senderId: 'AB' }, 'senderId'],
        [{ country: 'GB', type: 'alphanumeric', senderId: '12345' }, 'senderId'],
        [{ country: 'GB', type: 'alphanumeric' }, 'senderId'],
        [{ country: 'US', type: 'alphanumeric', senderId: 'ACME' }, 'type'],
        [{ country: 'US', type: 'local', senderId: 'ACME' }, 'senderId'],
        [{ country: 'US', type: 'local', extra: 1 }, ''],
      ] as const) {
        const res = await api('POST', requestPath(b), b.admin, body);
        assert.equal(res.status, 400, JSON.stringify(body));
        assert.equal(res.body.error.code, 'validation_failed');
        assert.ok(res.body.error.details.body.some((i: { path: string }) => i.path === field), JSON.stringify(res.body.error.details));
      }
      const badApprove = await approve(requestOfA, { phoneNumber: '4155550123' });
      assert.equal(badApprove.status, 400);
      assert.equal((await reject(requestOfA, '')).status, 400);
    });

    it('then an alphanumeric sender ID is accepted where allowed, and approving it answers 409 pointing at the sender-ID route', async () => {
      const request = await ask(await createTestWorkspace(), { country: 'GB', type: 'alphanumeric', senderId: 'ACME Shop' });
      const res = await approve(request.id);
      assert.equal(res.status, 409);
      assert.match(res.body.error.message, /POST \/v1\/workspaces\/\{ws\}\/sms\/sender-ids/);
      assert.equal((await reject(request.id, 'Register it with the carrier first')).status, 200);
    });
  });
});
