import assert from 'node:assert/strict';
import { WebchatSession } from '../src/db/models';
import { call, createTestWorkspace, startStack, type Stack, type TestWorkspace } from './support/stack';
import { connectNumber, handsetSends, randomE164, sharedNumber } from './support/inbound';

const RATE_LIMIT = 25;

describe('The unified inbox and web chat', function () {
  let stack: Stack;
  const api = (ws: TestWorkspace, method: string, path: string, body?: unknown) => call(stack.url, method, `/v1/workspaces/${ws.id}${path}`, { key: ws.agent, body });
  const visitor = (ws: string, method: string, path: string, token?: string, body?: unknown) =>
    call(stack.url, method, `/v1/webchat/${ws}${path}`, { body, headers: token ? { authorization: `Bearer ${token}` } : {} });

  before(async () => {
    stack = await startStack({ env: { WEBHOOK_HEALTH_INTERVAL_SECONDS: '0', WEBCHAT_RATE_LIMIT: String(RATE_LIMIT) } });
  });
  after(async () => stack?.stop());

  /** A workspace with a connected number that a customer texted. */
  async function textedWorkspace() {
    const ws = await createTestWorkspace();
    const number = await sharedNumber(stack);
    await connectNumber(stack, ws, number.id);
    await handsetSends(stack, { from: randomE164(), to: number.e164, body: 'texting you' });
    return ws;
  }

  describe('when a visitor starts a chat with a workspace a customer texted', () => {
    it('then the visitor gets a token (stored hashed) and their messages open a webchat thread', async () => {
      const ws = await textedWorkspace();
      const session = await visitor(ws.id, 'POST', '/sessions', undefined, { name: 'Ada' });
      assert.equal(session.status, 201);
      const token = session.body.token;
      assert.match(token, /^wct_/);
      const stored = await WebchatSession.findById(session.body.sessionId).lean();
      assert.ok(stored && !JSON.stringify(stored).includes(token));
      const sent = await visitor(ws.id, 'POST', '/messages', token, { body: 'Hi, do you ship to Canada?' });
      assert.equal(sent.status, 201);
      assert.equal(sent.body.direction, 'inbound');
    });
  });

  describe('when a visitor chats and a customer texts the same workspace', () => {
    let ws: TestWorkspace;
    let token: string;
    let chatId: string;

    beforeEach(async () => {
      ws = await textedWorkspace();
      token = (await visitor(ws.id, 'POST', '/sessions', undefined, { name: 'Ada' })).body.token;
      assert.equal((await visitor(ws.id, 'POST', '/messages', token, { body: 'Hi, do you ship to Canada?' })).status, 201);
      chatId = (await api(ws, 'GET', '/conversations?channel=webchat')).body.data[0].id;
    });

    it('then SMS and web chat threads sit side by side, newest activity first, and filter by channel', async () => {
      const all = await api(ws, 'GET', '/conversations');
      assert.equal(all.status, 200);
      assert.deepEqual(
        all.body.data.map((c: { channel: string }) => c.channel),
        ['webchat', 'sms'],
      );
      const chat = all.body.data[0];
      assert.equal(chat.id, chatId);
      assert.equal(chat.contact.name, 'Ada');
      assert.equal(chat.unreadCount, 1);
      const sms = await api(ws, 'GET', '/conversations?channel=sms');
      assert.deepEqual(
        sms.body.data.map((c: { channel: string }) => c.channel),
        ['sms'],
      );
    });

    it('then the agent replies through the inbox and the visitor reads it', async () => {
      const reply = await api(ws, 'POST', `/conversations/${chatId}/messages`, { body: 'Yes, we do.' });
      assert.equal(reply.status, 201);
      const chat = await visitor(ws.id, 'GET', '/messages', token);
      assert.equal(chat.status, 200);
      assert.deepEqual(
        chat.body.data.map((m: { direction: string; body: string }) => [m.direction, m.body]),
        [
          ['inbound', 'Hi, do you ship to Canada?'],
          ['outbound', 'Yes, we do.'],
        ],
      );
      const smsThread = (await api(ws, 'GET', '/conversations?channel=sms')).body.data[0];
      const refused = await api(ws, 'POST', `/conversations/${smsThread.id}/messages`, { body: 'hello' });
      assert.equal(refused.status, 409);
      assert.match(refused.body.error.message, /POST \/v1\/workspaces\/.+\/messages/);
    });

    it('then mark read, close and reopen work, and reopening beside an open thread is 409', async () => {
      const read = await api(ws, 'POST', `/conversations/${chatId}/read`);
      assert.equal(read.body.unreadCount, 0);
      const closed = await api(ws, 'POST', `/conversations/${chatId}/close`);
      assert.equal(closed.body.status, 'closed');
      assert.equal((await api(ws, 'GET', '/conversations?status=closed')).body.data[0].id, chatId);
      assert.equal((await api(ws, 'POST', `/conversations/${chatId}/messages`, { body: 'late' })).status, 409);
      // The visitor writes again: a new thread opens, so the old one cannot be reopened beside it.
      await visitor(ws.id, 'POST', '/messages', token, { body: 'Hello again' });
      const conflict = await api(ws, 'POST', `/conversations/${chatId}/reopen`);
      assert.equal(conflict.status, 409);
      assert.equal(conflict.body.error.code, 'conflict');
      const open = conflict.body.error.details.openConversationId;
      assert.ok(open && open !== chatId);
      await api(ws, 'POST', `/conversations/${open}/close`);
      const reopened = await api(ws, 'POST', `/conversations/${chatId}/reopen`);
      assert.equal(reopened.status, 200);
      assert.equal(reopened.body.status, 'open');
      const history = await api(ws, 'GET', `/conversations/${open}/messages?direction=inbound`);
      assert.deepEqual(
        history.body.data.map((m: { body: string }) => m.body),
        ['Hi, do you ship to Canada?', 'Hello again'],
      );
    });

    it('then another workspace sees none of it, and its visitor tokens do not open this chat', async () => {
      const other = await createTestWorkspace();
      assert.deepEqual((await api(other, 'GET', '/conversations')).body.data, []);
      assert.equal((await api(other, 'GET', `/conversations/${chatId}`)).status, 404);
      assert.equal((await api(other, 'POST', `/conversations/${chatId}/messages`, { body: 'x' })).status, 404);
      const before = (await api(ws, 'GET', `/conversations/${chatId}`)).body;
      for (const action of ['read', 'close', 'reopen']) {
        assert.equal((await api(other, 'POST', `/conversations/${chatId}/${action}`)).status, 404, action);
      }
      const after = (await api(ws, 'GET', `/conversations/${chatId}`)).body;
      assert.deepEqual([after.status, after.unreadCount], [before.status, before.unreadCount]);
      const otherSession = await visitor(other.id, 'POST', '/sessions', undefined, {});
      const crossed = await visitor(ws.id, 'GET', '/messages', otherSession.body.token);
      assert.equal(crossed.status, 401);
      assert.equal(crossed.body.error.code, 'unauthenticated');
      assert.equal((await visitor(ws.id, 'GET', '/messages', 'wct_forged')).status, 401);
      assert.equal((await visitor(ws.id, 'GET', '/messages')).status, 401);
      assert.equal((await visitor('ws_unknown', 'POST', '/sessions', undefined, {})).status, 404);
    });
  });

  describe('paging', () => {
    it('then cursors walk every conversation once, newest first, and messages oldest first', async () => {
      const ws = await createTestWorkspace({ addon: false }); // the inbox is not behind the SMS add-on
      const tokens = [];
      for (let i = 0; i < 7; i++) {
        const s = await visitor(ws.id, 'POST', '/sessions', undefined, { name: `v${i}` });
        tokens.push(s.body.token);
        await visitor(ws.id, 'POST', '/messages', s.body.token, { body: `hello ${i}` });
      }
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { status: number; body: { data: Array<{ contact: { name: string } }>; nextCursor: string | null } } = await api(
          ws,
          'GET',
          `/conversations?limit=3${cursor ? `&cursor=${cursor}` : ''}`,
        );
        assert.equal(page.status, 200);
        seen.push(...page.body.data.map((c) => c.contact.name));
        cursor = page.body.nextCursor;
      } while (cursor);
      assert.deepEqual(seen, ['v6', 'v5', 'v4', 'v3', 'v2', 'v1', 'v0']);

      for (let i = 0; i < 4; i++) await visitor(ws.id, 'POST', '/messages', tokens[0], { body: `more ${i}` });
      const thread = (await api(ws, 'GET', '/conversations?limit=1')).body.data[0];
      assert.equal(thread.contact.name, 'v0');
      const first = await api(ws, 'GET', `/conversations/${thread.id}/messages?limit=2`);
      const second = await api(ws, 'GET', `/conversations/${thread.id}/messages?limit=5&cursor=${first.body.nextCursor}`);
      assert.deepEqual(
        [...first.body.data, ...second.body.data].map((m: { body: string }) => m.body),
        ['hello 0', 'more 0', 'more 1', 'more 2', 'more 3'],
      );
      assert.equal(second.body.nextCursor, null);

      const bad = await api(ws, 'GET', '/conversations?cursor=not-a-cursor');
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error.code, 'validation_failed');
      assert.equal((await api(ws, 'GET', '/conversations?channel=fax')).status, 400);
      assert.equal((await call(stack.url, 'GET', `/v1/workspaces/${ws.id}/conversations`)).status, 401);
    });
  });

  describe('rate limit', () => {
    it('then a client sending too fast to one chat gets 429 rate_limited', async () => {
      const ws = await createTestWorkspace();
      const results = [];
      for (let i = 0; i <= RATE_LIMIT; i++) results.push(await visitor(ws.id, 'POST', '/sessions', undefined, {}));
      assert.ok(results.slice(0, RATE_LIMIT).every((r) => r.status === 201));
      const limited = results[RATE_LIMIT];
      assert.equal(limited.status, 429);
      assert.equal(limited.body.error.code, 'rate_limited');
      // Another workspace's chat is counted apart.
      const other = await createTestWorkspace();
      assert.equal((await visitor(other.id, 'POST', '/sessions', undefined, {})).status, 201);
    });
  });
});
