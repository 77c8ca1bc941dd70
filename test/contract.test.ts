import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { call, createTestWorkspace, startStack, supportKey, type Stack, type TestWorkspace } from './support/stack';
import { connectNumber, handsetSends, randomE164, sharedNumber } from './support/inbound';

/*
 * Generated from /openapi.json, so a new route is covered without writing a test: every operation ×
 * every kind of caller × this workspace's and another's ids, judged against the role rules of the
 * README (not against the roles each route declares, which is what is being checked).
 */

type Role = 'admin' | 'agent' | 'support';
interface Operation {
  method: string;
  path: string;
  keyed: boolean;
  bodyRequired: boolean;
  responses: string[];
}

/** Routes that take no API key: the provider's signed webhooks and the public web chat. */
const PUBLIC = [/^\/webhooks\/twilio\//, /^\/v1\/webchat\//];

/** The README's rules: admin changes settings, numbers, requests and the add-on; agent reads the settings, sends and works the inbox; support works the custom-number queue. */
function allowedRoles(op: Operation): Role[] {
  if (op.path === '/v1/me') return ['admin', 'agent', 'support'];
  if (op.path.startsWith('/v1/support/')) return ['support'];
  if (/^\/v1\/workspaces\/\{ws\}\/(messages|conversations)(\/|$)/.test(op.path)) return ['admin', 'agent'];
  if (op.method === 'get' && op.path === '/v1/workspaces/{ws}/sms') return ['admin', 'agent'];
  return ['admin'];
}

/** Bodies that pass validation, for the routes where an id must be judged after the body is read. */
const VALID_BODIES: Record<string, unknown> = {
  'post /v1/workspaces/{ws}/conversations/{id}/messages': { body: 'hello' },
};

interface Ids {
  ws: string;
  message: string;
  conversation: string;
  request: string;
}

describe('The contract, generated from /openapi.json', function () {
  this.timeout(180_000);
  let stack: Stack;
  let operations: Operation[];
  let a: TestWorkspace;
  let b: TestWorkspace;
  let support: string;
  let idsA: Ids;
  let idsB: Ids;

  async function fixtures(ws: TestWorkspace): Promise<Ids> {
    const number = await sharedNumber(stack);
    await connectNumber(stack, ws, number.id);
    await handsetSends(stack, { from: randomE164('+1212'), to: number.e164, body: 'hello' });
    const conversations = await call(stack.url, 'GET', `/v1/workspaces/${ws.id}/conversations`, { key: ws.agent });
    const conversation = conversations.body.data[0].id;
    const messages = await call(stack.url, 'GET', `/v1/workspaces/${ws.id}/conversations/${conversation}/messages`, { key: ws.agent });
    const request = await call(stack.url, 'POST', `/v1/workspaces/${ws.id}/sms/number-requests`, { key: ws.admin, body: { country: 'US', type: 'local' } });
    assert.equal(request.status, 202, JSON.stringify(request.body));
    return { ws: ws.id, conversation, message: messages.body.data[0].id, request: request.body.id };
  }

  before(async function () {
    // The abuse limits are tested elsewhere; here hundreds of deliberate 401s must not trip them.
    stack = await startStack({ env: { WEBHOOK_HEALTH_INTERVAL_SECONDS: '0', AUTH_FAILURE_LIMIT: '0', RATE_LIMIT_PER_ADDRESS: '0', RATE_LIMIT_PER_KEY: '0' } });
    const doc = (await call(stack.url, 'GET', '/openapi.json')).body;
    operations = Object.entries<Record<string, any>>(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({
        method,
        path,
        keyed: Array.isArray(op.security) && op.security.length > 0,
        bodyRequired: op.requestBody?.required === true,
        responses: Object.keys(op.responses),
      })),
    );
    [a, b] = await Promise.all([createTestWorkspace(), createTestWorkspace()]);
    support = await supportKey();
    idsA = await fixtures(a);
    idsB = await fixtures(b);
  });
  after(async () => stack?.stop());

  /** The operation's URL with `ws` from one workspace and `{id}` from another's (or the same). */
  function urlOf(op: Operation, ws: Ids, ids: Ids): string {
    return (
      op.path
        .replace('{ws}', ws.ws)
        .replace(/\/(messages|conversations|number-requests)\/\{id\}/, (_m, kind: string) => {
          const id = kind === 'messages' ? ids.message : kind === 'conversations' ? ids.conversation : ids.request;
          return `/${kind}/${id}`;
        })
        // A message's media by its index.
        .replace('{n}', '0')
        // Ids with no fixture (a provider number's sid): well-formed, of nothing.
        .replace(/\{\w+\}/g, `PN${'0'.repeat(32)}`)
    );
  }

  const request = (op: Operation, path: string, key: string | undefined, body: unknown = op.bodyRequired ? {} : undefined) =>
    call(stack.url, op.method.toUpperCase(), path, { key, body });

  it('then every route either takes an API key or is one of the public ones', () => {
    assert.ok(operations.length >= 30, `${operations.length} operations`);
    for (const op of operations) {
      if (!op.keyed) assert.ok(PUBLIC.some((p) => p.test(op.path)), `${op.method} ${op.path} takes no API key`);
    }
  });

  it('then no key and a wrong key get 401 unauthenticated on every keyed route', async () => {
    for (const op of operations.filter((o) => o.keyed)) {
      for (const key of [undefined, `sk_admin_${randomBytes(24).toString('base64url')}`]) {
        const res = await request(op, urlOf(op, idsA, idsA), key);
        assert.equal(res.status, 401, `${op.method} ${op.path} with ${key ? 'a wrong' : 'no'} key: ${res.status}`);
        assert.equal(res.body.error.code, 'unauthenticated');
      }
    }
  });

  it('then each role reaches exactly the routes the README gives it, on its own workspace', async () => {
    const keys: Record<Role, string> = { admin: a.admin, agent: a.agent, support };
    for (const op of operations.filter((o) => o.keyed)) {
      const allowed = allowedRoles(op);
      for (const role of ['agent', 'support', 'admin'] as const) {
        const res = await request(op, urlOf(op, idsA, idsA), keys[role]);
        const what = `${role} ${op.method} ${op.path}: ${res.status} ${JSON.stringify(res.body)}`;
        assert.ok(op.responses.includes(String(res.status)), `undocumented status: ${what}`);
        // What the fixtures do not create (a provider number's sid, the workspace's own provider
        // account) may be 404 to an allowed role, but never the workspace's 404; nothing else may be.
        const noFixture = /\{(?!ws\}|id\})\w+\}/.test(op.path) || op.path.includes('/provider-account');
        const workspace404 = res.status === 404 && /^Workspace was not found/.test(res.body.error?.message ?? '');
        if (allowed.includes(role)) assert.ok(![401, 403, ...(noFixture ? [] : [404])].includes(res.status) && !workspace404 && res.status < 500, what);
        // Support belongs to no workspace: a workspace's routes do not exist for it.
        else if (role === 'support' && op.path.includes('{ws}')) assert.equal(res.status, 404, what);
        else assert.equal(res.status, 403, what);
      }
    }
  });

  it("then another workspace's admin gets 404 for anything of this workspace, and this workspace's ids are 404 under its own", async () => {
    for (const op of operations.filter((o) => o.keyed && o.path.includes('{ws}'))) {
      const other = await request(op, urlOf(op, idsA, idsA), b.admin);
      assert.equal(other.status, 404, `B's admin ${op.method} ${op.path}: ${other.status}`);
      assert.equal(other.body.error.code, 'not_found');
      if (!op.path.includes('{id}')) continue;
      // B's admin (or agent) with B's workspace and A's ids.
      const role = allowedRoles(op).includes('agent') ? b.agent : b.admin;
      const crossed = await request(op, urlOf(op, idsB, idsA), role, VALID_BODIES[`${op.method} ${op.path}`] ?? (op.bodyRequired ? {} : undefined));
      assert.equal(crossed.status, 404, `${op.method} ${op.path} with the other workspace's id: ${crossed.status} ${JSON.stringify(crossed.body)}`);
    }
  });

  it('then every SMS route but reading the settings answers 402 addon_required while the add-on is off, as its document says', async () => {
    const off = await createTestWorkspace({ addon: false });
    const readsSettings = (o: Operation) => o.method === 'get' && ['/v1/workspaces/{ws}/sms', '/v1/workspaces/{ws}/sms/help-text'].includes(o.path);
    const gated = operations.filter((o) => o.keyed && o.path.startsWith('/v1/workspaces/{ws}/sms') && !readsSettings(o));
    assert.ok(gated.length >= 15, `${gated.length} SMS routes`);
    for (const op of gated) {
      assert.ok(op.responses.includes('402'), `${op.method} ${op.path} does not document 402`);
      // A required body is validated first (400); without one the add-on decides.
      if (op.bodyRequired) continue;
      const res = await request(op, urlOf(op, { ...idsA, ws: off.id }, idsA), off.admin);
      assert.equal(res.status, 402, `${op.method} ${op.path}: ${res.status} ${JSON.stringify(res.body)}`);
      assert.equal(res.body.error.code, 'addon_required');
    }
  });

  it('then a route whose body is required in the document refuses a missing body with 400, and one whose body is optional accepts it', async () => {
    const keyOf = (op: Operation) => (allowedRoles(op).includes('support') ? support : b.admin);
    for (const op of operations.filter((o) => o.keyed && ['post', 'put', 'patch'].includes(o.method))) {
      const res = await call(stack.url, op.method.toUpperCase(), urlOf(op, idsB, idsB), { key: keyOf(op) });
      const what = `${op.method} ${op.path} without a body: ${res.status} ${JSON.stringify(res.body)}`;
      if (op.bodyRequired) {
        assert.equal(res.status, 400, what);
        assert.equal(res.body.error.code, 'validation_failed');
      } else assert.notEqual(res.status, 400, what);
    }
  });

  it('then a method a known path does not serve is 405 with Allow listing the ones it does', async () => {
    const byPath = new Map<string, Set<string>>();
    for (const op of operations) byPath.set(op.path, (byPath.get(op.path) ?? new Set()).add(op.method.toUpperCase()));
    for (const [path, methods] of byPath) {
      const unlisted = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].find((m) => !methods.has(m))!;
      const res = await call(stack.url, unlisted, urlOf({ path } as Operation, idsA, idsA), { key: a.admin });
      assert.equal(res.status, 405, `${unlisted} ${path}: ${res.status}`);
      assert.equal(res.body.error.code, 'method_not_allowed');
      const allow = new Set(res.headers.get('allow')!.split(', '));
      for (const m of methods) assert.ok(allow.has(m), `${path}: Allow ${res.headers.get('allow')} lacks ${m}`);
      assert.ok(!allow.has(unlisted));
    }
    assert.equal((await call(stack.url, 'DELETE', '/healthz')).status, 405);
    assert.equal((await call(stack.url, 'GET', '/v1/no-such-thing')).status, 404);
  });
});
