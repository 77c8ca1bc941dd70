import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { call, createTestWorkspace, startStack, type Stack, type TestWorkspace } from './support/stack';
import { connectNumber, handsetSends, randomE164, sharedNumber } from './support/inbound';

/*
 * Tenancy, swept from /openapi.json so a new workspace route is covered without a new test: every
 * route of a workspace, called by another workspace's keys on this workspace, and under its own
 * workspace with this workspace's ids. Each answer is 404 (or 403 for a role the route refuses
 * anyway), says nothing of this workspace's data, and this workspace's data is as it was.
 */

interface Operation {
  method: string;
  path: string;
  bodyRequired: boolean;
}

interface Fixture {
  ws: TestWorkspace;
  name: string;
  contact: string;
  text: string;
  note: string;
  conversation: string;
  message: string;
  request: string;
}

/** Bodies that pass validation, so an id is judged after the body is read. */
const VALID_BODIES: Record<string, unknown> = {
  'post /v1/workspaces/{ws}/conversations/{id}/messages': { body: 'hello' },
};

describe("Tenancy: another workspace's keys and ids, on every workspace route", function () {
  this.timeout(240_000);
  let stack: Stack;
  let operations: Operation[];
  let a: Fixture;
  let b: Fixture;

  async function fixture(): Promise<Fixture> {
    const marker = randomBytes(6).toString('hex');
    const name = `Tenant ${marker}`;
    const ws = await createTestWorkspace({ name });
    const contact = randomE164('+1212');
    const text = `private text ${marker}`;
    const note = `private note ${marker}`;
    const number = await sharedNumber(stack);
    await connectNumber(stack, ws, number.id);
    await handsetSends(stack, { from: contact, to: number.e164, body: text });
    const conversation = (await call(stack.url, 'GET', `/v1/workspaces/${ws.id}/conversations`, { key: ws.agent })).body.data[0].id;
    const message = (await call(stack.url, 'GET', `/v1/workspaces/${ws.id}/conversations/${conversation}/messages`, { key: ws.agent })).body.data[0].id;
    const request = await call(stack.url, 'POST', `/v1/workspaces/${ws.id}/sms/number-requests`, { key: ws.admin, body: { country: 'US', type: 'local', note } });
    assert.equal(request.status, 202, JSON.stringify(request.body));
    return { ws, name, contact, text, note, conversation, message, request: request.body.id };
  }

  /** What only the workspace itself may see: none of it may appear in an answer to another. */
  const secretsOf = (f: Fixture) => [f.name, f.contact, f.text, f.note];

  /** The workspace's data as its own admin sees it. */
  async function snapshot(f: Fixture) {
    const get = async (path: string) => (await call(stack.url, 'GET', `/v1/workspaces/${f.ws.id}${path}`, { key: f.ws.admin })).body;
    const request = await get(`/sms/number-requests/${f.request}`);
    return {
      sms: await get('/sms'),
      conversation: await get(`/conversations/${f.conversation}`),
      messages: await get(`/conversations/${f.conversation}/messages`),
      request: { status: request.status, timeline: request.timeline },
      helpText: await get('/sms/help-text'),
    };
  }

  before(async () => {
    stack = await startStack({ env: { WEBHOOK_HEALTH_INTERVAL_SECONDS: '0', AUTH_FAILURE_LIMIT: '0', RATE_LIMIT_PER_ADDRESS: '0', RATE_LIMIT_PER_KEY: '0' } });
    const doc = (await call(stack.url, 'GET', '/openapi.json')).body;
    operations = Object.entries<Record<string, any>>(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([, op]) => Array.isArray(op.security) && op.security.length > 0 && path.includes('{ws}'))
        .map(([method, op]) => ({ method, path, bodyRequired: op.requestBody?.required === true })),
    );
    a = await fixture();
    b = await fixture();
  });
  after(async () => stack?.stop());

  /** The operation's URL under workspace `ws`, with the ids of `ids` (ids with no fixture: well-formed, of nothing). */
  const urlOf = (op: Operation, ws: Fixture, ids: Fixture) =>
    op.path
      .replace('{ws}', ws.ws.id)
      .replace(/\/(messages|conversations|number-requests)\/\{id\}/, (_m, kind: string) => {
        const id = kind === 'messages' ? ids.message : kind === 'conversations' ? ids.conversation : ids.request;
        return `/${kind}/${id}`;
      })
      // Indexes (a message's media) are numbers; any other id is well-formed, of nothing.
      .replace('{n}', '0')
      .replace(/\{\w+\}/g, `PN${'0'.repeat(32)}`);

  function assertNothingOf(f: Fixture, body: unknown, what: string) {
    const text = JSON.stringify(body ?? '');
    for (const secret of secretsOf(f)) assert.ok(!text.includes(secret), `${what} shows ${JSON.stringify(secret)}: ${text}`);
  }

  it('then the sweep covers the workspace routes of the document', () => {
    assert.ok(operations.length >= 25, `${operations.length} workspace operations`);
  });

  it("then another workspace's keys get 404 for every route of this workspace, and see none of its data", async () => {
    for (const op of operations) {
      for (const [role, key] of [['admin', b.ws.admin], ['agent', b.ws.agent]] as const) {
        const res = await call(stack.url, op.method.toUpperCase(), urlOf(op, a, a), { key, body: VALID_BODIES[`${op.method} ${op.path}`] ?? (op.bodyRequired ? {} : undefined) });
        const what = `B's ${role} ${op.method} ${op.path}: ${res.status}`;
        assert.equal(res.status, 404, what);
        assert.equal(res.body.error.code, 'not_found', what);
        assertNothingOf(a, res.body, what);
      }
    }
  });

  it("then this workspace's ids under another workspace are 404 or refused, and show none of its data", async () => {
    for (const op of operations.filter((o) => o.path.includes('{id}'))) {
      for (const [role, key] of [['admin', b.ws.admin], ['agent', b.ws.agent]] as const) {
        const res = await call(stack.url, op.method.toUpperCase(), urlOf(op, b, a), { key, body: VALID_BODIES[`${op.method} ${op.path}`] ?? (op.bodyRequired ? {} : undefined) });
        const what = `B's ${role} ${op.method} ${op.path} with A's id: ${res.status} ${JSON.stringify(res.body)}`;
        // 403: the role may not use the route at all (it never reaches the id).
        assert.ok([403, 404].includes(res.status), what);
        assertNothingOf(a, res.body, what);
      }
    }
  });

  it('then every answer to the workspace itself still shows its data as it was', async () => {
    const before = await snapshot(a);
    // The sweep again, its writes included; then A's data is compared with what it was.
    for (const op of operations) {
      await call(stack.url, op.method.toUpperCase(), urlOf(op, a, a), { key: b.ws.admin, body: VALID_BODIES[`${op.method} ${op.path}`] ?? (op.bodyRequired ? {} : undefined) });
      if (op.path.includes('{id}')) await call(stack.url, op.method.toUpperCase(), urlOf(op, b, a), { key: b.ws.admin, body: VALID_BODIES[`${op.method} ${op.path}`] ?? (op.bodyRequired ? {} : undefined) });
    }
    const after = await snapshot(a);
    assert.deepEqual(after, before);
    assert.ok(JSON.stringify(after.messages).includes(a.text), "A's own text is there for A");
  });
});
