import { allSealedTokens, resealToken } from '../provider/store';
import type { TokenCipher } from './tokenCipher';

/**
 * Key rotation, second step: every provider token sealed under an older key is sealed again under
 * the current one (the first of PROVIDER_TOKEN_KEYS). Each write applies only over the value it
 * read, so a token replaced meanwhile is left as its workspace wrote it. Returns how many changed.
 */
export async function resealProviderTokens(tokens: TokenCipher): Promise<number> {
  let changed = 0;
  for await (const account of allSealedTokens()) {
    if (!tokens.isStale(account.sealedToken)) continue;
    const sealedToken = tokens.seal(account._id, tokens.open(account._id, account.sealedToken));
    if (await resealToken(account._id, account.sealedToken, sealedToken)) changed += 1;
  }
  return changed;
}
