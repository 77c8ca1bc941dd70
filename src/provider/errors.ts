/** Provider failures in our terms: what to do next (category) and what to tell a person (sentence). */

export type ErrorCategory = 'throttled' | 'transient' | 'ambiguous' | 'permanent';

export class ProviderError extends Error {
  override readonly name = 'ProviderError';
  readonly category: ErrorCategory;
  /** Twilio's error number, or `timeout` / `network` when no answer came. */
  readonly code: number | 'timeout' | 'network';
  readonly httpStatus?: number;
  /** From Retry-After, when throttled and the provider said how long. */
  readonly retryAfterMs?: number;
  /** For a person: what happened and what, if anything, they can do. */
  readonly sentence: string;

  constructor(f: { category: ErrorCategory; code: number | 'timeout' | 'network'; httpStatus?: number; retryAfterMs?: number; sentence: string; detail?: string }) {
    super(`${f.category} ${f.code}${f.httpStatus ? ` (HTTP ${f.httpStatus})` : ''}: ${f.detail ?? f.sentence}`);
    this.category = f.category;
    this.code = f.code;
    if (f.httpStatus !== undefined) this.httpStatus = f.httpStatus;
    if (f.retryAfterMs !== undefined) this.retryAfterMs = f.retryAfterMs;
    this.sentence = f.sentence;
  }
}

/** Every code we explain: request-time codes (2xxxx) and delivery codes (3xxxx, from status callbacks). */
const SENTENCES: Record<number, string> = {
  20003: 'The SMS provider rejected our credentials; the account SID or auth token is wrong.',
  20404: 'The SMS provider has no such message or number.',
  20429: 'The SMS provider is receiving too many requests; the message will be retried shortly.',
  20500: 'The SMS provider had an internal error; the request will be retried.',
  20503: 'The SMS provider is temporarily unavailable; the request will be retried.',
  21211: "The recipient's number is not a valid phone number.",
  21408: 'Sending to this country or region is not enabled on the provider account.',
  21421: 'The phone number to buy is missing or invalid.',
  21422: 'That phone number is no longer available to buy; choose another.',
  21452: 'No phone numbers are available in that area code; try another area code or region.',
  21602: 'The message has neither text nor media.',
  21603: 'The message has no sending number.',
  21604: 'The message has no recipient number.',
  21606: 'The sending number cannot send text messages from this account.',
  21610: 'The recipient replied STOP; they must text START before you can message them again.',
  21612: 'The sender cannot send to this country (carriers there refuse alphanumeric sender IDs); send from a number instead.',
  21614: "The recipient's number is a landline or otherwise cannot receive text messages.",
  21617: 'The message is longer than 1,600 characters; shorten it.',
  30001: "The sending number's queue was full (too many messages waiting); the message was dropped.",
  30003: "The recipient's phone is unreachable: switched off or out of coverage.",
  30004: 'The recipient has blocked messages, or their carrier blocks them.',
  30005: "The recipient's number is unknown to their carrier; it may no longer exist.",
  30006: "The recipient's number is a landline or cannot receive text messages.",
  30007: "The recipient's carrier filtered the message as unwanted (spam filtering).",
  30008: 'The message could not be delivered, for a reason the carrier did not give.',
  30022: "The sending number went over its carrier's throughput limit for 10DLC.",
  30034: 'The sending number is not registered for 10DLC (A2P) messaging, so carriers refuse it.',
  30036: "The message expired: it waited in the sender's queue longer than its validity period.",
};

export function describeDeliveryError(code: number | string): string {
  const n = typeof code === 'number' ? code : Number.parseInt(code, 10);
  return SENTENCES[n] ?? `The message was not delivered (provider error ${code}).`;
}

/** Retry-After in seconds or as an HTTP date, to milliseconds. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const secs = Number(value);
  if (Number.isFinite(secs) && secs >= 0) return secs * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** A provider answer with an error status. */
export function errorFromResponse(r: { httpStatus: number; code?: number; message?: string; retryAfter?: string }): ProviderError {
  const code = r.code ?? r.httpStatus;
  const base = { code, httpStatus: r.httpStatus, detail: r.message };
  if (r.httpStatus === 429 || code === 20429) {
    return new ProviderError({ ...base, category: 'throttled', retryAfterMs: parseRetryAfter(r.retryAfter), sentence: SENTENCES[20429] });
  }
  if (r.httpStatus >= 500) {
    return new ProviderError({ ...base, category: 'transient', sentence: SENTENCES[code] ?? SENTENCES[20500] });
  }
  return new ProviderError({
    ...base,
    category: 'permanent',
    sentence: SENTENCES[code] ?? `The SMS provider refused the request (error ${code}${r.message ? `: ${r.message}` : ''}).`,
  });
}

const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ERR_INVALID_URL']);
const TIMEOUTS = new Set(['ECONNABORTED', 'ETIMEDOUT', 'ERR_CANCELED']);

/**
 * No answer. If the request may have reached the provider and repeating it is not harmless
 * (a create), we cannot know whether it took effect: ambiguous. Otherwise retrying is safe.
 */
export function errorFromTransport(t: { errorCode?: string; message: string; requestSent: boolean; idempotent: boolean }): ProviderError {
  const timeout = TIMEOUTS.has(t.errorCode ?? '') || /timeout/i.test(t.message);
  const code = timeout ? 'timeout' : 'network';
  const sent = t.requestSent && !NEVER_SENT.has(t.errorCode ?? '');
  if (sent && !t.idempotent) {
    return new ProviderError({
      category: 'ambiguous',
      code,
      detail: t.message,
      sentence: 'The SMS provider did not answer after receiving the request; it may or may not have accepted it, so it must be looked up before trying again.',
    });
  }
  return new ProviderError({ category: 'transient', code, detail: t.message, sentence: 'The SMS provider could not be reached; the request will be retried.' });
}
