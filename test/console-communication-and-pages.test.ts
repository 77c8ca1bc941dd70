import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { SegmentedMessage } from 'sms-segments-calculator';
import { everyConsolePage, SCREENSHOTS } from './support/browser';
import { consoleSuite, exact, UNREACHABLE } from './support/console-suite';
import { eventually } from './support/eventually';
import { call, createTestWorkspace, supportKey, type TestWorkspace } from './support/stack';

/*
 * Communication and Chat in a real browser (Debian's Chromium through playwright-core) against the
 * whole stack: the composer's count, a text sent and delivered (or not) as the carrier tells, a
 * customer's reply arriving in Chat without a reload. Then every page of the console, opened fresh
 * in a narrow window and screenshot for docs/screenshots, showing the workspace those tests filled.
 */

describe('web console: Communication, Chat and every page (headless Chromium)', function () {
  this.timeout(120_000);
  const ui = consoleSuite();
  const { tab, carrierNumbers } = ui;
  /** The workspace the Communication and Chat tests fill: the screenshots show it. */
  let demo: TestWorkspace | undefined;

  describe('Communication and Chat', () => {
    let ws: TestWorkspace;
    let ours: { id: string; e164: string };
    const customer = '+14155550142';

    before(async () => {
      ws = await createTestWorkspace({ name: 'Bakery' });
      demo = ws;
      [ours] = await carrierNumbers(1);
      const res = await call(ui.stack.url, 'PUT', `/v1/workspaces/${ws.id}/sms`, { key: ws.admin, body: { numberId: ours.id } });
      assert.equal(res.status, 200);
    });

    /**
     * Our text to `to`, delivered: the one the Communication test sent, or (that test not run) one
     * sent here through the API.
     */
    async function delivered(to: string, body: string) {
      const atCarrier = (await call(ui.stack.sandbox.url, 'GET', `/sandbox/messages?to=${encodeURIComponent(to)}`)).body.messages as { body: string }[];
      if (atCarrier.some((m) => m.body === body)) return;
      const sent = await call(ui.stack.url, 'POST', `/v1/workspaces/${ws.id}/messages`, { key: ws.agent, body: { channel: 'sms', to, body } });
      assert.equal(sent.status, 202, JSON.stringify(sent.body));
      await eventually('the text to be delivered', async () => (await call(ui.stack.url, 'GET', `/v1/workspaces/${ws.id}/messages/${sent.body.id}`, { key: ws.agent })).body.status === 'delivered');
    }

    /** Communication's New message dialog in `p` (a signed-in tab), with `to` and `body` written in. */
    async function newMessage(p: Page, to: string, body: string) {
      await p.goto(`${ui.stack.url}/app/#/communication`);
      await p.getByRole('button', { name: 'New' }).click();
      const dialog = p.getByRole('dialog', { name: 'New message' });
      await dialog.getByLabel('To').fill(to);
      await dialog.getByLabel('Message').fill(body);
      return dialog;
    }

    it('when the agent writes a message, then the count of characters, segments and encoding follows as the carrier counts', async () => {
      const agent = await tab(ws.agent);
      await agent.getByRole('link', { name: 'Communication' }).click();
      const newButton = agent.getByRole('button', { name: 'New' });
      // the green New button
      assert.equal(await newButton.evaluate((b) => getComputedStyle(b).backgroundColor), 'rgb(27, 127, 59)');
      await newButton.click();
      const dialog = agent.getByRole('dialog', { name: 'New message' });
      assert.equal(await dialog.getByLabel('Channel').locator('option:checked').innerText(), 'Text Message');
      const body = dialog.getByLabel('Message');
      const count = dialog.locator('.count');
      assert.equal(await count.innerText(), '0 characters · 0 segments · GSM-7');
      await body.fill('a'.repeat(161));
      assert.equal(await count.innerText(), '161 characters · 2 segments · GSM-7');
      await body.fill('Your order is ready ☺');
      assert.equal(await count.innerText(), '21 characters · 1 segment · UCS-2');
      // the page's counter agrees with Twilio's own calculator on awkward bodies
      const samples = ['€'.repeat(81), '{}'.repeat(40) + 'x', '😀'.repeat(35), 'é'.repeat(160), 'é'.repeat(160) + 'ê', 'line\nbreak ~ ^'];
      const inPage = await agent.evaluate(async (bodies) => {
        const mod = await import('/app/js/segments.js' as string);
        return bodies.map((b: string) => mod.countSegments(b));
      }, samples);
      samples.forEach((text, i) => {
        const twilio = new SegmentedMessage(text);
        assert.equal(inPage[i].segments, twilio.segmentsCount, `segments of ${JSON.stringify(text)}`);
        assert.equal(inPage[i].encoding, twilio.encodingName === 'GSM-7' ? 'GSM-7' : 'UCS-2', `encoding of ${JSON.stringify(text)}`);
      });
      await agent.keyboard.press('Escape');
    });

    it('when the agent sends an SMS from Communication, then its status moves to Delivered and the carrier got it once', async () => {
      const agent = await tab(ws.agent);
      const dialog = await newMessage(agent, customer, 'Your cake is ready for pickup ☺');
      const shown = await dialog.locator('.count').innerText();
      await dialog.getByRole('button', { name: 'Send' }).click();
      await dialog.waitFor({ state: 'detached' });
      const item = agent.locator('.sent').first();
      await item.locator('[data-role=status]', { hasText: exact('Delivered') }).waitFor();
      const id = (await item.getAttribute('id'))!.replace(/^msg-/, '');
      const message = (await call(ui.stack.url, 'GET', `/v1/workspaces/${ws.id}/messages/${id}`, { key: ws.agent })).body;
      assert.equal(message.status, 'delivered');
      assert.equal(shown, `31 characters · ${message.segments} segment · ${message.encoding}`);
      const atCarrier = (await call(ui.stack.sandbox.url, 'GET', `/sandbox/messages?to=${encodeURIComponent(customer)}`)).body.messages;
      assert.equal(atCarrier.length, 1);
      assert.equal(atCarrier[0].from, ours.e164);
    });

    it('when the recipient is not a phone number, then the dialog says so and nothing is sent', async () => {
      const agent = await tab(ws.agent);
      const dialog = await newMessage(agent, '12345', 'Hello');
      await dialog.getByRole('button', { name: 'Send' }).click();
      await dialog.locator('#compose-error', { hasText: '12345 is not a valid phone number' }).waitFor();
      assert.equal(await dialog.isVisible(), true);
      await agent.keyboard.press('Escape');
    });

    it('when the handset is unreachable, then the message ends Not delivered with the reason in words', async () => {
      const agent = await tab(ws.agent);
      const dialog = await newMessage(agent, UNREACHABLE, 'Are you there?');
      await dialog.getByRole('button', { name: 'Send' }).click();
      const item = agent.locator('.sent').first();
      await item.locator('[data-role=status]', { hasText: exact('Not delivered') }).waitFor();
      assert.match(await item.locator('[data-role=reason]').innerText(), /unreachable.*\(code 30003\)/);
    });

    it('when the customer replies through the carrier, then the reply appears in Chat under the SMS icon without a reload', async () => {
      await delivered(customer, 'Your cake is ready for pickup ☺');
      const agent = await tab(ws.agent);
      await agent.goto(`${ui.stack.url}/app/#/chat`);
      await agent.getByRole('heading', { name: 'Chat' }).waitFor();
      await agent.evaluate(() => ((window as unknown as { marker: number }).marker = 42));

      const stranger = '+14155550177';
      for (const [from, body] of [[stranger, 'Do you deliver?'], [customer, 'Great, I will come at 5!']]) {
        const res = await call(ui.stack.sandbox.url, 'POST', '/sandbox/inbound', { body: { from, to: ours.e164, body } });
        assert.equal(res.status, 200, JSON.stringify(res.body));
      }
      const thread = agent.locator('.thread-item', { hasText: 'Great, I will come at 5!' });
      await thread.waitFor();
      assert.equal(await agent.evaluate(() => (window as unknown as { marker?: number }).marker), 42, 'the page was not reloaded');
      await agent.locator('.thread-item', { hasText: 'Do you deliver?' }).waitFor();
      // every thread, newest activity first, each with its channel icon and unread count
      const listed = (await call(ui.stack.url, 'GET', `/v1/workspaces/${ws.id}/conversations`, { key: ws.agent })).body.data as { id: string }[];
      const shown = await agent.locator('.thread-item').evaluateAll((as) => as.map((a) => a.id.replace(/^thread-/, '')));
      assert.deepEqual(shown, listed.map((c) => c.id));
      assert.match(await agent.locator('.thread-item').first().innerText(), /Great, I will come at 5!/);
      const icon = thread.getByRole('img', { name: 'SMS' });
      assert.equal(await icon.innerText(), '💬');
      assert.equal(await thread.getAttribute('data-channel'), 'sms');
      assert.equal(await thread.locator('.unread').getAttribute('aria-label'), '1 unread');

      await thread.click();
      const history = agent.locator('#history');
      await history.locator('.bubble.inbound', { hasText: 'Great, I will come at 5!' }).waitFor();
      const outbound = history.locator('.bubble.outbound', { hasText: 'Your cake is ready for pickup' });
      assert.equal(await outbound.locator('[data-role=status]').innerText(), 'Delivered');
      // opening the thread marks it read
      await agent.locator('.thread-item.selected:not([data-unread="1"])').waitFor();

      await agent.getByLabel('Reply').fill('See you at 5 🎂');
      await agent.getByRole('button', { name: 'Send' }).click();
      const reply = history.locator('.bubble.outbound', { hasText: 'See you at 5 🎂' });
      await reply.locator('[data-role=status]', { hasText: exact('Delivered') }).waitFor();
      const atCarrier = (await call(ui.stack.sandbox.url, 'GET', `/sandbox/handsets/${encodeURIComponent(customer)}/messages`)).body.messages;
      assert.ok(atCarrier.some((m: { body: string }) => m.body === 'See you at 5 🎂'));
    });

    it('when the add-on is off, then the agent sees sending refused with the way to turn it on', async () => {
      const off = await createTestWorkspace({ addon: false });
      const dialog = await newMessage(await tab(off.agent), customer, 'Hello');
      await dialog.getByRole('button', { name: 'Send' }).click();
      await dialog.locator('#compose-error', { hasText: /Text Messages add-on is not active.*Billing/ }).waitFor();
    });
  });

  describe('every page', () => {
    /** The workspace Communication and Chat filled, or (run alone) one with a number and a customer's text. */
    async function demoWorkspace(): Promise<TestWorkspace> {
      if (demo) return demo;
      const ws = await createTestWorkspace({ name: 'Bakery' });
      const [number] = await carrierNumbers(1);
      assert.equal((await call(ui.stack.url, 'PUT', `/v1/workspaces/${ws.id}/sms`, { key: ws.admin, body: { numberId: number.id } })).status, 200);
      assert.equal((await call(ui.stack.sandbox.url, 'POST', '/sandbox/inbound', { body: { from: '+14155550142', to: number.e164, body: 'Is my cake ready?' } })).status, 200);
      return ws;
    }

    it('when opened fresh, then it fits a narrow window and a screenshot is written', async () => {
      mkdirSync(SCREENSHOTS, { recursive: true });
      const ws = await demoWorkspace();
      const supportSecret = await supportKey();
      const conversations = (await call(ui.stack.url, 'GET', `/v1/workspaces/${ws.id}/conversations`, { key: ws.agent })).body?.data ?? [];
      // a request waiting for support, so Settings shows its timeline and Support its candidates
      const pending = await call(ui.stack.url, 'POST', `/v1/workspaces/${ws.id}/sms/number-requests`, {
        key: ws.admin,
        body: { country: 'US', type: 'local', areaCode: '415', note: 'A number of our own for the bakery' },
      });
      const requestId: string | undefined = pending.status === 202 ? pending.body.id : undefined;
      const pages = everyConsolePage({
        admin: ws.admin,
        agent: ws.agent,
        support: supportSecret,
        ownSendersReady: '#sender-form',
        draft: { to: '+14155550142', body: 'Your cake is ready for pickup ☺ See you soon!' },
        chat: { hash: conversations[0] ? `chat/${conversations[0].id}` : 'chat', ready: conversations[0] ? '#history' : '#threads' },
        supportPage: {
          hash: requestId ? `support/${requestId}` : 'support',
          ready: requestId ? '#detail-status' : '#queue',
          prepare: async (page) => {
            if (requestId) await page.locator('#cand-1').waitFor();
          },
        },
      });

      const signin = await ui.browser.newPage();
      ui.tabs.push(signin);
      await signin.page.goto(`${ui.stack.url}/app/`);
      await signin.page.getByLabel('API key').waitFor();
      await signin.page.screenshot({ path: path.join(SCREENSHOTS, 'signin.png') });

      for (const p of pages) {
        const page = await tab(p.key);
        await page.goto(`${ui.stack.url}/app/#/${p.hash}`);
        await page.locator(p.ready).waitFor();
        // a full load (how long it takes is scripts/bench-console.ts's figure): the document, its
        // modules, the key check and the page's own API calls
        await page.reload();
        await page.locator(p.ready).waitFor();

        await page.setViewportSize({ width: 360, height: 740 });
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 0, `${p.name} is ${overflow}px wider than a 360px window`);
        if (p.name === 'chat') await page.screenshot({ path: path.join(SCREENSHOTS, 'chat-narrow.png') });
        await page.setViewportSize({ width: 1280, height: 800 });
        await p.prepare?.(page);
        await page.screenshot({ path: path.join(SCREENSHOTS, `${p.name}.png`) });
        await page.close();
      }
    });
  });
});
