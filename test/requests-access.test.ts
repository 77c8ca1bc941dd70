import assert from 'node:assert/strict';
import { NumberRequest } from '../src/db/models';
import { createTestWorkspace, type TestWorkspace } from './support/stack';
import { requestsSuite } from './support/requests-suite';

/** Who may do what with custom-number requests: workspaces see only their own, support routes need a support key, input is validated. */

describe('Custom-number requests: access and validation', function () {
  this.timeout(60_000);
  const suite = requestsSuite();
  const { api, requestPath, ask, approve, reject } = suite;
  let support: string;
  before(() => ({ support } = suite.state()));

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
