import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Provider auth tokens at rest: AES-256-GCM under a key from configuration
 * (PROVIDER_TOKEN_KEYS = "id:base64key[,id:base64key…]", the first one seals, all of them open).
 * A sealed token is `v1.<key id>.<iv>.<tag>.<ciphertext>` (base64url); the account SID is the
 * additional authenticated data, so a sealed token copied onto another account does not open.
 * Rotation: put a new key first, run `npm run reseal-provider-tokens`, then drop the old key.
 */

export interface TokenKey {
  id: string;
  key: Buffer;
}

export interface TokenCipher {
  seal(accountSid: string, token: string): string;
  open(accountSid: string, sealed: string): string;
  /** True when `sealed` is under a key other than the current one (it needs resealing). */
  isStale(sealed: string): boolean;
}

const VERSION = 'v1';

/** Parses PROVIDER_TOKEN_KEYS; throws a message naming what is wrong (never the key itself). */
export function parseTokenKeys(value: string): TokenKey[] {
  const keys = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const colon = entry.indexOf(':');
      const id = entry.slice(0, colon);
      if (colon < 1 || !/^[A-Za-z0-9_-]{1,32}$/.test(id)) throw new Error('each key is "id:base64key" with an id of letters, digits, _ or -');
      const key = Buffer.from(entry.slice(colon + 1), 'base64');
      if (key.length !== 32) throw new Error(`key "${id}" must be 32 bytes in base64 (openssl rand -base64 32)`);
      return { id, key };
    });
  if (keys.length === 0) throw new Error('at least one key is needed');
  if (new Set(keys.map((k) => k.id)).size !== keys.length) throw new Error('key ids must differ');
  return keys;
}

export function createTokenCipher(keys: TokenKey[]): TokenCipher {
  const [current] = keys;
  const byId = new Map(keys.map((k) => [k.id, k.key]));
  return {
    seal(accountSid, token) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', current.key, iv);
      cipher.setAAD(Buffer.from(accountSid, 'utf8'));
      const ciphertext = Buffer.concat([cipher.update(token, 'utf8'), cipher.final()]);
      return [VERSION, current.id, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ciphertext.toString('base64url')].join('.');
    },
    open(accountSid, sealed) {
      const [version, id, iv, tag, ciphertext] = sealed.split('.');
      const key = byId.get(id);
      if (version !== VERSION || !key || ciphertext === undefined) {
        throw new Error(`the provider token of ${accountSid} is sealed under key "${id}", which is not in PROVIDER_TOKEN_KEYS`);
      }
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(accountSid, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
    },
    isStale(sealed) {
      return sealed.split('.')[1] !== current.id;
    },
  };
}

/** Development and tests only: a fixed key, so that `npm start` needs no setup. Never in production. */
const DEVELOPMENT_KEYS = 'dev:c21zLWNoYW5uZWwgZGV2ZWxvcG1lbnQga2V5ISEhISE=';

/** The cipher of the configuration; production without PROVIDER_TOKEN_KEYS is refused at boot. */
export function tokenCipherOf(config: { NODE_ENV: string; PROVIDER_TOKEN_KEYS?: string }): TokenCipher {
  if (!config.PROVIDER_TOKEN_KEYS && config.NODE_ENV === 'production') {
    throw new Error('PROVIDER_TOKEN_KEYS is required in production: it encrypts workspaces\' provider auth tokens (README → Configuration)');
  }
  return createTokenCipher(parseTokenKeys(config.PROVIDER_TOKEN_KEYS ?? DEVELOPMENT_KEYS));
}
