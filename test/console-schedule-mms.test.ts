import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { consoleWords, launchBrowser, requireChromium, SCREENSHOTS, signInWithWords, type TestBrowser } from './support/browser';
import { trackTabs } from './support/console-suite';
import { call, createTestWorkspace, startStack, type Stack, type TestWorkspace } from './support/stack';
import { connectNumber, handsetSends, sharedNumber } from './support/inbound';
import { eventually } from './outbound.support';
import { samplePicture } from './support/picture';

/*
 * The console's scheduled messages and pictures, in both languages, in headless Chromium: the
 * composer schedules, the list and the thread show when it goes and cancel it; a received picture
 * shows in the thread through the API's media proxy. Screenshots of both pages in docs/screenshots/.
 */

describe('console: scheduled messages and pictures (headless Chromium)', function () {
  this.timeout(120_000);
  let stack: Stack;
  const tabs = trackTabs();

  before(async function () {
    requireChromium(this);
    stack = await startStack({ env: { SCHEDULE_HORIZON_DAYS: '7' } });
  });
  after(async () => stack?.stop());

  /** A workspace whose number received a picture from a customer: its thread's id. */
  async function threadWithPicture(ws: TestWorkspace, from: string) {
    const number = await sharedNumber(stack);
    await connectNumber(stack, ws, number.id);
    const sent = await handsetSends(stack, { from, to: number.e164, body: '', media: [{ content: samplePicture().toString('base64'), contentType: 'image/png' }] });
    assert.equal(sent.delivered, true, JSON.stringify(sent));
    return eventually('the thread', async () => (await call(stack.url, 'GET', `/v1/workspaces/${ws.id}/conversations`, { key: ws.agent })).body.data[0]?.id as string | undefined);
  }

  for (const lang of ['is', 'en'] as const) {
    const locale = lang === 'is' ? 'is-IS' : 'en-US';
    const words = consoleWords(lang);
    const word = (key: string) => words[key] as string;

    describe(`when the browser asks for ${locale}`, () => {
      let browser: TestBrowser;
      before(async () => {
        browser = await launchBrowser({ locale });
      });
      after(async () => browser?.close());

      const signedIn = (key: string) => signInWithWords(browser, tabs, stack.url, key, word);

      it('then the composer schedules a message, the list says when it goes, and Cancel ends it cancelled', async () => {
        const ws = await createTestWorkspace({ name: 'Bakaríið' });
        await threadWithPicture(ws, '+3546123457');
        const page = await signedIn(ws.agent);
        await page.goto(`${stack.url}/app/#/communication`);
        await page.locator('#new-message').click();
        await page.locator('#compose-to').fill('+3546123457');
        await page.locator('#compose-body').fill(lang === 'is' ? 'Kakan er tilbúin á morgun kl. 9.' : 'Your cake is ready tomorrow at 9.');
        // The browser runs in UTC: tomorrow 09:00 local is 09:00Z.
        const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
        await page.locator('#compose-send-at').fill(`${tomorrow}T09:00`);
        mkdirSync(SCREENSHOTS, { recursive: true });
        await page.screenshot({ path: path.join(SCREENSHOTS, `communication-compose-scheduled.${lang}.png`) });
        await page.locator('#compose-send').click();
        const item = page.locator('#sent-messages li.sent').first();
        await item.locator('[data-role=status]', { hasText: word('messageStatus.scheduled') }).waitFor();
        await item.locator('[data-role=scheduled]').waitFor();
        const id = (await item.getAttribute('id'))!.slice('msg-'.length);
        const stored = await call(stack.url, 'GET', `/v1/workspaces/${ws.id}/messages/${id}`, { key: ws.agent });
        assert.equal(stored.body.status, 'scheduled');
        assert.equal(stored.body.sendAt, `${tomorrow}T09:00:00.000Z`);
        await page.screenshot({ path: path.join(SCREENSHOTS, `communication-scheduled.${lang}.png`) });

        await item.locator(`#cancel-${id}`).click();
        await item.locator('[data-role=status]', { hasText: word('messageStatus.cancelled') }).waitFor();
        assert.equal(await item.locator(`#cancel-${id}`).count(), 0, 'no Cancel on a cancelled message');
        assert.equal((await call(stack.url, 'GET', `/v1/workspaces/${ws.id}/messages/${id}`, { key: ws.agent })).body.status, 'cancelled');
      });

      it('then a time in the past is refused in its own words, and nothing is sent', async () => {
        const ws = await createTestWorkspace();
        await threadWithPicture(ws, '+3546123458');
        const page = await signedIn(ws.agent);
        await page.goto(`${stack.url}/app/#/communication`);
        await page.locator('#new-message').click();
        await page.locator('#compose-to').fill('+3546123458');
        await page.locator('#compose-body').fill('x');
        await page.locator('#compose-send-at').fill('2020-01-01T09:00');
        await page.locator('#compose-send').click();
        await page.locator('#compose-error', { hasText: word('error.send_at_not_in_future') }).waitFor();
        const all = await call(stack.url, 'GET', `/v1/workspaces/${ws.id}/conversations`, { key: ws.agent });
        const thread = await call(stack.url, 'GET', `/v1/workspaces/${ws.id}/conversations/${all.body.data[0].id}/messages`, { key: ws.agent });
        assert.deepEqual(thread.body.data.map((m: { direction: string }) => m.direction), ['inbound']);
      });

      it('then the thread shows the received picture through the proxy, and a scheduled reply with when it goes and Cancel', async () => {
        const ws = await createTestWorkspace({ name: 'Bakaríið' });
        const conversationId = await threadWithPicture(ws, '+3546123459');
        const sendAt = new Date(Date.now() + 2 * 86_400_000);
        sendAt.setUTCHours(9, 0, 0, 0);
        const reply = await call(stack.url, 'POST', `/v1/workspaces/${ws.id}/messages`, {
          key: ws.agent,
          body: { channel: 'sms', to: '+3546123459', body: lang === 'is' ? 'Takk! Við minnum þig á daginn fyrir.' : 'Thanks! We will remind you the day before.', sendAt: sendAt.toISOString() },
        });
        assert.equal(reply.status, 202, JSON.stringify(reply.body));
        const page = await signedIn(ws.agent);
        await page.goto(`${stack.url}/app/#/chat/${conversationId}`);
        const picture = page.locator('#history .bubble.inbound img.media');
        await picture.waitFor();
        await eventually('the picture to load', async () => (await picture.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)) === 200);
        assert.equal(await picture.getAttribute('alt'), word('media.picture').replace('{n}', '1'));
        assert.match((await picture.getAttribute('src'))!, /^data:image\/png;base64,/);
        const scheduled = page.locator(`#message-${reply.body.id}`);
        await scheduled.locator('[data-role=status]', { hasText: word('messageStatus.scheduled') }).waitFor();
        await scheduled.locator('[data-role=scheduled]').waitFor();
        await page.screenshot({ path: path.join(SCREENSHOTS, `chat-scheduled-mms.${lang}.png`) });

        await scheduled.locator(`#cancel-${reply.body.id}`).click();
        await scheduled.locator('[data-role=status]', { hasText: word('messageStatus.cancelled') }).waitFor();
        assert.equal((await call(stack.url, 'GET', `/v1/workspaces/${ws.id}/messages/${reply.body.id}`, { key: ws.agent })).body.status, 'cancelled');
      });
    });
  }
});
