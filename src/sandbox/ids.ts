import { randomBytes } from 'node:crypto';

/** Twilio-style ids: a two-letter prefix and 32 hex digits (SM… messages, PN… numbers). */
export function newSid(prefix: 'SM' | 'PN' | 'AC'): string {
  return prefix + randomBytes(16).toString('hex');
}

/** Twilio's dates: RFC 2822 with a numeric zone, e.g. "Mon, 16 Aug 2010 03:45:01 +0000". */
export function rfc2822(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toUTCString().replace('GMT', '+0000');
}

export function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}
