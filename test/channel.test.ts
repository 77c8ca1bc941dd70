import assert from 'node:assert/strict';
import { AuditEntry, NumberHold } from '../src/db/models';
import { workflowIds } from '../src/temporal/names';
import { call, type ApiResponse, createSharedNumbers, createTestWorkspace, startStack, type Stack, type TestWorkspace } from './support/stack';

const COOLDOWN_SECONDS = 3;

describe('SMS channel settings', function () {
  let stack: Stack;
  let api: (method: string, path: string, key: string, body?: unknown) => Promise<ApiResponse>;

  before(async function () {
    stack = await startStack({ env: { NUMBER_COOLDOWN_SECONDS: String(COOLDOWN_SECONDS) } });
    api = (method, path, key, body) => call(stack.url, method, path, { key, body });
  });
  after(async () => stack?.stop());

  describe('when the add-on is off', () => {
    let ws: TestWorkspace;
    before(async () => {
      ws = await createTestWorkspace({ addon: false });
    });

    it('then the settings say so and are not configured', async () => {
      const res = await api('GET', `/v1/workspaces/${ws.id}/sms`, ws.admin);
      assert.equal(res.status, 200);
      assert.equal(res.body.addon.active, false);
      assert.equal(res.body.status, 'not_configured');
      assert.equal(res.body.number, null);
    });

    it('then every other SMS route answers 402 addon_required saying how to enable it', async () => {
      const [numbers] = await createSharedNumbers(1);
      for (const [method, path, body] of [
        ['GET', `/v1/workspaces/${ws.id}/sms/numbers`],
        ['PUT', `/v1/workspaces/${ws.id}/sms`, { numberId: numbers.id }],
        ['PATCH', `/v1/workspaces/${ws.id}/sms`, { enabled: false }],
        ['DELETE', `/v1/workspaces/${ws.id}/sms`],
      ] as const) {
        const res = await api(method, path, ws.admin, body);
        assert.equal(res.status, 402, `${method} ${path}`);
        assert.equal(res.body.error.code, 'addon_required');
        assert.match(res.body.error.message, /Billing/);
      }
      assert.equal(await NumberHold.countDocuments({ workspaceId: ws.id }), 0);
    });

    it('then an admin turns it on and the audit trail records it', async () => {
      const ws = await createTestWorkspace({ addon: false }); // its own: the others here need it off
      const res = await api('PUT', `/v1/workspaces/${ws.id}/addons/sms`, ws.admin, { active: true });
      assert.equal(res.status, 200);
      assert.equal((await api('GET', `/v1/workspaces/${ws.id}/sms`, ws.admin)).body.addon.active, true);
      const audit = await api('GET', `/v1/workspaces/${ws.id}/audit`, ws.admin);
      assert.equal(audit.body.data[0].action, 'addon.sms.set');
      assert.deepEqual(audit.body.data[0].before, { active: false });
      assert.deepEqual(audit.body.data[0].after, { active: true });
    });
  });

  describe('when an admin connects a shared number', () => {
    let ws: TestWorkspace;
    let pool: { id: string; e164: string }[];
    beforeEach(async () => {
      ws = await createTestWorkspace();
      pool = await createSharedNumbers(3);
    });

    it('then the dropdown offers the free shared numbers', async () => {
      const res = await api('GET', `/v1/workspaces/${ws.id}/sms/numbers`, ws.admin);
      assert.equal(res.status, 200);
      const ids = res.body.data.map((n: { id: string }) => n.id);
      for (const n of pool) assert.ok(ids.includes(n.id));
      assert.equal(res.body.data[0].kind, 'shared');
      assert.equal(res.body.data[0].throughputPerSecond, 1);
    });

    it('then the channel is connected and enabled, and the change is audited', async () => {
      const res = await api('PUT', `/v1/workspaces/${ws.id}/sms`, ws.admin, { numberId: pool[0].id });
      assert.equal(res.status, 200);
      assert.equal(res.body.status, 'connected');
      assert.equal(res.body.enabled, true);
      assert.equal(res.body.number.e164, pool[0].e164);
      const entry = await AuditEntry.findOne({ workspaceId: ws.id, action: 'sms.number.connected' }).lean();
      assert.ok(entry);
      assert.equal((entry.before as { status: string }).status, 'not_configured');
      assert.equal((entry.after as { numberId: string }).numberId, pool[0].id);
      assert.match(String(entry.actor?.keyId), /^key_/);
    });

    describe('and it is connected', () => {
      beforeEach(async () => {
        assert.equal((await api('PUT', `/v1/workspaces/${ws.id}/sms`, ws.admin, { numberId: pool[0].id })).status, 200);
      });

      it('then connecting the same number again changes nothing', async () => {
        const res = await api('PUT', `/v1/workspaces/${ws.id}/sms`, ws.admin, { numberId: pool[0].id });
        assert.equal(res.status, 200);
        assert.equal(res.body.number.id, pool[0].id);
        assert.equal(await AuditEntry.countDocuments({ workspaceId: ws.id, action: /^sms\.number/ }), 1);
      });

      it('then another workspace neither sees it in its dropdown nor can take it', async () => {
        const other = await createTestWorkspace();
        const list = await api('GET', `/v1/workspaces/${other.id}/sms/numbers`, other.admin);
        assert.ok(!list.body.data.some((n: { id: string }) => n.id === pool[0].id));
        const res = await api('PUT', `/v1/workspaces/${other.id}/sms`, other.admin, { numberId: pool[0].id });
        assert.equal(res.status, 409);
        assert.equal(res.body.error.code, 'number_unavailable');
      });

      it('then Enabled off keeps the number and Enabled on resumes', async () => {
        const off = await api('PATCH', `/v1/workspaces/${ws.id}/sms`, ws.admin, { enabled: false });
        assert.equal(off.status, 200);
        assert.equal(off.body.enabled, false);
        assert.equal(off.body.status, 'connected');
        assert.equal(off.body.number.id, pool[0].id);
        const on = await api('PATCH', `/v1/workspaces/${ws.id}/sms`, ws.admin, { enabled: true });
        assert.equal(on.body.enabled, true);
      });

      it('then a save made from a revision that has moved on is refused with 409 and changes nothing', async () => {
        const shown = await api('GET', `/v1/workspaces/${ws.id}/sms`, ws.admin);
        const { revision } = shown.body;
        const saved = await api('PATCH', `/v1/workspaces/${ws.id}/sms`, ws.admin, { enabled: false, revision });
        assert.equal(saved.status, 200);
        assert.equal(saved.body.revision, revision + 1);
        for (const [method, body] of [
          ['PATCH', { enabled: true, revision }],
          ['PUT', { numberId: pool[1].id, revision }],
        ] as const) {
          const stale = await api(method, `/v1/workspaces/${ws.id}/sms`, ws.admin, body);
          assert.equal(stale.status, 409, method);
          assert.equal(stale.body.error.code, 'conflict');
        }
        const after = await api('GET', `/v1/workspaces/${ws.id}/sms`, ws.admin);
        assert.deepEqual([after.body.revision, after.body.enabled, after.body.number.id], [revision + 1, false, pool[0].id]);
        assert.equal((await api('PATCH', `/v1/workspaces/${ws.id}/sms`, ws.admin, { enabled: true, revision: revision + 1 })).status, 200);
      });

      it('then an agent may read the settings but gets 403 forbidden on every change', async () => {
        assert.equal((await api('GET', `/v1/workspaces/${ws.id}/sms`, ws.agent)).status, 200);
        for (const [method, path, body] of [
          ['PUT', `/v1/workspaces/${ws.id}/sms`, { numberId: pool[1].id }],
          ['PATCH', `/v1/workspaces/${ws.id}/sms`, { enabled: false }],
          ['DELETE', `/v1/workspaces/${ws.id}/sms`],
          ['PUT', `/v1/workspaces/${ws.id}/addons/sms`, { active: false }],
          ['GET', `/v1/workspaces/${ws.id}/sms/numbers`],
        ] as const) {
          const res = await api(method, path, ws.agent, body);
          assert.equal(res.status, 403, `${method} ${path}`);
          assert.equal(res.body.error.code, 'forbidden');
        }
        assert.equal((await api('GET', `/v1/workspaces/${ws.id}/sms`, ws.admin)).body.number.id, pool[0].id);
      });
    });
  });

  describe('when two workspaces connect the same free number at the same moment', () => {
    it('then exactly one wins and the other gets 409 number_unavailable', async () => {
      const rounds = 5;
      const numbers = await createSharedNumbers(rounds);
      for (const number of numbers) {
        const contenders = await Promise.all([createTestWorkspace(), createTestWorkspace(), createTestWorkspace()]);
        const results = await Promise.all(
          contenders.map((ws) => api('PUT', `/v1/workspaces/${ws.id}/sms`, ws.admin, { numberId: number.id })),
        );
        const winners = results.filter((r) => r.status === 200);
        const losers = results.filter((r) => r.status === 409);
        assert.equal(winners.length, 1, JSON.stringify(results.map((r) => r.status)));
        assert.equal(losers.length, contenders.length - 1);
        for (const l of losers) assert.equal(l.body.error.code, 'number_unavailable');
        const holds = await NumberHold.find({ _id: number.id }).lean();
        assert.equal(holds.length, 1);
        assert.equal(holds[0].workspaceId, winners[0].body.workspaceId);
        // the losers are left exactly as they were
        for (const [i, r] of results.entries()) {
          if (r.status !== 409) continue;
          const channel = await api('GET', `/v1/workspaces/${contenders[i].id}/sms`, contenders[i].admin);
          assert.equal(channel.body.status, 'not_configured');
        }
      }
    });
  });

  describe('when an admin switches or disconnects', () => {
    it('then the old shared number stays reserved for the cool-down, then returns to the pool', async () => {
      const ws = await createTestWorkspace();
      const other = await createTestWorkspace();
      const [first, second] = await createSharedNumbers(2);
      assert.equal((await api('PUT', `/v1/workspaces/${ws.id}/sms`, ws.admin, { numberId: first.id })).status, 200);
      const switched = await api('PUT', `/v1/workspaces/${ws.id}/sms`, ws.admin, { numberId: second.id });
      assert.equal(switched.status, 200);
      assert.equal(switched.body.number.id, second.id);

      const hold = await NumberHold.findById(first.id).lean();
      assert.equal(hold?.state, 'reserved');
      assert.equal(hold?.workspaceId, ws.id);
      const taken = await api('PUT', `/v1/workspaces/${other.id}/sms`, other.admin, { numberId: first.id });
      assert.equal(taken.status, 409);
      assert.equal(taken.body.error.code, 'number_unavailable');
      const otherList = await api('GET', `/v1/workspaces/${other.id}/sms/numbers`, other.admin);
      assert.ok(!otherList.body.data.some((n: { id: string }) => n.id === first.id));
      // the reserving workspace still sees it, to take it back
      const ownList = await api('GET', `/v1/workspaces/${ws.id}/sms/numbers`, ws.admin);
      assert.ok(ownList.body.data.some((n: { id: string }) => n.id === first.id));

      const release = stack.temporal.workflow.getHandle(workflowIds.numberRelease(first.id));
      assert.equal(await release.result(), 'released');
      assert.equal(await NumberHold.countDocuments({ _id: first.id }), 0);
      const now = await api('PUT', `/v1/workspaces/${other.id}/sms`, other.admin, { numberId: first.id });
      assert.equal(now.status, 200);
    });

    it('then connecting the reserved number again cancels its release and keeps it', async () => {
      const ws = await createTestWorkspace();
      const [first, second] = await createSharedNumbers(2);
      await api('PUT', `/v1/workspaces/${ws.id}/sms`, ws.admin, { numberId: first.id });
      await api('PUT', `/v1/workspaces/${ws.id}/sms`, ws.admin, { numberId: second.id });
      const back = await api('PUT', `/v1/workspaces/${ws.id}/sms`, ws.admin, { numberId: first.id });
      assert.equal(back.status, 200);
      assert.equal(back.body.number.id, first.id);
      const release = stack.temporal.workflow.getHandle(workflowIds.numberRelease(first.id));
      await assert.rejects(release.result(), /cancel/i);
      assert.equal((await release.describe()).status.name, 'CANCELLED');
      const hold = await NumberHold.findById(first.id).lean();
      assert.equal(hold?.state, 'held');
      assert.equal(hold?.workspaceId, ws.id);
      // `second` cools down in turn
      assert.equal((await NumberHold.findById(second.id).lean())?.state, 'reserved');
    });

    it('then Disconnect sets disconnected, and the number cools down before release', async () => {
      const ws = await createTestWorkspace();
      const [number] = await createSharedNumbers(1);
      await api('PUT', `/v1/workspaces/${ws.id}/sms`, ws.admin, { numberId: number.id });
      const res = await api('DELETE', `/v1/workspaces/${ws.id}/sms`, ws.admin);
      assert.equal(res.status, 200);
      assert.equal(res.body.status, 'disconnected');
      assert.equal(res.body.number, null);
      assert.equal((await NumberHold.findById(number.id).lean())?.state, 'reserved');
      const again = await api('DELETE', `/v1/workspaces/${ws.id}/sms`, ws.admin);
      assert.equal(again.status, 409);
      assert.equal(again.body.error.code, 'channel_not_connected');
      const audit = await api('GET', `/v1/workspaces/${ws.id}/audit`, ws.admin);
      assert.equal(audit.body.data[0].action, 'sms.disconnected');
      assert.equal(audit.body.data[0].before.numberId, number.id);
      assert.equal(await stack.temporal.workflow.getHandle(workflowIds.numberRelease(number.id)).result(), 'released');
    });
  });

  describe('isolation and the error contract', () => {
    it("then another workspace's key gets 404 on this workspace's routes", async () => {
      const a = await createTestWorkspace();
      const b = await createTestWorkspace();
      for (const [method, path] of [
        ['GET', `/v1/workspaces/${a.id}/sms`],
        ['GET', `/v1/workspaces/${a.id}/sms/numbers`],
        ['DELETE', `/v1/workspaces/${a.id}/sms`],
        ['GET', `/v1/workspaces/${a.id}/audit`],
      ] as const) {
        const res = await api(method, path, b.admin);
        assert.equal(res.status, 404, `${method} ${path}`);
        assert.equal(res.body.error.code, 'not_found');
      }
    });

    it('then an unknown number id is 404 and an unknown workspace is 404', async () => {
      const ws = await createTestWorkspace();
      const res = await api('PUT', `/v1/workspaces/${ws.id}/sms`, ws.admin, { numberId: 'num_nope' });
      assert.equal(res.status, 404);
      assert.equal(res.body.error.code, 'not_found');
      assert.equal((await api('GET', '/v1/workspaces/ws_unknown/sms', ws.admin)).status, 404);
    });

    it('then a missing or wrong key is 401 unauthenticated', async () => {
      const ws = await createTestWorkspace();
      const none = await call(stack.url, 'GET', `/v1/workspaces/${ws.id}/sms`);
      assert.equal(none.status, 401);
      assert.equal(none.body.error.code, 'unauthenticated');
      const wrong = await api('GET', `/v1/workspaces/${ws.id}/sms`, 'sk_admin_wrong');
      assert.equal(wrong.status, 401);
    });

    it('then malformed JSON is 400, bad fields 400 with details, an oversized body 413, and no stack trace', async () => {
      const ws = await createTestWorkspace();
      const malformed = await call(stack.url, 'PUT', `/v1/workspaces/${ws.id}/sms`, { key: ws.admin, raw: '{"numberId": ' });
      assert.equal(malformed.status, 400);
      assert.equal(malformed.body.error.code, 'validation_failed');
      assert.match(malformed.body.error.message, /JSON/);
      const invalid = await api('PUT', `/v1/workspaces/${ws.id}/sms`, ws.admin, { numberId: 42, extra: true });
      assert.equal(invalid.status, 400);
      assert.equal(invalid.body.error.code, 'validation_failed');
      assert.ok(Array.isArray(invalid.body.error.details.body));
      const huge = await call(stack.url, 'PUT', `/v1/workspaces/${ws.id}/sms`, { key: ws.admin, raw: JSON.stringify({ numberId: 'x'.repeat(200_000) }) });
      assert.equal(huge.status, 413);
      assert.equal(huge.body.error.code, 'payload_too_large');
      const unknown = await call(stack.url, 'GET', '/v1/nothing-here');
      assert.equal(unknown.status, 404);
      for (const r of [malformed, invalid, huge, unknown]) assert.doesNotMatch(JSON.stringify(r.body), /at .*\.ts:\d+|node_modules/);
    });
  });

  describe('operations', () => {
    it('then /healthz, /readyz, /metrics and /openapi.json answer', async () => {
      assert.equal((await call(stack.url, 'GET', '/healthz')).status, 200);
      const ready = await call(stack.url, 'GET', '/readyz');
      assert.equal(ready.status, 200);
      assert.deepEqual(ready.body.checks, { mongodb: true, temporal: true, worker: true });
      const metrics = await call(stack.url, 'GET', '/metrics');
      assert.match(String(metrics.body), /http_request_duration_seconds/);
      const doc = await call(stack.url, 'GET', '/openapi.json');
      assert.equal(doc.body.openapi, '3.0.3');
      const put = doc.body.paths['/v1/workspaces/{ws}/sms'].put;
      assert.ok(put.requestBody.content['application/json'].schema.properties.numberId);
      const docs = await call(stack.url, 'GET', '/docs');
      assert.match(String(docs.body), /swagger-ui/);
    });
  });
});
