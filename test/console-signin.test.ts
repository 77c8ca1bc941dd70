import assert from 'node:assert/strict';
import { consoleSuite } from './support/console-suite';
import { createTestWorkspace } from './support/stack';

/*
 * The web console's sign-in in a real browser (Debian's Chromium through playwright-core) against
 * the whole stack: a wrong key refused next to the field, and an admin signing in with the
 * keyboard alone.
 */

describe('web console: signing in (headless Chromium)', function () {
  this.timeout(120_000);
  const ui = consoleSuite();

  it('when a key is wrong, then the form says so next to the field and keeps nothing', async () => {
    const { page, errors } = await ui.browser.newPage();
    ui.tabs.push({ page, errors });
    await page.goto(`${ui.stack.url}/`);
    assert.match(page.url(), /\/app\/$/);
    await page.getByLabel('API key').fill('sk_admin_wrong');
    await page.keyboard.press('Enter');
    await page.locator('#signin-error', { hasText: 'This API key is not valid.' }).waitFor();
    assert.equal(await page.evaluate(() => sessionStorage.length), 0);
  });

  it('when an admin signs in with the keyboard only, then the key stays out of the URL and the role is shown', async () => {
    const ws = await createTestWorkspace({ name: 'Keyboard Co' });
    const { page, errors } = await ui.browser.newPage();
    ui.tabs.push({ page, errors });
    await page.goto(`${ui.stack.url}/app/`);
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
