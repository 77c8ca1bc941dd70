import { randomBytes } from 'node:crypto';

// Random bytes drawn in blocks: one system call per 1,024 ids instead of one each.
const BLOCK = 16 * 1024;
let pool = randomBytes(BLOCK);
let offset = 0;

/** Twilio-style ids: a two-letter prefix and 32 hex digits (SM… messages, PN… numbers). */
export function newSid(prefix: 'SM' | 'PN' | 'AC' | 'MG' | 'AI'): string {
  if (offset === BLOCK) {
    pool = randomBytes(BLOCK);
    offset = 0;
  }
  offset += 16;
  return prefix + pool.toString('hex', offset - 16, offset);
}

/** Twilio's dates: RFC 2822 with a numeric zone, e.g. "Mon, 16 Aug 2010 03:45:01 +0000". */
export function rfc2822(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toUTCString().replace('GMT', '+0000');
}

export function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}
