import type { Config } from '../config';
import { tokenCipherOf, type TokenCipher } from '../secrets/tokenCipher';
import { createProvider } from './index';
import { findAccount } from './store';
import type { SmsProvider } from './port';

export interface ProviderHandle {
  provider: SmsProvider;
  /** The account's auth token: it checks the signatures of that account's webhooks. */
  authToken: string;
}

/** Finds the provider client for an account: the platform's, or a workspace's own (bring-your-own numbers). */
export interface ProviderDirectory {
  platform: ProviderHandle;
  /** Seals and opens workspaces' auth tokens (they are stored encrypted). */
  tokens: TokenCipher;
  /** A client for credentials not stored yet: checking a workspace's account before saving it. */
  connect(accountSid: string, authToken: string): ProviderHandle;
  forAccount(accountSid: string): Promise<ProviderHandle | undefined>;
}

export function createProviderDirectory(config: Config): ProviderDirectory {
  const connect = (accountSid: string, authToken: string): ProviderHandle => ({
    provider: createProvider({ accountSid, authToken, baseUrl: config.SANDBOX_URL, timeoutMs: config.PROVIDER_TIMEOUT_MS }),
    authToken,
  });
  const platform = connect(config.TWILIO_ACCOUNT_SID, config.TWILIO_AUTH_TOKEN);
  const tokens = tokenCipherOf(config);
  const cache = new Map<string, { sealed: string; handle: ProviderHandle }>();
  return {
    platform,
    tokens,
    connect,
    async forAccount(accountSid) {
      if (accountSid === platform.provider.accountSid) return platform;
      const account = await findAccount(accountSid);
      if (!account) return undefined;
      const cached = cache.get(accountSid);
      // A token replaced by its workspace (or resealed under a new key) replaces the cached client.
      if (cached && cached.sealed === account.sealedToken) return cached.handle;
      const handle = connect(accountSid, tokens.open(accountSid, account.sealedToken));
      cache.set(accountSid, { sealed: account.sealedToken, handle });
      return handle;
    },
  };
}
