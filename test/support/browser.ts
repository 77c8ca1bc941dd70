import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { CONSOLE_DIR } from '../../src/console/router';

/** Debian's Chromium (scripts/ensure-chromium.sh installs it); Playwright's own download is never used. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const chromiumAvailable = () => existsSync(CHROMIUM_PATH);

/** Where the browser tests write the console's screenshots (the docs show them). */
export const SCREENSHOTS = path.join(__dirname, '..', '..', 'docs', 'screenshots');

/** CI=true (or any value but false/0), as CI services set it. */
export const underCi = () => !!process.env.CI && !['false', '0'].includes(process.env.CI.toLowerCase());

/**
 * For a browser suite's `before`: with no Chromium, on CI the suite fails (a green run must have
 * driven the console); elsewhere it is skipped with a warning that says how to get Chromium.
 */
export function requireChromium(ctx: Mocha.Context): void {
  if (chromiumAvailable()) return;
  const missing = `no Chromium at ${CHROMIUM_PATH} (scripts/ensure-chromium.sh installs it; CHROMIUM_PATH points elsewhere)`;
  if (underCi()) throw new Error(`${missing}: under CI the browser tests must run, not be skipped`);
  console.warn(`      warning: browser tests skipped: ${missing}`);
  ctx.skip();
}

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface TestBrowser {
  context: BrowserContext;
  /** A new tab: its own sessionStorage, so each tab signs in with its own key. */
  newPage(): Promise<TrackedPage>;
  close(): Promise<void>;
}

export interface TrackedPage {
  page: Page;
  /** Uncaught exceptions, console errors and CSP violations seen in the tab so far. */
  errors: string[];
}

/**
 * Headless Chromium with a fresh profile in a temp folder, removed on close. `locale` is what the
 * browser asks for (navigator.languages, Accept-Language): the console picks its language from it.
 */
export async function launchBrowser(options: { locale?: string } = {}): Promise<TestBrowser> {
  const profile = mkdtempSync(path.join(tmpdir(), 'console-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: FLAGS,
    viewport: { width: 1280, height: 800 },
    locale: options.locale ?? 'en-US',
    timezoneId: 'UTC',
  });
  context.setDefaultTimeout(15_000);
  return {
    context,
    async newPage() {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
      page.on('console', (msg) => {
        // The browser logs every 4xx the API answers on purpose (402, 409...); those are asserted where expected.
        if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) errors.push(`console: ${msg.text()}`);
      });
      return { page, errors };
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Signs in through the form, as a person does, and waits for the navigation of the key's role.
 * Finds the form's parts by id, so that it works in every language of the console.
 */
export async function signIn(page: Page, baseUrl: string, key: string): Promise<void> {
  await page.goto(`${baseUrl}/app/`);
  await page.locator('#api-key').fill(key);
  await page.locator('form.signin button[type=submit]').click();
  await page.locator('#who-role').waitFor();
}

/** A text, or a plural ({ one, other }) chosen by its count. */
export type ConsoleEntry = string | Record<string, string>;
export const CONSOLE_LANGUAGES = ['is', 'en'] as const;
export type ConsoleLanguage = (typeof CONSOLE_LANGUAGES)[number];

/** The console's catalogue files (src/console/public/i18n/*.json) by name: key → language → entry. */
export function consoleCatalogueFiles(): Record<string, Record<string, Record<string, ConsoleEntry>>> {
  const dir = path.join(CONSOLE_DIR, 'i18n');
  return Object.fromEntries(readdirSync(dir).map((name) => [name, JSON.parse(readFileSync(path.join(dir, name), 'utf8'))]));
}

/** The console's words in one language, key → entry, as js/i18n.js puts them together. */
export function consoleWords(lang: ConsoleLanguage): Record<string, ConsoleEntry> {
  const entries = Object.values(consoleCatalogueFiles()).flatMap((file) => Object.entries(file));
  return Object.fromEntries(entries.map(([key, entry]) => [key, entry[lang]]));
}

/**
 * A new tab, tracked in `tabs` for the suite's check of its errors, signed in through the form
 * found by its labels in the words given: as a person reading that language signs in.
 */
export async function signInWithWords(browser: TestBrowser, tabs: TrackedPage[], baseUrl: string, key: string, word: (key: string) => string): Promise<Page> {
  const tracked = await browser.newPage();
  tabs.push(tracked);
  await tracked.page.goto(`${baseUrl}/app/`);
  await tracked.page.getByLabel(word('signin.key')).fill(key);
  await tracked.page.getByRole('button', { name: word('signin.submit') }).click();
  await tracked.page.getByRole('button', { name: word('app.signOut') }).waitFor();
  return tracked.page;
}

/** A page of the console to open, wait for (`ready`), make ready for its screenshot and take it. */
export interface ConsolePage {
  name: string;
  key: string;
  hash: string;
  ready: string;
  prepare?: (page: Page) => Promise<void>;
}

/**
 * Every page of the console, each opened with the key of a role that may use it: Communication
 * with the New message dialog open on `draft`; chat and support at the thread or request given.
 */
export function everyConsolePage(p: {
  admin: string;
  agent: string;
  support: string;
  ownSendersReady: string;
  draft: { to: string; body: string };
  chat: Pick<ConsolePage, 'hash' | 'ready'>;
  supportPage: Pick<ConsolePage, 'hash' | 'ready' | 'prepare'>;
}): ConsolePage[] {
  return [
    { name: 'settings-sms', key: p.admin, hash: 'settings/sms', ready: '#sms-status' },
    { name: 'billing', key: p.admin, hash: 'billing', ready: '#addon-status' },
    { name: 'settings-own-senders', key: p.admin, hash: 'settings/sms/own', ready: p.ownSendersReady },
    {
      name: 'communication',
      key: p.agent,
      hash: 'communication',
      ready: '#sent-messages',
      prepare: async (page) => {
        await page.locator('#new-message').click();
        await page.locator('#compose-to').fill(p.draft.to);
        await page.locator('#compose-body').fill(p.draft.body);
      },
    },
    { name: 'chat', key: p.agent, ...p.chat },
    { name: 'support', key: p.support, ...p.supportPage },
  ];
}
