import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { SmsChannel } from '../src/db/models';
import { consoleSuite, exact } from './support/console-suite';
import { call, createTestWorkspace } from './support/stack';

/*
 * Settings → SMS / Text Messages in a real browser (Debian's Chromium through playwright-core)
 * against the whole stack: the add-on banner and Billing, configuring and switching a shared
 * number, enabling and disconnecting, the agent kept out, and a save from a stale page refused.
 * Each test drives the page as a person would and checks the outcome through the API or the database.
 */

describe('web console: Settings → SMS (headless Chromium)', function () {
  this.timeout(120_000);
  const ui = consoleSuite();
  const { tab, carrierNumbers } = ui;

  describe('Settings → SMS / Text Messages', () => {
    /** A workspace connected to a new carrier number, and its admin's tab on Settings → SMS saying so. */
    async function connectedSettings() {
      const ws = await createTestWorkspace();
      const [number] = await carrierNumbers(1);
      assert.equal((await call(ui.stack.url, 'PUT', `/v1/workspaces/${ws.id}/sms`, { key: ws.admin, body: { numberId: number.id } })).status, 200);
      const admin = await tab(ws.admin);
      await admin.goto(`${ui.stack.url}/app/#/settings/sms`);
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
      await admin.goto(`${ui.stack.url}/app/#/settings/sms`);
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
      assert.equal((await call(ui.stack.url, 'GET', `/v1/workspaces/${ws.id}/sms`, { key: ws.admin })).body.addon.active, true);

      await admin.getByRole('link', { name: /Set up Text Messages/ }).click();
      await admin.getByRole('button', { name: 'Configure' }).waitFor();
      assert.equal(await admin.locator('#addon-banner').count(), 0);
    });

    it('when the admin configures a shared number and saves, then the status turns Connected', async () => {
      const ws = await createTestWorkspace();
      const numbers = await carrierNumbers(3);
      const admin = await tab(ws.admin);
      await admin.goto(`${ui.stack.url}/app/#/settings/sms`);
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
      const res = await call(ui.stack.url, 'GET', `/v1/workspaces/${ws.id}/sms`, { key: ws.admin });
      assert.equal(res.body.number.id, other.id);
    });

    it('when another workspace takes the chosen number first, then Save shows why in the dialog', async () => {
      const { number, admin } = await connectedSettings();
      const { dialog, chosen: wanted } = await chooseNewNumber(admin);
      const rival = await createTestWorkspace();
      assert.equal((await call(ui.stack.url, 'PUT', `/v1/workspaces/${rival.id}/sms`, { key: rival.admin, body: { numberId: wanted.id } })).status, 200);
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
      await agent.goto(`${ui.stack.url}/app/#/settings/sms`);
      const notice = agent.locator('#forbidden');
      await notice.waitFor();
      assert.equal(await notice.innerText(), 'Settings needs the admin role; your key has the agent role.');
      assert.equal(await agent.getByRole('button', { name: 'Configure' }).count(), 0);
      await agent.goto(`${ui.stack.url}/app/#/billing`);
      await agent.locator('#forbidden', { hasText: 'Billing needs the admin role' }).waitFor();
    });
  });

  describe('Settings → SMS when someone else changed them meanwhile', () => {
    it('when the admin saves from a page showing an older revision, then the page says so and the newer settings stand', async () => {
      const ws = await createTestWorkspace();
      const [first, second] = await carrierNumbers(2);
      assert.equal((await call(ui.stack.url, 'PUT', `/v1/workspaces/${ws.id}/sms`, { key: ws.admin, body: { numberId: first.id } })).status, 200);
      const page = await tab(ws.admin);
      await page.goto(`${ui.stack.url}/#/settings/sms`);
      await page.locator('#sms-status', { hasText: exact('Connected') }).waitFor();
      // Another admin switches the number while this page is open.
      assert.equal((await call(ui.stack.url, 'PUT', `/v1/workspaces/${ws.id}/sms`, { key: ws.admin, body: { numberId: second.id } })).status, 200);

      await page.getByRole('switch', { name: 'Enabled' }).click();
      await page.locator('#sms-action-error', { hasText: 'Someone changed this at the same time' }).waitFor();
      const stored = await SmsChannel.findById(ws.id).lean();
      assert.equal(stored?.enabled, true, 'the stale page did not turn sending off');
      assert.equal(stored?.numberId, second.id);
    });
  });
});
