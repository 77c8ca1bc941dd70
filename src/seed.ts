import type { Config } from './config';
import { webhookUrls, type WebhookUrls } from './provider/webhookUrls';
import type { NumberType } from './vocabulary';
import { insertSharedNumber, setProviderSid, sharedNumbers } from './numbers/store';
import { ensureWorkspace, issueApiKey } from './workspaces/store';
import type { ProviderDirectory } from './provider/directory';
import type { SmsProvider } from './provider/port';

export const DEMO_WORKSPACE_ID = 'ws_demo';
const POOL_NAME = 'sms-channel shared pool';

/** The demo workspace, created on first use with the add-on on (so the quick start's curl works). */
export async function ensureDemoWorkspace(): Promise<string> {
  await ensureWorkspace(DEMO_WORKSPACE_ID, {
    name: 'Demo workspace',
    defaultCountry: 'US',
    addons: { sms: { active: true, changedAt: new Date() } },
    helpText: 'Demo workspace: reply STOP to opt out. Questions? Write to support@example.com.',
    createdAt: new Date(),
  });
  return DEMO_WORKSPACE_ID;
}

/** Fresh keys for each role; earlier keys stay valid. */
export async function issueDemoKeys(workspaceId: string) {
  const [admin, agent, support] = await Promise.all([
    issueApiKey({ role: 'admin', workspaceId, label: 'demo admin', email: 'admin@demo.example' }),
    issueApiKey({ role: 'agent', workspaceId, label: 'demo agent', email: 'agent@demo.example' }),
    issueApiKey({ role: 'support', label: 'demo support', email: 'support@demo.example' }),
  ]);
  return { admin: admin.secret, agent: agent.secret, support: support.secret };
}

/**
 * Makes the shared pool exist at the provider, pointing at our webhooks. On the sandbox carrier
 * (which forgets everything when it stops) numbers are bought, the same ones again on each start;
 * on real Twilio nothing is bought: the pool is the account's numbers listed in SHARED_POOL_NUMBERS.
 */
export async function ensureSharedPool(config: Config, providers: ProviderDirectory, wanted: { local: number; toll_free: number }) {
  const provider = providers.platform.provider;
  const hooks = webhookUrls(config);
  const existing = await sharedNumbers();
  for (const number of existing) {
    const [atProvider] = await provider.findNumbers({ phoneNumber: number.e164 });
    const live = atProvider
      ? await provider.updateNumber(atProvider.sid, hooks)
      : await provider.buyNumber({ phoneNumber: number.e164, friendlyName: POOL_NAME, ...hooks });
    if (live.sid !== number.providerSid) await setProviderSid(number._id, live.sid);
  }
  if (!config.SANDBOX_URL) return registerPoolNumbers(provider, config.SHARED_POOL_NUMBERS, existing.map((n) => n.e164), hooks);
  for (const type of ['local', 'toll_free'] as const) {
    const missing = wanted[type] - existing.filter((n) => n.type === type).length;
    if (missing > 0) await buyPoolNumbers(provider, type, missing, hooks);
  }
}

async function buyPoolNumbers(provider: SmsProvider, type: 'local' | 'toll_free', count: number, hooks: WebhookUrls) {
  const offered = await provider.searchNumbers({ country: 'US', type, ...(type === 'local' ? { areaCode: '415' } : {}), limit: count });
  for (const candidate of offered.slice(0, count)) {
    const bought = await provider.buyNumber({ phoneNumber: candidate.phoneNumber, friendlyName: POOL_NAME, ...hooks });
    await insertSharedNumber({ e164: bought.phoneNumber, type, country: 'US', accountSid: bought.accountSid, providerSid: bought.sid, friendlyName: POOL_NAME });
  }
}

/** Real Twilio: adopts the listed numbers the platform account already owns (never buys). */
async function registerPoolNumbers(provider: SmsProvider, listed: string[], known: string[], hooks: WebhookUrls) {
  for (const e164 of listed.filter((n) => !known.includes(n))) {
    const [owned] = await provider.findNumbers({ phoneNumber: e164 });
    if (!owned) throw new Error(`SHARED_POOL_NUMBERS lists ${e164}, which the platform's Twilio account does not own`);
    await provider.updateNumber(owned.sid, hooks);
    const type: NumberType = /^\+1(800|833|844|855|866|877|888)/.test(e164) ? 'toll_free' : 'local';
    await insertSharedNumber({ e164, type, country: 'US', accountSid: owned.accountSid, providerSid: owned.sid, friendlyName: POOL_NAME });
  }
}
