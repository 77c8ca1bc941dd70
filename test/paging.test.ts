import assert from 'node:assert/strict';
import { AuditEntry } from '../src/db/models';
import { newId } from '../src/db/ids';
import { call, createTestWorkspace, startStack, type Stack, type TestWorkspace } from './support/stack';

describe('Paging the audit trail', function () {
  this.timeout(60_000);
  let stack: Stack;
  let ws: TestWorkspace;

  before(async () => {
    stack = await startStack({ env: { WEBHOOK_HEALTH_INTERVAL_SECONDS: '0' } });
    ws = await createTestWorkspace();
  });
  after(async () => stack?.stop());

  describe('when several entries share one timestamp', () => {
    it('then pages of two show every entry once, newest first, and the last page has no cursor', async () => {
      // Five entries: three written in the same millisecond, between two others.
      const t = Date.now() - 60_000;
      const times = [t + 2, t + 1, t + 1, t + 1, t];
      const written = times.map((ms, i) => ({ _id: newId('aud'), workspaceId: ws.id, actor: { keyId: 'k', role: 'admin' }, action: `test.${i}`, at: new Date(ms) }));
      await AuditEntry.insertMany(written);

      const seen: Array<{ id: string; at: string }> = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query: string = cursor ? `?limit=2&cursor=${encodeURIComponent(cursor)}` : '?limit=2';
        const res = await call(stack.url, 'GET', `/v1/workspaces/${ws.id}/audit${query}`, { key: ws.admin });
        assert.equal(res.status, 200, JSON.stringify(res.body));
        seen.push(...res.body.data.map((e: { id: string; at: string }) => ({ id: e.id, at: e.at })));
        cursor = res.body.nextCursor;
        pages++;
      } while (cursor && pages < 10);

      assert.equal(pages, 3);
      assert.deepEqual(new Set(seen.map((e) => e.id)), new Set(written.map((e) => e._id)));
      assert.equal(seen.length, written.length, 'no entry shown twice');
      const ats = seen.map((e) => Date.parse(e.at));
      assert.deepEqual(ats, [...ats].sort((x, y) => y - x), 'newest first');
    });

    it('then a cursor that is not one the API returned is 400 validation_failed', async () => {
      const res = await call(stack.url, 'GET', `/v1/workspaces/${ws.id}/audit?cursor=not-a-cursor`, { key: ws.admin });
      assert.equal(res.status, 400);
      assert.equal(res.body.error.code, 'validation_failed');
    });
  });
});
