import { ProviderAccount } from '../db/models';
import type { TokenCipher } from './tokenCipher';

/**
 * Key rotation, second step: every provider token sealed under an older key is sealed again under
 * the current one (the first of PROVIDER_TOKEN_KEYS). Each write applies only over the value it
 * read, so a token replaced meanwhile is left as its workspace wrote it. Returns how many changed.
 */
export async function resealProviderTokens(tokens: TokenCipher): Promise<number> {
  let changed = 0;
  for await (const account of ProviderAccount.find({}, { sealedToken: 1 }).lean().cursor()) {
    if (!tokens.isStale(account.sealedToken)) continue;
    const sealedToken = tokens.seal(account._id, tokens.open(account._id, account.sealedToken));
    const result = await ProviderAccount.updateOne({ _id: account._id, sealedToken: account.sealedToken }, { $set: { sealedToken } });
    changed += result.modifiedCount;
  }
  return changed;
}
