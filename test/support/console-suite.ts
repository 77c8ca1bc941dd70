import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { launchBrowser, requireChromium, signIn, type TestBrowser, type TrackedPage } from './browser';
import { call, createSharedNumbers, PLATFORM_ACCOUNT, startStack, type Stack } from './stack';

/*
 * What the web console's test files share: each file's own whole stack (API, worker, Temporal,
 * MongoDB, the sandbox carrier and SMTP) and its own headless Chromium, started by consoleSuite()
 * in the file's describe, and the check, after every test, that no tab met an error.
 */

/** The carrier ends messages to this (valid) number undelivered with 30003. */
export const UNREACHABLE = '+12025550103';

/** `text`, and only it, give or take white space around it. */
export const exact = (text: string) => new RegExp(`^\\s*${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);

/** Shared numbers that exist at the carrier too, their texts forwarded to the stack's inbound webhook. */
export async function carrierNumbers(stack: Stack, count: number): Promise<{ id: string; e164: string }[]> {
  const numbers = await createSharedNumbers(count);
  for (const n of numbers) {
    const res = await call(stack.sandbox.url, 'POST', '/sandbox/numbers', {
      body: { accountSid: PLATFORM_ACCOUNT.accountSid, phoneNumber: n.e164, type: 'local', smsUrl: `${stack.url}/webhooks/twilio/sms` },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
  }
  return numbers;
}

/**
 * The tabs a suite's tests open (push each one): after each test, every one of them must have run
 * without an uncaught error, a console error or a CSP violation.
 */
export function trackTabs(): TrackedPage[] {
  const tabs: TrackedPage[] = [];
  afterEach(() => {
    const errors = tabs.flatMap((t) => t.errors);
    tabs.length = 0;
    assert.deepEqual(errors, []);
  });
  return tabs;
}

export interface ConsoleSuite {
  readonly stack: Stack;
  readonly browser: TestBrowser;
  readonly tabs: TrackedPage[];
  /** A new tab, tracked, signed in with `key`. */
  tab(key: string): Promise<Page>;
  /** Shared numbers that exist at the carrier too, their texts forwarded to our inbound webhook. */
  carrierNumbers(count: number): Promise<{ id: string; e164: string }[]>;
}

/**
 * Call in a describe: its hooks start the stack (messages to UNREACHABLE fail at the carrier, a
 * released number cools down for 10 minutes) and Chromium before the tests and stop both after.
 */
export function consoleSuite(): ConsoleSuite {
  let stack: Stack | undefined;
  let browser: TestBrowser | undefined;
  const tabs = trackTabs();

  before(async function () {
    requireChromium(this);
    stack = await startStack({
      env: { NUMBER_COOLDOWN_SECONDS: '600' },
      sandbox: { deliveryFailures: { [UNREACHABLE]: 30003 } },
    });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  const suite: ConsoleSuite = {
    get stack() {
      assert.ok(stack, 'the stack is started in the suite\'s before hook');
      return stack;
    },
    get browser() {
      assert.ok(browser, 'the browser is launched in the suite\'s before hook');
      return browser;
    },
    tabs,
    async tab(key) {
      const tracked = await suite.browser.newPage();
      tabs.push(tracked);
      await signIn(tracked.page, suite.stack.url, key);
      return tracked.page;
    },
    carrierNumbers: (count) => carrierNumbers(suite.stack, count),
  };
  return suite;
}
