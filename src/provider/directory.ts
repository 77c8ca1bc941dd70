import type { Config } from '../config';
import { ProviderAccount } from '../db/models';
import { createProvider } from './index';
import type { SmsProvider } from './port';

export interface ProviderHandle {
  provider: SmsProvider;
  /** The account's auth token: it checks the signatures of that account's webhooks. */
  authToken: string;
}

/** Finds the provider client for an account: the platform's, or a workspace's own (bring-your-own numbers). */
export interface ProviderDirectory {
  platform: ProviderHandle;
  forAccount(accountSid: string): Promise<ProviderHandle | undefined>;
}

export function createProviderDirectory(config: Config): ProviderDirectory {
  const connect = (accountSid: string, authToken: string): ProviderHandle => ({
    provider: createProvider({ accountSid, authToken, baseUrl: config.SANDBOX_URL, timeoutMs: config.PROVIDER_TIMEOUT_MS }),
    authToken,
  });
  const platform = connect(config.TWILIO_ACCOUNT_SID, config.TWILIO_AUTH_TOKEN);
  const cache = new Map<string, ProviderHandle>();
  return {
    platform,
    async forAccount(accountSid) {
      if (accountSid === platform.provider.accountSid) return platform;
      const account = await ProviderAccount.findById(accountSid).lean();
      if (!account) return undefined;
      const cached = cache.get(accountSid);
      // A rotated token replaces the cached client.
      if (cached && cached.authToken === account.authToken) return cached;
      const handle = connect(accountSid, account.authToken);
      cache.set(accountSid, handle);
      return handle;
    },
  };
}
