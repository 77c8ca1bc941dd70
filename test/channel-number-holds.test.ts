import assert from 'node:assert/strict';
import { NumberHold } from '../src/db/models';
import { workflowIds } from '../src/temporal/names';
import { createSharedNumbers, createTestWorkspace } from './support/stack';
import { channelSuite } from './support/channel-suite';

describe('SMS channel settings: holding shared numbers', function () {
  const { api, stack } = channelSuite();

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

      const release = stack().temporal.workflow.getHandle(workflowIds.numberRelease(first.id));
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
      const release = stack().temporal.workflow.getHandle(workflowIds.numberRelease(first.id));
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
      assert.equal(await stack().temporal.workflow.getHandle(workflowIds.numberRelease(number.id)).result(), 'released');
    });
  });
});
