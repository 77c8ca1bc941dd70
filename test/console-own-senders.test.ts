import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { consoleSuite } from './support/console-suite';
import { randomE164 } from './support/inbound';
import { call, createTestWorkspace } from './support/stack';

/*
 * Settings → SMS → Your own senders in a real browser (Debian's Chromium through playwright-core)
 * against the whole stack and the sandbox carrier: a workspace's own Twilio account added (a wrong
 * token refused), its number connected where we may not set the webhook, a sender ID registered
 * and connected, and the account removed with all it brought.
 */

describe('web console: your own senders (headless Chromium)', function () {
  this.timeout(120_000);
  const ui = consoleSuite();
  const { tab } = ui;

  describe('Settings → SMS → Your own senders', () => {
    /** A new workspace, and a Twilio account of its own at the carrier (not added yet) whose one number we may not change. */
    async function ownAccount() {
      const ws = await createTestWorkspace({ name: 'Bakaríið' });
      const account = { accountSid: `AC${randomBytes(16).toString('hex')}`, authToken: 'own-account-token-1' };
      const made = await call(ui.stack.sandbox.url, 'POST', '/sandbox/accounts', { body: { ...account, readOnlyNumbers: true } });
      assert.equal(made.status, 201);
      const e164 = randomE164();
      const n = await call(ui.stack.sandbox.url, 'POST', '/sandbox/numbers', { body: { accountSid: account.accountSid, phoneNumber: e164, type: 'local', smsUrl: 'https://old-crm.example.test/sms' } });
      assert.equal(n.status, 201, JSON.stringify(n.body));
      return { ws, account, e164, numberSid: n.body.sid as string };
    }

    /** ownAccount(), added to its workspace (its number connected too, if asked), and the admin's tab on Your own senders. */
    async function addedAccount(options: { connectNumber?: boolean } = {}) {
      const own = await ownAccount();
      const { ws, account, numberSid } = own;
      assert.equal((await call(ui.stack.url, 'PUT', `/v1/workspaces/${ws.id}/sms/provider-account`, { key: ws.admin, body: account })).status, 200);
      if (options.connectNumber) {
        const connected = await call(ui.stack.url, 'POST', `/v1/workspaces/${ws.id}/sms/provider-account/numbers/${numberSid}/connect`, { key: ws.admin });
        assert.equal(connected.status, 200, JSON.stringify(connected.body));
      }
      const admin = await tab(ws.admin);
      await admin.goto(`${ui.stack.url}/app/#/settings/sms/own`);
      await admin.locator(`#account-number-${numberSid}`).waitFor();
      return { ...own, admin };
    }

    it('when the admin adds a Twilio account with a wrong token, then the page says so in its words and nothing is saved; with the right one, its numbers show', async () => {
      const { ws, account, numberSid } = await ownAccount();
      const admin = await tab(ws.admin);
      await admin.goto(`${ui.stack.url}/app/#/settings/sms`);
      await admin.getByRole('link', { name: 'Your own Twilio account and sender IDs →' }).click();
      await admin.getByRole('heading', { name: 'Settings → SMS → Your own senders' }).waitFor();
      // the navigation still marks Settings
      assert.equal(await admin.getByRole('navigation', { name: 'Main' }).locator('[aria-current=page]').innerText(), 'Settings');
      await admin.getByLabel('Account SID').fill(account.accountSid);
      await admin.getByLabel('Auth token').fill('a-wrong-token-here');
      await admin.getByRole('button', { name: 'Check and save' }).click();
      await admin.locator('#account-error', { hasText: 'Twilio refused this Account SID and auth token.' }).waitFor();
      assert.equal(await admin.getByLabel('Auth token').inputValue(), '', 'the token does not linger in the form');
      assert.equal((await call(ui.stack.url, 'GET', `/v1/workspaces/${ws.id}/sms/provider-account`, { key: ws.admin })).status, 404);

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
      assert.equal(await admin.locator('#manual-url').innerText(), `${ui.stack.url}/webhooks/twilio/sms#${ui.stack.config.INBOUND_WEBHOOK_RETRY}`);
      assert.match(await manual.innerText(), new RegExp(`choose \\${e164}`));
      await admin.locator(`#account-number-${numberSid} .badge`, { hasText: 'Connected' }).waitFor();
      const channel = (await call(ui.stack.url, 'GET', `/v1/workspaces/${ws.id}/sms`, { key: ws.admin })).body;
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
      await agent.goto(`${ui.stack.url}/app/#/communication`);
      await agent.getByRole('button', { name: 'New' }).click();
      await agent.locator('#compose-no-replies', { hasText: 'Sent from BAKARI: recipients cannot reply' }).waitFor();
      await agent.keyboard.press('Escape');
    });

    it('when the admin removes the account, then a confirmation comes first, and its number and sender ID leave with it', async () => {
      // the account's number connected once, then a sender ID registered on the account and connected instead
      const { ws, account, e164, admin } = await addedAccount({ connectNumber: true });
      const senderId = 'KONDITORI';
      const sender = await call(ui.stack.url, 'POST', `/v1/workspaces/${ws.id}/sms/sender-ids`, { key: ws.admin, body: { senderId, country: 'IS' } });
      assert.equal(sender.status, 201, JSON.stringify(sender.body));
      assert.equal((await call(ui.stack.url, 'PUT', `/v1/workspaces/${ws.id}/sms`, { key: ws.admin, body: { numberId: sender.body.id } })).status, 200);
      const before = (await call(ui.stack.url, 'GET', `/v1/workspaces/${ws.id}/sms/numbers`, { key: ws.admin })).body.data as { e164: string }[];
      assert.ok(before.some((n) => n.e164 === e164) && before.some((n) => n.e164 === senderId), JSON.stringify(before));
      await admin.reload();
      await admin.getByRole('button', { name: 'Remove account' }).click();
      const dialog = admin.getByRole('dialog', { name: `Remove the account ${account.accountSid}?` });
      await dialog.getByRole('button', { name: 'Keep the account' }).press('Enter');
      await dialog.waitFor({ state: 'detached' });
      assert.equal((await call(ui.stack.url, 'GET', `/v1/workspaces/${ws.id}/sms/provider-account`, { key: ws.admin })).status, 200);
      await admin.getByRole('button', { name: 'Remove account' }).click();
      await admin.getByRole('dialog').getByRole('button', { name: 'Remove account' }).click();
      await admin.getByRole('button', { name: 'Check and save' }).waitFor();
      const offered = (await call(ui.stack.url, 'GET', `/v1/workspaces/${ws.id}/sms/numbers`, { key: ws.admin })).body.data as { e164: string }[];
      // the sender ID was registered on the workspace's own account (it had one): both go, and so does the connection
      assert.ok(!offered.some((n) => n.e164 === e164 || n.e164 === senderId), JSON.stringify(offered));
      assert.equal((await call(ui.stack.url, 'GET', `/v1/workspaces/${ws.id}/sms`, { key: ws.admin })).body.status, 'disconnected');
    });
  });
});
