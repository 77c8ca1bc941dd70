import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { SegmentedMessage } from 'sms-segments-calculator';
import { SmsChannel } from '../src/db/models';
import { everyConsolePage, launchBrowser, requireChromium, signIn, type TestBrowser, type TrackedPage } from './support/browser';
import { eventually } from './support/eventually';
import { randomE164 } from './support/inbound';
import { call, createSharedNumbers, createTestWorkspace, PLATFORM_ACCOUNT, startStack, supportKey, type Stack, type TestWorkspace } from './support/stack';

/*
 * The web console in a real browser (Debian's Chromium through playwright-core) against the whole
 * stack: API, worker, Temporal, MongoDB, the sandbox carrier and SMTP. Each test drives the pages
 * as a person would (labels, roles, keyboard) and checks the outcome through the API or the carrier.
 */

const SCREENSHOTS = path.join(__dirname, '..', 'docs', 'screenshots');

/** A port chosen up front, so the API's PUBLIC_URL (which webhooks are signed for) is its real address. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The carrier ends messages to this (valid) number undelivered with 30003. */
const UNREACHABLE = '+12025550103';

const exact = (text: string) => new RegExp(`^\\s*${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);

describe('web console (headless Chromium)', function () {
  this.timeout(120_000);
  let stack: Stack;
  let browser: TestBrowser;
  let routes: Set<string>;
  const tabs: TrackedPage[] = [];
  /** The workspace the Communication and Chat tests fill: the screenshots show it. */
  let demo: TestWorkspace | undefined;

  /** Skips a test, saying why, while a route it needs has not landed in the API yet. */
  function needs(ctx: Mocha.Context, ...wanted: string[]) {
    const missing = wanted.filter((r) => !routes.has(r));
    if (missing.length) {
      console.log(`      (skipped: the API has no ${missing.join(', ')} yet)`);
      ctx.skip();
    }
  }

  async function tab(key: string): Promise<Page> {
    const tracked = await browser.newPage();
    tabs.push(tracked);
    await signIn(tracked.page, stack.url, key);
    return tracked.page;
  }

  /** Shared numbers that exist at the carrier too, their texts forwarded to our inbound webhook. */
  async function carrierNumbers(count: number) {
    const numbers = await createSharedNumbers(count);
    for (const n of numbers) {
      const res = await call(stack.sandbox.url, 'POST', '/sandbox/numbers', {
        body: { accountSid: PLATFORM_ACCOUNT.accountSid, phoneNumber: n.e164, type: 'local', smsUrl: `${stack.url}/webhooks/twilio/sms` },
      });
      assert.equal(res.status, 201, JSON.stringify(res.body));
    }
    return numbers;
  }

  before(async function () {
    requireChromium(this);
    const port = await freePort();
    stack = await startStack({
      env: { API_PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, NUMBER_COOLDOWN_SECONDS: '600' },
      sandbox: { deliveryFailures: { [UNREACHABLE]: 30003 } },
    });
    browser = await launchBrowser();
    const spec = (await call(stack.url, 'GET', '/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    routes = new Set(Object.entries(spec.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`)));
  });

  afterEach(function () {
    // Every tab must have run without an uncaught error or a CSP violation.
    const errors = tabs.flatMap((t) => t.errors);
    tabs.length = 0;
    assert.deepEqual(errors, []);
  });

  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  describe('signing in', () => {
    it('when a key is wrong, then the form says so next to the field and keeps nothing', async () => {
      const { page, errors } = await browser.newPage();
      tabs.push({ page, errors });
      await page.goto(`${stack.url}/`);
      assert.match(page.url(), /\/app\/$/);
      await page.getByLabel('API key').fill('sk_admin_wrong');
      await page.keyboard.press('Enter');
      await page.locator('#signin-error', { hasText: 'This API key is not valid.' }).waitFor();
      assert.equal(await page.evaluate(() => sessionStorage.length), 0);
    });

    it('when an admin signs in with the keyboard only, then the key stays out of the URL and the role is shown', async () => {
      const ws = await createTestWorkspace({ name: 'Keyboard Co' });
      const { page, errors } = await browser.newPage();
      tabs.push({ page, errors });
      await page.goto(`${stack.url}/app/`);
      // the key field has focus on arrival; typing and Enter are all it takes
      await page.keyboard.type(ws.admin);
      await page.keyboard.press('Enter');
      await page.locator('#who-role', { hasText: 'Keyboard Co · admin' }).waitFor();
      assert.ok(!page.url().includes(ws.admin));
      const nav = await page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents();
      assert.deepEqual(nav, ['Communication', 'Chat', 'Settings', 'Billing']);
      // Tab moves through the navigation in order
      await page.getByRole('link', { name: 'Communication' }).focus();
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Chat');
    });
  });

  describe('Settings → SMS / Text Messages', () => {
    /** A workspace connected to a new carrier number, and its admin's tab on Settings → SMS saying so. */
    async function connectedSettings() {
      const ws = await createTestWorkspace();
      const [number] = await carrierNumbers(1);
      assert.equal((await call(stack.url, 'PUT', `/v1/workspaces/${ws.id}/sms`, { key: ws.admin, body: { numberId: number.id } })).status, 200);
      const admin = await tab(ws.admin);
      await admin.goto(`${stack.url}/app/#/settings/sms`);
      await admin.locator('#sms-status', { hasText: exact('Connected') }).waitFor();
      return { ws, number, admin };
    }

    /** A new carrier number, chosen (not saved yet) in the Configure dialog of the admin's tab. */
    async function chooseNewNumber(admin: Page) {
      const [number] = await carrierNumbers(1);
      await admin.getByRole('button', { name: 'Configure' }).click();
      const dialog = admin.getByRole('dialog', { name: 'Configure SMS' });
      await dialog.getByLabel('Number').locator(`option[value="${number.id}"]`).waitFor({ state: 'attached' });
      await dialog.getByLabel('Number').selectOption(number.id);
      return { dialog, chosen: number };
    }

    it('when the add-on is off, then the banner shows and its link leads to Billing where the admin turns it on', async () => {
      const ws = await createTestWorkspace({ addon: false });
      const admin = await tab(ws.admin);
      await admin.goto(`${stack.url}/app/#/settings/sms`);
      const banner = admin.locator('#addon-banner');
      await banner.waitFor();
      assert.match(await banner.innerText(), /Add-on required/);
      assert.equal(await admin.locator('#sms-status').innerText(), 'Not configured');
      assert.ok(await admin.getByRole('button', { name: 'Configure' }).isDisabled());

      await admin.getByRole('link', { name: /Go to Billing/ }).click();
      await admin.getByRole('heading', { name: 'Billing' }).waitFor();
      assert.equal(await admin.locator('#addon-status').innerText(), 'Not active');
      await admin.getByRole('button', { name: 'Turn on' }).click();
      await admin.locator('#addon-status', { hasText: exact('Active') }).waitFor();
      assert.equal((await call(stack.url, 'GET', `/v1/workspaces/${ws.id}/sms`, { key: ws.admin })).body.addon.active, true);

      await admin.getByRole('link', { name: /Set up Text Messages/ }).click();
      await admin.getByRole('button', { name: 'Configure' }).waitFor();
      assert.equal(await admin.locator('#addon-banner').count(), 0);
    });

    it('when the admin configures a shared number and saves, then the status turns Connected', async () => {
      const ws = await createTestWorkspace();
      const numbers = await carrierNumbers(3);
      const admin = await tab(ws.admin);
      await admin.goto(`${stack.url}/app/#/settings/sms`);
      await admin.getByRole('button', { name: 'Configure' }).click();
      const dialog = admin.getByRole('dialog', { name: 'Configure SMS' });
      const select = dialog.getByLabel('Number');
      await select.locator(`option[value="${numbers[0].id}"]`).waitFor({ state: 'attached' });
      const offered = await select.locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
      for (const n of numbers) assert.ok(offered.includes(n.id), `${n.e164} is offered`);
      await select.selectOption(numbers[0].id);
      await dialog.getByRole('button', { name: 'Save' }).click();
      await admin.locator('#sms-status', { hasText: exact('Connected') }).waitFor();
      assert.match(await admin.locator('#sms-number').innerText(), new RegExp(`^\\${numbers[0].e164}`));
      assert.equal(await admin.getByRole('dialog').count(), 0);
      const channel = await SmsChannel.findById(ws.id).lean();
      assert.equal(channel?.numberId, numbers[0].id);
    });

    it('when the admin switches to another number, then the page shows it and the API agrees', async () => {
      const { ws, admin } = await connectedSettings();
      const { dialog, chosen: other } = await chooseNewNumber(admin);
      await dialog.getByRole('button', { name: 'Save' }).click();
      await admin.locator('#sms-number', { hasText: other.e164 }).waitFor();
      const res = await call(stack.url, 'GET', `/v1/workspaces/${ws.id}/sms`, { key: ws.admin });
      assert.equal(res.body.number.id, other.id);
    });

    it('when another workspace takes the chosen number first, then Save shows why in the dialog', async () => {
      const { number, admin } = await connectedSettings();
      const { dialog, chosen: wanted } = await chooseNewNumber(admin);
      const rival = await createTestWorkspace();
      assert.equal((await call(stack.url, 'PUT', `/v1/workspaces/${rival.id}/sms`, { key: rival.admin, body: { numberId: wanted.id } })).status, 200);
      await dialog.getByRole('button', { name: 'Save' }).click();
      const error = dialog.locator('#configure-error');
      await error.waitFor();
      // the console's own words for number_unavailable
      assert.equal(await error.innerText(), 'This number is no longer available: another workspace took it. Choose another number.');
      await admin.keyboard.press('Escape');
      await admin.getByRole('dialog').waitFor({ state: 'detached' });
      // focus returns to the button that opened the dialog
      assert.equal(await admin.evaluate(() => document.activeElement?.id), 'sms-configure');
      assert.match(await admin.locator('#sms-number').innerText(), new RegExp(`^\\${number.e164}`));
    });

    it('when the admin turns Enabled off, then the status is Disabled; on again, Connected', async () => {
      const { ws, admin } = await connectedSettings();
      const enabled = admin.getByRole('switch', { name: 'Enabled' });
      assert.equal(await enabled.isChecked(), true);
      await enabled.press('Space');
      await admin.locator('#sms-status', { hasText: exact('Disabled') }).waitFor();
      assert.equal((await SmsChannel.findById(ws.id).lean())?.enabled, false);
      await admin.getByRole('switch', { name: 'Enabled' }).click();
      await admin.locator('#sms-status', { hasText: exact('Connected') }).waitFor();
      assert.equal((await SmsChannel.findById(ws.id).lean())?.enabled, true);
    });

    it('when the admin disconnects, then a confirmation comes first and the status turns Disconnected', async () => {
      const { ws, number, admin } = await connectedSettings();
      await admin.getByRole('button', { name: 'Disconnect' }).click();
      const dialog = admin.getByRole('dialog', { name: `Disconnect ${number.e164}?` });
      await dialog.waitFor();
      // the safe choice has focus: Enter does not disconnect by accident
      await dialog.getByRole('button', { name: 'Keep connected' }).press('Enter');
      await dialog.waitFor({ state: 'detached' });
      assert.equal(await admin.locator('#sms-status').innerText(), 'Connected');

      await admin.getByRole('button', { name: 'Disconnect' }).click();
      await admin.getByRole('dialog').getByRole('button', { name: 'Disconnect' }).click();
      await admin.locator('#sms-status', { hasText: exact('Disconnected') }).waitFor();
      assert.equal(await admin.locator('#sms-number').innerText(), 'None');
      assert.equal(await admin.getByRole('button', { name: 'Disconnect' }).count(), 0);
      assert.equal((await SmsChannel.findById(ws.id).lean())?.status, 'disconnected');
    });

    it('when an agent opens Settings, then the page says it needs the admin role and shows no controls', async () => {
      const ws = await createTestWorkspace();
      const agent = await tab(ws.agent);
      const nav = await agent.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents();
      assert.deepEqual(nav, ['Communication', 'Chat']);
      await agent.goto(`${stack.url}/app/#/settings/sms`);
      const notice = agent.locator('#forbidden');
      await notice.waitFor();
      assert.equal(await notice.innerText(), 'Settings needs the admin role; your key has the agent role.');
      assert.equal(await agent.getByRole('button', { name: 'Configure' }).count(), 0);
      await agent.goto(`${stack.url}/app/#/billing`);
      await agent.locator('#forbidden', { hasText: 'Billing needs the admin role' }).waitFor();
    });
  });

  describe('Settings → SMS when someone else changed them meanwhile', () => {
    it('when the admin saves from a page showing an older revision, then the page says so and the newer settings stand', async () => {
      const ws = await createTestWorkspace();
      const [first, second] = await carrierNumbers(2);
      assert.equal((await call(stack.url, 'PUT', `/v1/workspaces/${ws.id}/sms`, { key: ws.admin, body: { numberId: first.id } })).status, 200);
      const page = await tab(ws.admin);
      await page.goto(`${stack.url}/#/settings/sms`);
      await page.locator('#sms-status', { hasText: exact('Connected') }).waitFor();
      // Another admin switches the number while this page is open.
      assert.equal((await call(stack.url, 'PUT', `/v1/workspaces/${ws.id}/sms`, { key: ws.admin, body: { numberId: second.id } })).status, 200);

      await page.getByRole('switch', { name: 'Enabled' }).click();
      await page.locator('#sms-action-error', { hasText: 'Someone changed this at the same time' }).waitFor();
      const stored = await SmsChannel.findById(ws.id).lean();
      assert.equal(stored?.enabled, true, 'the stale page did not turn sending off');
      assert.equal(stored?.numberId, second.id);
    });
  });

  describe('Communication and Chat', () => {
    let ws: TestWorkspace;
    let ours: { id: string; e164: string };
    let agent: Page;
    const customer = '+14155550142';

    before(async () => {
      ws = await createTestWorkspace({ name: 'Bakery' });
      demo = ws;
      [ours] = await carrierNumbers(1);
      const res = await call(stack.url, 'PUT', `/v1/workspaces/${ws.id}/sms`, { key: ws.admin, body: { numberId: ours.id } });
      assert.equal(res.status, 200);
    });

    /**
     * Our text to `to`, delivered: the one the Communication test sent, or (that test not run) one
     * sent here through the API.
     */
    async function delivered(to: string, body: string) {
      const atCarrier = (await call(stack.sandbox.url, 'GET', `/sandbox/messages?to=${encodeURIComponent(to)}`)).body.messages as { body: string }[];
      if (atCarrier.some((m) => m.body === body)) return;
      const sent = await call(stack.url, 'POST', `/v1/workspaces/${ws.id}/messages`, { key: ws.agent, body: { channel: 'sms', to, body } });
      assert.equal(sent.status, 202, JSON.stringify(sent.body));
      await eventually('the text to be delivered', async () => (await call(stack.url, 'GET', `/v1/workspaces/${ws.id}/messages/${sent.body.id}`, { key: ws.agent })).body.status === 'delivered');
    }

    /** Communication's New message dialog in `page` (by default the agent's tab), with `to` and `body` written in. */
    async function newMessage(to: string, body: string, page?: Page) {
      const p = page ?? (agent ??= await tab(ws.agent));
      await p.goto(`${stack.url}/app/#/communication`);
      await p.getByRole('button', { name: 'New' }).click();
      const dialog = p.getByRole('dialog', { name: 'New message' });
      await dialog.getByLabel('To').fill(to);
      await dialog.getByLabel('Message').fill(body);
      return dialog;
    }

    it('when the agent writes a message, then the count of characters, segments and encoding follows as the carrier counts', async function () {
      needs(this, 'POST /v1/workspaces/{ws}/messages');
      agent = await tab(ws.agent);
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

    it('when the agent sends an SMS from Communication, then its status moves to Delivered and the carrier got it once', async function () {
      needs(this, 'POST /v1/workspaces/{ws}/messages', 'GET /v1/workspaces/{ws}/messages/{id}');
      const dialog = await newMessage(customer, 'Your cake is ready for pickup ☺');
      const shown = await dialog.locator('.count').innerText();
      await dialog.getByRole('button', { name: 'Send' }).click();
      await dialog.waitFor({ state: 'detached' });
      const item = agent.locator('.sent').first();
      await item.locator('[data-role=status]', { hasText: exact('Delivered') }).waitFor();
      const id = (await item.getAttribute('id'))!.replace(/^msg-/, '');
      const message = (await call(stack.url, 'GET', `/v1/workspaces/${ws.id}/messages/${id}`, { key: ws.agent })).body;
      assert.equal(message.status, 'delivered');
      assert.equal(shown, `31 characters · ${message.segments} segment · ${message.encoding}`);
      const atCarrier = (await call(stack.sandbox.url, 'GET', `/sandbox/messages?to=${encodeURIComponent(customer)}`)).body.messages;
      assert.equal(atCarrier.length, 1);
      assert.equal(atCarrier[0].from, ours.e164);
    });

    it('when the recipient is not a phone number, then the dialog says so and nothing is sent', async function () {
      needs(this, 'POST /v1/workspaces/{ws}/messages');
      const dialog = await newMessage('12345', 'Hello');
      await dialog.getByRole('button', { name: 'Send' }).click();
      await dialog.locator('#compose-error', { hasText: '12345 is not a valid phone number' }).waitFor();
      assert.equal(await dialog.isVisible(), true);
      await agent.keyboard.press('Escape');
    });

    it('when the handset is unreachable, then the message ends Not delivered with the reason in words', async function () {
      needs(this, 'POST /v1/workspaces/{ws}/messages', 'GET /v1/workspaces/{ws}/messages/{id}');
      const dialog = await newMessage(UNREACHABLE, 'Are you there?');
      await dialog.getByRole('button', { name: 'Send' }).click();
      const item = agent.locator('.sent').first();
      await item.locator('[data-role=status]', { hasText: exact('Not delivered') }).waitFor();
      assert.match(await item.locator('[data-role=reason]').innerText(), /unreachable.*\(code 30003\)/);
    });

    it('when the customer replies through the carrier, then the reply appears in Chat under the SMS icon without a reload', async function () {
      needs(this, 'GET /v1/workspaces/{ws}/conversations', 'GET /v1/workspaces/{ws}/conversations/{id}/messages', 'POST /webhooks/twilio/sms');
      if (routes.has('POST /v1/workspaces/{ws}/messages')) await delivered(customer, 'Your cake is ready for pickup ☺');
      agent ??= await tab(ws.agent);
      await agent.goto(`${stack.url}/app/#/chat`);
      await agent.getByRole('heading', { name: 'Chat' }).waitFor();
      await agent.evaluate(() => ((window as unknown as { marker: number }).marker = 42));

      const stranger = '+14155550177';
      for (const [from, body] of [[stranger, 'Do you deliver?'], [customer, 'Great, I will come at 5!']]) {
        const res = await call(stack.sandbox.url, 'POST', '/sandbox/inbound', { body: { from, to: ours.e164, body } });
        assert.equal(res.status, 200, JSON.stringify(res.body));
      }
      const thread = agent.locator('.thread-item', { hasText: 'Great, I will come at 5!' });
      await thread.waitFor();
      assert.equal(await agent.evaluate(() => (window as unknown as { marker?: number }).marker), 42, 'the page was not reloaded');
      await agent.locator('.thread-item', { hasText: 'Do you deliver?' }).waitFor();
      // every thread, newest activity first, each with its channel icon and unread count
      const listed = (await call(stack.url, 'GET', `/v1/workspaces/${ws.id}/conversations`, { key: ws.agent })).body.data as { id: string }[];
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
      if (routes.has('POST /v1/workspaces/{ws}/messages')) {
        assert.equal(await outbound.locator('[data-role=status]').innerText(), 'Delivered');
      }
      // opening the thread marks it read
      await agent.locator('.thread-item.selected:not([data-unread="1"])').waitFor();

      await agent.getByLabel('Reply').fill('See you at 5 🎂');
      await agent.getByRole('button', { name: 'Send' }).click();
      const reply = history.locator('.bubble.outbound', { hasText: 'See you at 5 🎂' });
      await reply.locator('[data-role=status]', { hasText: exact('Delivered') }).waitFor();
      const atCarrier = (await call(stack.sandbox.url, 'GET', `/sandbox/handsets/${encodeURIComponent(customer)}/messages`)).body.messages;
      assert.ok(atCarrier.some((m: { body: string }) => m.body === 'See you at 5 🎂'));
    });

    it('when the add-on is off, then the agent sees sending refused with the way to turn it on', async function () {
      needs(this, 'POST /v1/workspaces/{ws}/messages');
      const off = await createTestWorkspace({ addon: false });
      const dialog = await newMessage(customer, 'Hello', await tab(off.agent));
      await dialog.getByRole('button', { name: 'Send' }).click();
      await dialog.locator('#compose-error', { hasText: /Text Messages add-on is not active.*Billing/ }).waitFor();
    });
  });

  describe('custom numbers: the admin asks, support approves', () => {
    it('when the admin requests a custom number from the Configure dialog, then the request and its timeline show', async function () {
      needs(this, 'POST /v1/workspaces/{ws}/sms/number-requests', 'GET /v1/workspaces/{ws}/sms/number-requests');
      const ws = await createTestWorkspace({ name: 'Florist' });
      const admin = await tab(ws.admin);
      await admin.goto(`${stack.url}/app/#/settings/sms`);
      await admin.getByRole('button', { name: 'Configure' }).click();
      await admin.getByRole('button', { name: 'Request custom number' }).click();
      const dialog = admin.getByRole('dialog', { name: 'Request a custom number' });
      await dialog.getByLabel('Area code (optional)').fill('41x');
      await dialog.getByRole('button', { name: 'Send request' }).click();
      // the API's complaint lands next to the field that caused it
      const fieldError = dialog.locator('#req-area + .field-error');
      await fieldError.waitFor();
      assert.equal(await fieldError.innerText(), '1 to 5 digits');
      assert.equal(await dialog.getByLabel('Area code (optional)').getAttribute('aria-invalid'), 'true');

      await dialog.getByLabel('Area code (optional)').fill('415');
      await dialog.getByLabel('Note for support (optional)').fill('For the new shop');
      await dialog.getByRole('button', { name: 'Send request' }).click();
      await dialog.waitFor({ state: 'detached' });
      const request = admin.locator('.request').first();
      await request.waitFor();
      assert.equal(await request.getAttribute('data-status'), 'pending_approval');
      assert.match(await request.locator('h3').innerText(), /US local, area code 415 — Waiting for approval/);
      assert.ok((await request.locator('.timeline li').count()) >= 1);
    });

    it('when support approves a candidate in the support page, then the number appears in the admin\'s dropdown', async function () {
      needs(this, 'GET /v1/support/number-requests', 'GET /v1/support/number-requests/{id}/candidates', 'POST /v1/support/number-requests/{id}/approve');
      // the admin's request, and the admin's Settings page following it
      const ws = await createTestWorkspace({ name: 'Florist' });
      const asked = await call(stack.url, 'POST', `/v1/workspaces/${ws.id}/sms/number-requests`, {
        key: ws.admin,
        body: { country: 'US', type: 'local', areaCode: '415', note: 'For the new shop' },
      });
      assert.equal(asked.status, 202, JSON.stringify(asked.body));
      const requestId: string = asked.body.id;
      const admin = await tab(ws.admin);
      await admin.goto(`${stack.url}/app/#/settings/sms`);
      await admin.locator(`#req-${requestId}[data-status=pending_approval]`).waitFor();
      const support = await tab(await supportKey());
      const nav = await support.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents();
      assert.deepEqual(nav, ['Support']);
      await support.locator(`#queue-${requestId}`).click();
      const detail = support.locator('#request-detail');
      await detail.locator('dd', { hasText: 'For the new shop' }).waitFor();
      const candidates = detail.getByRole('group', { name: 'Number to buy' }).getByRole('radio');
      await candidates.nth(1).waitFor();
      const chosen = await candidates.nth(1).getAttribute('value');
      assert.match(chosen!, /^\+1415/);
      await candidates.nth(1).check();
      await detail.getByRole('button', { name: 'Approve' }).click();
      await detail.locator('#detail-status', { hasText: /Provisioning|Completed/ }).waitFor();

      // the admin's page follows the request without a reload
      const request = admin.locator(`#req-${requestId}`);
      await admin.locator(`#req-${requestId}[data-status=completed]`).waitFor({ timeout: 30_000 });
      assert.match(await request.locator('h3').innerText(), new RegExp(`Completed · \\${chosen}`));
      await admin.getByRole('button', { name: 'Configure' }).click();
      const option = admin.getByRole('dialog').getByLabel('Number').locator('option', { hasText: chosen! });
      await option.waitFor({ state: 'attached' });
      assert.match(await option.innerText(), /Your custom number/);
    });

    it('when support rejects without a reason, then it is asked for one; with one, the request is Rejected', async function () {
      needs(this, 'POST /v1/support/number-requests/{id}/reject');
      const ws = await createTestWorkspace({ name: 'Florist' });
      const res = await call(stack.url, 'POST', `/v1/workspaces/${ws.id}/sms/number-requests`, { key: ws.admin, body: { country: 'US', type: 'toll_free' } });
      assert.equal(res.status, 202, JSON.stringify(res.body));
      const support = await tab(await supportKey());
      await support.goto(`${stack.url}/app/#/support/${res.body.id}`);
      const detail = support.locator('#request-detail');
      await detail.getByRole('button', { name: 'Reject' }).click();
      await detail.locator('#reject-reason + .field-error').waitFor();
      await detail.getByLabel(/Reason for rejecting/).fill('Toll-free numbers need a verified business first.');
      await detail.getByRole('button', { name: 'Reject' }).click();
      await detail.locator('#detail-status', { hasText: exact('Rejected') }).waitFor();
      const timeline = await detail.locator('.timeline').innerText();
      assert.match(timeline, /Toll-free numbers need a verified business first/);
      assert.equal((await call(stack.url, 'GET', `/v1/workspaces/${ws.id}/sms/number-requests/${res.body.id}`, { key: ws.admin })).body.status, 'rejected');
    });
  });

  describe('Settings → SMS → Your own senders', () => {
    /** A new workspace, and a Twilio account of its own at the carrier (not added yet) whose one number we may not change. */
    async function ownAccount() {
      const ws = await createTestWorkspace({ name: 'Bakaríið' });
      const account = { accountSid: `AC${randomBytes(16).toString('hex')}`, authToken: 'own-account-token-1' };
      const made = await call(stack.sandbox.url, 'POST', '/sandbox/accounts', { body: { ...account, readOnlyNumbers: true } });
      assert.equal(made.status, 201);
      const e164 = randomE164();
      const n = await call(stack.sandbox.url, 'POST', '/sandbox/numbers', { body: { accountSid: account.accountSid, phoneNumber: e164, type: 'local', smsUrl: 'https://old-crm.example.test/sms' } });
      assert.equal(n.status, 201, JSON.stringify(n.body));
      return { ws, account, e164, numberSid: n.body.sid as string };
    }

    /** ownAccount(), added to its workspace (its number connected too, if asked), and the admin's tab on Your own senders. */
    async function addedAccount(options: { connectNumber?: boolean } = {}) {
      const own = await ownAccount();
      const { ws, account, numberSid } = own;
      assert.equal((await call(stack.url, 'PUT', `/v1/workspaces/${ws.id}/sms/provider-account`, { key: ws.admin, body: account })).status, 200);
      if (options.connectNumber) {
        const connected = await call(stack.url, 'POST', `/v1/workspaces/${ws.id}/sms/provider-account/numbers/${numberSid}/connect`, { key: ws.admin });
        assert.equal(connected.status, 200, JSON.stringify(connected.body));
      }
      const admin = await tab(ws.admin);
      await admin.goto(`${stack.url}/app/#/settings/sms/own`);
      await admin.locator(`#account-number-${numberSid}`).waitFor();
      return { ...own, admin };
    }

    it('when the admin adds a Twilio account with a wrong token, then the page says so in its words and nothing is saved; with the right one, its numbers show', async () => {
      const { ws, account, numberSid } = await ownAccount();
      const admin = await tab(ws.admin);
      await admin.goto(`${stack.url}/app/#/settings/sms`);
      await admin.getByRole('link', { name: 'Your own Twilio account and sender IDs →' }).click();
      await admin.getByRole('heading', { name: 'Settings → SMS → Your own senders' }).waitFor();
      // the navigation still marks Settings
      assert.equal(await admin.getByRole('navigation', { name: 'Main' }).locator('[aria-current=page]').innerText(), 'Settings');
      await admin.getByLabel('Account SID').fill(account.accountSid);
      await admin.getByLabel('Auth token').fill('a-wrong-token-here');
      await admin.getByRole('button', { name: 'Check and save' }).click();
      await admin.locator('#account-error', { hasText: 'Twilio refused this Account SID and auth token.' }).waitFor();
      assert.equal(await admin.getByLabel('Auth token').inputValue(), '', 'the token does not linger in the form');
      assert.equal((await call(stack.url, 'GET', `/v1/workspaces/${ws.id}/sms/provider-account`, { key: ws.admin })).status, 404);

      await admin.getByLabel('Auth token').fill(account.authToken);
      await admin.getByRole('button', { name: 'Check and save' }).click();
      await admin.locator('#account-saved').waitFor();
      assert.equal(await admin.locator('#account-sid').innerText(), account.accountSid);
      const item = admin.locator(`#account-number-${numberSid}`);
      await item.waitFor();
      assert.match(await item.innerText(), /Texts go to https:\/\/old-crm\.example\.test\/sms/);
      assert.ok(!(await admin.content()).includes(account.authToken), 'the token is nowhere in the page');
    });

    it('when the account does not let us set the webhook, then Connect connects the number and shows the exact URL and steps', async () => {
      const { ws, e164, numberSid, admin } = await addedAccount();
      await admin.locator(`#connect-${numberSid}`).click();
      const manual = admin.locator('#manual-webhook');
      await manual.waitFor();
      assert.equal(await admin.locator('#manual-url').innerText(), `${stack.url}/webhooks/twilio/sms#${stack.config.INBOUND_WEBHOOK_RETRY}`);
      assert.match(await manual.innerText(), new RegExp(`choose \\${e164}`));
      await admin.locator(`#account-number-${numberSid} .badge`, { hasText: 'Connected' }).waitFor();
      const channel = (await call(stack.url, 'GET', `/v1/workspaces/${ws.id}/sms`, { key: ws.admin })).body;
      assert.equal(channel.number.e164, e164);
    });

    it('when the admin registers a sender ID and connects it, then Settings and the composer say nobody can reply', async () => {
      const { ws, admin } = await addedAccount();
      await admin.getByRole('textbox', { name: 'Sender ID' }).fill('BAKARI');
      await admin.getByLabel('Country').fill('us');
      await admin.getByRole('button', { name: 'Register' }).click();
      await admin.locator('#sender-country-input + .field-error').waitFor();
      await admin.getByLabel('Country').fill('is');
      await admin.getByRole('button', { name: 'Register' }).click();
      await admin.locator('.sender-id', { hasText: 'BAKARI' }).waitFor();
      assert.match(await admin.locator('#no-replies').innerText(), /Replies are impossible/);

      await admin.getByRole('link', { name: /Settings → SMS/ }).first().click();
      await admin.getByRole('button', { name: 'Configure' }).click();
      const dialog = admin.getByRole('dialog', { name: 'Configure SMS' });
      const option = dialog.getByLabel('Number').locator('option', { hasText: 'BAKARI' });
      await option.waitFor({ state: 'attached' });
      assert.match(await option.innerText(), /alphanumeric sender ID \(IS\)/);
      await dialog.getByLabel('Number').selectOption({ label: await option.innerText() });
      await dialog.getByRole('button', { name: 'Save' }).click();
      await admin.locator('#no-replies', { hasText: 'Replies are impossible: BAKARI is an alphanumeric sender ID' }).waitFor();

      const agent = await tab(ws.agent);
      await agent.goto(`${stack.url}/app/#/communication`);
      await agent.getByRole('button', { name: 'New' }).click();
      await agent.locator('#compose-no-replies', { hasText: 'Sent from BAKARI: recipients cannot reply' }).waitFor();
      await agent.keyboard.press('Escape');
    });

    it('when the admin removes the account, then a confirmation comes first, and its number and sender ID leave with it', async () => {
      // the account's number connected once, then a sender ID registered on the account and connected instead
      const { ws, account, e164, admin } = await addedAccount({ connectNumber: true });
      const senderId = 'KONDITORI';
      const sender = await call(stack.url, 'POST', `/v1/workspaces/${ws.id}/sms/sender-ids`, { key: ws.admin, body: { senderId, country: 'IS' } });
      assert.equal(sender.status, 201, JSON.stringify(sender.body));
      assert.equal((await call(stack.url, 'PUT', `/v1/workspaces/${ws.id}/sms`, { key: ws.admin, body: { numberId: sender.body.id } })).status, 200);
      const before = (await call(stack.url, 'GET', `/v1/workspaces/${ws.id}/sms/numbers`, { key: ws.admin })).body.data as { e164: string }[];
      assert.ok(before.some((n) => n.e164 === e164) && before.some((n) => n.e164 === senderId), JSON.stringify(before));
      await admin.reload();
      await admin.getByRole('button', { name: 'Remove account' }).click();
      const dialog = admin.getByRole('dialog', { name: `Remove the account ${account.accountSid}?` });
      await dialog.getByRole('button', { name: 'Keep the account' }).press('Enter');
      await dialog.waitFor({ state: 'detached' });
      assert.equal((await call(stack.url, 'GET', `/v1/workspaces/${ws.id}/sms/provider-account`, { key: ws.admin })).status, 200);
      await admin.getByRole('button', { name: 'Remove account' }).click();
      await admin.getByRole('dialog').getByRole('button', { name: 'Remove account' }).click();
      await admin.getByRole('button', { name: 'Check and save' }).waitFor();
      const offered = (await call(stack.url, 'GET', `/v1/workspaces/${ws.id}/sms/numbers`, { key: ws.admin })).body.data as { e164: string }[];
      // the sender ID was registered on the workspace's own account (it had one): both go, and so does the connection
      assert.ok(!offered.some((n) => n.e164 === e164 || n.e164 === senderId), JSON.stringify(offered));
      assert.equal((await call(stack.url, 'GET', `/v1/workspaces/${ws.id}/sms`, { key: ws.admin })).body.status, 'disconnected');
    });
  });

  describe('every page', () => {
    /** The workspace Communication and Chat filled, or (run alone) one with a number and a customer's text. */
    async function demoWorkspace(): Promise<TestWorkspace> {
      if (demo) return demo;
      const ws = await createTestWorkspace({ name: 'Bakery' });
      const [number] = await carrierNumbers(1);
      assert.equal((await call(stack.url, 'PUT', `/v1/workspaces/${ws.id}/sms`, { key: ws.admin, body: { numberId: number.id } })).status, 200);
      assert.equal((await call(stack.sandbox.url, 'POST', '/sandbox/inbound', { body: { from: '+14155550142', to: number.e164, body: 'Is my cake ready?' } })).status, 200);
      return ws;
    }

    it('when opened fresh, then it fits a narrow window and a screenshot is written', async function () {
      mkdirSync(SCREENSHOTS, { recursive: true });
      const ws = await demoWorkspace();
      const supportSecret = await supportKey();
      const conversations = (await call(stack.url, 'GET', `/v1/workspaces/${ws.id}/conversations`, { key: ws.agent })).body?.data ?? [];
      // a request waiting for support, so Settings shows its timeline and Support its candidates
      const pending = await call(stack.url, 'POST', `/v1/workspaces/${ws.id}/sms/number-requests`, {
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

      const signin = await browser.newPage();
      tabs.push(signin);
      await signin.page.goto(`${stack.url}/app/`);
      await signin.page.getByLabel('API key').waitFor();
      await signin.page.screenshot({ path: path.join(SCREENSHOTS, 'signin.png') });

      for (const p of pages) {
        const page = await tab(p.key);
        await page.goto(`${stack.url}/app/#/${p.hash}`);
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
