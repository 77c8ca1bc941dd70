/**
 * `npm run reseal-provider-tokens`: after a new key was put first in PROVIDER_TOKEN_KEYS (the old
 * one still listed), seals every workspace's provider token under it. Then the old key can go.
 * Reads MONGODB_URI, NODE_ENV and PROVIDER_TOKEN_KEYS; prints how many tokens were resealed.
 */
import { connectDatabase, disconnectDatabase } from '../db/connect';
import { resealProviderTokens } from './reseal';
import { tokenCipherOf } from './tokenCipher';

async function main() {
  const uri = process.env.MONGODB_URI;
  if (!uri) {
    console.error('npm run reseal-provider-tokens: set MONGODB_URI to the platform\'s database.');
    process.exit(2);
  }
  const tokens = tokenCipherOf({ NODE_ENV: process.env.NODE_ENV ?? 'development', PROVIDER_TOKEN_KEYS: process.env.PROVIDER_TOKEN_KEYS });
  await connectDatabase(uri);
  const changed = await resealProviderTokens(tokens);
  await disconnectDatabase();
  console.log(`${changed} provider token(s) resealed under the current key.`);
}

main().catch((err) => {
  console.error('npm run reseal-provider-tokens failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});
