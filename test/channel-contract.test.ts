import assert from 'node:assert/strict';
import { call, createTestWorkspace } from './support/stack';
import { channelSuite } from './support/channel-suite';

describe('SMS channel settings: isolation, the error contract and operations', function () {
  const { api, stack } = channelSuite();

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
      const none = await call(stack().url, 'GET', `/v1/workspaces/${ws.id}/sms`);
      assert.equal(none.status, 401);
      assert.equal(none.body.error.code, 'unauthenticated');
      const wrong = await api('GET', `/v1/workspaces/${ws.id}/sms`, 'sk_admin_wrong');
      assert.equal(wrong.status, 401);
    });

    it('then malformed JSON is 400, bad fields 400 with details, an oversized body 413, and no stack trace', async () => {
      const ws = await createTestWorkspace();
      const malformed = await call(stack().url, 'PUT', `/v1/workspaces/${ws.id}/sms`, { key: ws.admin, raw: '{"numberId": ' });
      assert.equal(malformed.status, 400);
      assert.equal(malformed.body.error.code, 'validation_failed');
      assert.match(malformed.body.error.message, /JSON/);
      const invalid = await api('PUT', `/v1/workspaces/${ws.id}/sms`, ws.admin, { numberId: 42, extra: true });
      assert.equal(invalid.status, 400);
      assert.equal(invalid.body.error.code, 'validation_failed');
      assert.ok(Array.isArray(invalid.body.error.details.body));
      const huge = await call(stack().url, 'PUT', `/v1/workspaces/${ws.id}/sms`, { key: ws.admin, raw: JSON.stringify({ numberId: 'x'.repeat(200_000) }) });
      assert.equal(huge.status, 413);
      assert.equal(huge.body.error.code, 'payload_too_large');
      const unknown = await call(stack().url, 'GET', '/v1/nothing-here');
      assert.equal(unknown.status, 404);
      for (const r of [malformed, invalid, huge, unknown]) assert.doesNotMatch(JSON.stringify(r.body), /at .*\.ts:\d+|node_modules/);
    });
  });

  describe('operations', () => {
    it('then /healthz, /readyz, /metrics and /openapi.json answer', async () => {
      assert.equal((await call(stack().url, 'GET', '/healthz')).status, 200);
      const ready = await call(stack().url, 'GET', '/readyz');
      assert.equal(ready.status, 200);
      assert.deepEqual(ready.body.checks, { mongodb: true, temporal: true, worker: true });
      const metrics = await call(stack().url, 'GET', '/metrics');
      assert.match(String(metrics.body), /http_request_duration_seconds/);
      const doc = await call(stack().url, 'GET', '/openapi.json');
      assert.equal(doc.body.openapi, '3.0.3');
      const put = doc.body.paths['/v1/workspaces/{ws}/sms'].put;
      assert.ok(put.requestBody.content['application/json'].schema.properties.numberId);
      const docs = await call(stack().url, 'GET', '/docs');
      assert.match(String(docs.body), /swagger-ui/);
    });
  });
});
