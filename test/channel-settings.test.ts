import assert from 'node:assert/strict';
import { AuditEntry, NumberHold } from '../src/db/models';
import { createSharedNumbers, createTestWorkspace, type TestWorkspace } from './support/stack';
import { channelSuite } from './support/channel-suite';

describe('SMS channel settings: the add-on and connecting a number', function () {
  const { api } = channelSuite();

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
});
