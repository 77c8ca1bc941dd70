/**
 * How long each console page takes to load in headless Chromium (the document, its modules, the key
 * check and the page's own API calls), on the test stack (test/support/stack.ts):
 *   npx tsx scripts/bench-console.ts [--loads 5]
 * The figure test/console-communication-and-pages.test.ts used to bound (< 2 s, "well under a
 * second" idle); a bound on a shared machine belongs here. Needs Chromium (scripts/ensure-chromium.sh).
 */
import { call, createSharedNumbers, createTestWorkspace, PLATFORM_ACCOUNT, startStack, supportKey } from '../test/support/stack';
import { launchBrowser, signIn } from '../test/support/browser';
import { stopServers } from '../test/support/global-servers';
import { arg, percentile, runBench } from './bench-stack';

async function main() {
  const loads = Number(arg('loads', '5'));
  const stack = await startStack();
  const browser = await launchBrowser();
  try {
    const ws = await createTestWorkspace({ name: 'Bakery' });
    const [number] = await createSharedNumbers(1);
    await call(stack.sandbox.url, 'POST', '/sandbox/numbers', {
      body: { accountSid: PLATFORM_ACCOUNT.accountSid, phoneNumber: number.e164, type: 'local', smsUrl: `${stack.url}/webhooks/twilio/sms` },
    });
    await call(stack.url, 'PUT', `/v1/workspaces/${ws.id}/sms`, { key: ws.admin, body: { numberId: number.id } });
    await call(stack.sandbox.url, 'POST', '/sandbox/inbound', { body: { from: '+14155550142', to: number.e164, body: 'Is my cake ready?' } });
    const support = await supportKey();
    const pages = [
      { name: 'settings-sms', key: ws.admin, hash: 'settings/sms', ready: '#sms-status' },
      { name: 'billing', key: ws.admin, hash: 'billing', ready: '#addon-status' },
      { name: 'settings-own-senders', key: ws.admin, hash: 'settings/sms/own', ready: '#sender-form' },
      { name: 'communication', key: ws.agent, hash: 'communication', ready: '#sent-messages' },
      { name: 'chat', key: ws.agent, hash: 'chat', ready: '#threads' },
      { name: 'support', key: support, hash: 'support', ready: '#queue' },
    ];
    const figures: Record<string, { p50: number; max: number }> = {};
    for (const p of pages) {
      const { page } = await browser.newPage();
      await signIn(page, stack.url, p.key);
      await page.goto(`${stack.url}/app/#/${p.hash}`);
      await page.locator(p.ready).waitFor();
      const ms: number[] = [];
      for (let i = 0; i < loads; i++) {
        const started = performance.now();
        await page.reload();
        await page.locator(p.ready).waitFor();
        ms.push(performance.now() - started);
      }
      ms.sort((a, b) => a - b);
      figures[p.name] = { p50: Math.round(percentile(ms, 50)), max: Math.round(ms.at(-1)!) };
      await page.close();
    }
    console.log(JSON.stringify({ loads, fullPageLoadMs: figures }));
  } finally {
    await browser.close();
    await stack.stop();
    await stopServers();
  }
}

runBench(main);
