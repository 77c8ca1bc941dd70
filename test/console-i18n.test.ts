import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { eventually } from './support/eventually';
import {
  CONSOLE_LANGUAGES as LANGS,
  consoleWords,
  everyConsolePage,
  launchBrowser,
  requireChromium,
  SCREENSHOTS,
  signIn,
  signInWithWords,
  type ConsoleEntry as Entry,
  type TestBrowser,
} from './support/browser';
import { carrierNumbers, trackTabs } from './support/console-suite';
import { call, createTestWorkspace, startStack, supportKey, type Stack, type TestWorkspace } from './support/stack';

/*
 * The console in Icelandic and English in a real browser: each page speaks the language the
 * browser asks for (or the one chosen in the switch, remembered), with dates and numbers formatted
 * for it and no key shown raw. test/console-catalogues.test.ts checks, without a browser, that
 * every catalogue entry holds both languages and every key the code uses exists.
 */

type Catalogue = Record<string, Entry>;

describe('web console in Icelandic and English (headless Chromium)', function () {
  this.timeout(120_000);
  let stack: Stack;
  let ws: TestWorkspace;
  let support: string;
  let requestId: string;
  let conversationId: string;
  const catalogues: Record<string, Catalogue> = { is: consoleWords('is'), en: consoleWords('en') };
  // no missing key (t() logs one as an error), no uncaught error, no CSP violation in any tab
  const tabs = trackTabs();

  before(async function () {
    requireChromium(this);
    stack = await startStack();
    // a workspace with a connected number, a thread with a reply and a request waiting for support
    ws = await createTestWorkspace({ name: 'Bakaríið' });
    const [ours] = await carrierNumbers(stack, 1);
    assert.equal((await call(stack.url, 'PUT', `/v1/workspaces/${ws.id}/sms`, { key: ws.admin, body: { numberId: ours.id } })).status, 200);
    const inbound = await call(stack.sandbox.url, 'POST', '/sandbox/inbound', { body: { from: '+3546123456', to: ours.e164, body: 'Er kakan tilbúin?' } });
    assert.equal(inbound.status, 200, JSON.stringify(inbound.body));
    const request = await call(stack.url, 'POST', `/v1/workspaces/${ws.id}/sms/number-requests`, { key: ws.admin, body: { country: 'US', type: 'local', areaCode: '415' } });
    assert.equal(request.status, 202, JSON.stringify(request.body));
    requestId = request.body.id;
    support = await supportKey();
    // its own Twilio account with a number, and a sender ID, for Settings → SMS → Your own senders
    const own = { accountSid: `AC${'e'.repeat(32)}`, authToken: 'own-i18n-token' };
    assert.equal((await call(stack.sandbox.url, 'POST', '/sandbox/accounts', { body: own })).status, 201);
    const ownNumber = await call(stack.sandbox.url, 'POST', '/sandbox/numbers', { body: { accountSid: own.accountSid, phoneNumber: '+14155557001', type: 'local', smsUrl: null } });
    assert.equal(ownNumber.status, 201, JSON.stringify(ownNumber.body));
    assert.equal((await call(stack.url, 'PUT', `/v1/workspaces/${ws.id}/sms/provider-account`, { key: ws.admin, body: own })).status, 200);
    assert.equal((await call(stack.url, 'POST', `/v1/workspaces/${ws.id}/sms/sender-ids`, { key: ws.admin, body: { senderId: 'BAKARI', country: 'IS' } })).status, 201);
    conversationId = await eventually('the inbound text to open a thread', async () => (await call(stack.url, 'GET', `/v1/workspaces/${ws.id}/conversations`, { key: ws.agent })).body.data[0]?.id as string | undefined, 5000);
  });

  after(async () => {
    await stack?.stop();
  });

  /** Texts of the other language that must not show on a page in this one (words both share excluded). */
  function foreignWords(lang: 'is' | 'en'): Set<string> {
    const mine = new Set(Object.values(catalogues[lang]).flatMap((e) => (typeof e === 'string' ? [e.trim()] : Object.values(e))));
    const other = catalogues[lang === 'is' ? 'en' : 'is'];
    return new Set(
      Object.values(other)
        .filter((e): e is string => typeof e === 'string' && !e.includes('{'))
        .map((e) => e.trim())
        .filter((e) => e.length > 3 && !mine.has(e)),
    );
  }

  /** Every text node and accessible label on the page that is a whole sentence of the other language, or a key shown raw. */
  async function untranslated(page: Page, lang: 'is' | 'en'): Promise<string[]> {
    const shown: string[] = await page.evaluate(() => {
      const texts: string[] = [];
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) texts.push((n.textContent ?? '').trim());
      for (const el of Array.from(document.querySelectorAll('[aria-label], [placeholder], [title]'))) {
        for (const a of ['aria-label', 'placeholder', 'title']) if (el.getAttribute(a)) texts.push(el.getAttribute(a)!.trim());
      }
      texts.push(document.title);
      return texts.filter(Boolean);
    });
    const foreign = foreignWords(lang);
    return shown.filter((text) => foreign.has(text) || Object.hasOwn(catalogues[lang], text));
  }

  for (const lang of LANGS) {
    const locale = lang === 'is' ? 'is-IS' : 'en-US';
    describe(`when the browser asks for ${locale}`, () => {
      let browser: TestBrowser;
      const word = (key: string) => catalogues[lang][key] as string;

      before(async () => {
        browser = await launchBrowser({ locale });
      });
      after(async () => {
        await browser?.close();
      });

      const tab = (key: string) => signInWithWords(browser, tabs, stack.url, key, word);

      it(`then sign-in is in ${lang}, and a wrong key is refused in its words`, async () => {
        const tracked = await browser.newPage();
        tabs.push(tracked);
        const page = tracked.page;
        await page.goto(`${stack.url}/app/`);
        await page.getByRole('heading', { name: word('signin.title') }).waitFor();
        assert.equal(await page.evaluate(() => document.documentElement.lang), lang);
        await page.getByLabel(word('signin.key')).fill('sk_admin_wrong');
        await page.keyboard.press('Enter');
        await page.locator('#signin-error', { hasText: word('error.unauthenticated') }).waitFor();
        assert.deepEqual(await untranslated(page, lang), []);
        mkdirSync(SCREENSHOTS, { recursive: true });
        await page.screenshot({ path: path.join(SCREENSHOTS, `signin.${lang}.png`) });
      });

      it('then every page is in that language, its dates formatted for it, and a screenshot is written', async () => {
        const pages = everyConsolePage({
          admin: ws.admin,
          agent: ws.agent,
          support,
          ownSendersReady: '.account-number',
          // the New message dialog with its live count, as in the English screenshot
          draft: { to: '+3546123456', body: lang === 'is' ? 'Kakan þín er tilbúin ☺ Sjáumst!' : 'Your cake is ready for pickup ☺ See you soon!' },
          chat: { hash: `chat/${conversationId}`, ready: '#history .bubble' },
          supportPage: { hash: `support/${requestId}`, ready: '#cand-1' },
        });
        for (const p of pages) {
          const page = await tab(p.key);
          await page.goto(`${stack.url}/app/#/${p.hash}`);
          await page.locator(p.ready).first().waitFor();
          await p.prepare?.(page);
          assert.deepEqual(await untranslated(page, lang), [], `${p.name} shows words of the other language`);
          await page.screenshot({ path: path.join(SCREENSHOTS, `${p.name}.${lang}.png`) });
          await page.close();
        }
        // a date as the language writes it: "1. des. 2026, 02:30" or "Dec 1, 2026, 2:30 AM"
        const page = await tab(ws.agent);
        await page.goto(`${stack.url}/app/#/chat/${conversationId}`);
        const time = page.locator('#history time').first();
        await time.waitFor();
        const [shown, iso] = [await time.innerText(), (await time.getAttribute('datetime'))!];
        // as Node's full ICU writes it (the browser runs in UTC), whether or not the browser has the locale's data
        assert.equal(shown, new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(new Date(iso)));
        assert.match(shown, lang === 'is' ? /^\d{1,2}\. \p{Ll}+\.? \d{4}/u : /^[A-Z][a-z]{2} \d{1,2}, \d{4}/);
      });

      it('then counts are written with its digit grouping and plurals, and validation errors are its own words', async () => {
        const page = await tab(ws.agent);
        await page.goto(`${stack.url}/app/#/communication`);
        await page.getByRole('button', { name: word('comm.new').replace('+ ', '') }).click();
        const dialog = page.getByRole('dialog', { name: word('comm.newTitle') });
        await dialog.getByLabel(word('comm.message'), { exact: true }).fill('a'.repeat(1600));
        // 1,600 GSM-7 characters are 11 segments of 153
        assert.equal(await dialog.locator('.count').innerText(), lang === 'is' ? '1.600 stafir · 11 hlutar · GSM-7' : '1,600 characters · 11 segments · GSM-7');
        await dialog.getByLabel(word('comm.message'), { exact: true }).fill('a');
        assert.equal(await dialog.locator('.count').innerText(), lang === 'is' ? '1 stafur · 1 hluti · GSM-7' : '1 character · 1 segment · GSM-7');
        await dialog.getByLabel(word('comm.toLabel')).fill('12345');
        await dialog.getByRole('button', { name: word('comm.send') }).click();
        // invalid_recipient in the console's words, with the number the API named
        await dialog.locator('#compose-error', { hasText: word('error.invalid_recipient').replace('{to}', '12345') }).waitFor();

        const admin = await tab(ws.admin);
        await admin.goto(`${stack.url}/app/#/settings/sms`);
        await admin.getByRole('button', { name: word('settings.configure') }).click();
        await admin.getByRole('button', { name: word('settings.requestCustom') }).click();
        const form = admin.getByRole('dialog', { name: word('settings.requestTitle') });
        await form.getByLabel(word('settings.areaCode')).fill('41x');
        await form.getByRole('button', { name: word('settings.sendRequest') }).click();
        await form.locator('#req-area + .field-error', { hasText: word('field.areaCode') }).waitFor();
        assert.equal(await form.locator('#request-error').innerText(), word('error.fixFields'));
      });
    });
  }

  describe('the language switch', () => {
    it('when an Icelandic browser switches to English, then the page redraws in English and stays English after a reload', async () => {
      const browser = await launchBrowser({ locale: 'is-IS' });
      try {
        const tracked = await browser.newPage();
        tabs.push(tracked);
        const page = tracked.page;
        await signIn(page, stack.url, ws.admin);
        assert.equal(await page.getByRole('button', { name: 'Skrá út' }).count(), 1);
        await page.goto(`${stack.url}/app/#/settings/sms`);
        await page.getByRole('heading', { name: 'Stillingar → SMS / Textaskilaboð' }).waitFor();
        const languageSwitch = page.getByLabel('Tungumál');
        await languageSwitch.focus();
        await languageSwitch.selectOption('en');
        await page.getByRole('heading', { name: 'Settings → SMS / Text Messages' }).waitFor();
        assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
        // the switch is not redrawn: a keyboard user stays where they were
        assert.equal(await page.evaluate(() => document.activeElement?.id), 'language-select');
        assert.deepEqual(await untranslated(page, 'en'), []);
        await page.reload();
        await page.getByRole('heading', { name: 'Settings → SMS / Text Messages' }).waitFor();
        // and back
        await page.getByLabel('Language').selectOption('is');
        await page.getByRole('heading', { name: 'Stillingar → SMS / Textaskilaboð' }).waitFor();
        assert.equal(await page.getByRole('navigation', { name: 'Aðalvalmynd' }).getByRole('link').first().innerText(), 'Samskipti');
      } finally {
        await browser.close();
      }
    });

    it('when the browser asks for a language the console does not have, then the console is in English', async () => {
      const browser = await launchBrowser({ locale: 'de-DE' });
      try {
        const tracked = await browser.newPage();
        tabs.push(tracked);
        await tracked.page.goto(`${stack.url}/app/`);
        await tracked.page.getByRole('heading', { name: 'Sign in' }).waitFor();
        assert.equal(await tracked.page.evaluate(() => document.documentElement.lang), 'en');
      } finally {
        await browser.close();
      }
    });
  });
});
