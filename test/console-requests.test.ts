import assert from 'node:assert/strict';
import { consoleSuite, exact } from './support/console-suite';
import { call, createTestWorkspace, supportKey } from './support/stack';

/*
 * Custom numbers in a real browser (Debian's Chromium through playwright-core) against the whole
 * stack: the admin asks for one from Settings → SMS, support approves a candidate (the admin's
 * page follows without a reload) or rejects with a reason. Outcomes checked through the API.
 */

describe('web console: custom number requests (headless Chromium)', function () {
  this.timeout(120_000);
  const ui = consoleSuite();
  const { tab } = ui;

  describe('custom numbers: the admin asks, support approves', () => {
    it('when the admin requests a custom number from the Configure dialog, then the request and its timeline show', async () => {
      const ws = await createTestWorkspace({ name: 'Florist' });
      const admin = await tab(ws.admin);
      await admin.goto(`${ui.stack.url}/app/#/settings/sms`);
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

    it('when support approves a candidate in the support page, then the number appears in the admin\'s dropdown', async () => {
      // the admin's request, and the admin's Settings page following it
      const ws = await createTestWorkspace({ name: 'Florist' });
      const asked = await call(ui.stack.url, 'POST', `/v1/workspaces/${ws.id}/sms/number-requests`, {
        key: ws.admin,
        body: { country: 'US', type: 'local', areaCode: '415', note: 'For the new shop' },
      });
      assert.equal(asked.status, 202, JSON.stringify(asked.body));
      const requestId: string = asked.body.id;
      const admin = await tab(ws.admin);
      await admin.goto(`${ui.stack.url}/app/#/settings/sms`);
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

    it('when support rejects without a reason, then it is asked for one; with one, the request is Rejected', async () => {
      const ws = await createTestWorkspace({ name: 'Florist' });
      const res = await call(ui.stack.url, 'POST', `/v1/workspaces/${ws.id}/sms/number-requests`, { key: ws.admin, body: { country: 'US', type: 'toll_free' } });
      assert.equal(res.status, 202, JSON.stringify(res.body));
      const support = await tab(await supportKey());
      await support.goto(`${ui.stack.url}/app/#/support/${res.body.id}`);
      const detail = support.locator('#request-detail');
      await detail.getByRole('button', { name: 'Reject' }).click();
      await detail.locator('#reject-reason + .field-error').waitFor();
      await detail.getByLabel(/Reason for rejecting/).fill('Toll-free numbers need a verified business first.');
      await detail.getByRole('button', { name: 'Reject' }).click();
      await detail.locator('#detail-status', { hasText: exact('Rejected') }).waitFor();
      const timeline = await detail.locator('.timeline').innerText();
      assert.match(timeline, /Toll-free numbers need a verified business first/);
      assert.equal((await call(ui.stack.url, 'GET', `/v1/workspaces/${ws.id}/sms/number-requests/${res.body.id}`, { key: ws.admin })).body.status, 'rejected');
    });
  });
});
