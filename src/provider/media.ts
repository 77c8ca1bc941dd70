import { errorFromResponse, errorFromTransport, ProviderError } from './errors';
import type { ProviderCredentials, ProviderMedia } from './port';

/** Where Twilio keeps a message's media: only these are fetched with an account's credentials. */
const MEDIA_URL = /^https:\/\/api\.twilio\.com\/2010-04-01\/Accounts\/(AC[0-9a-zA-Z]{32})\/Messages\/[A-Z]{2}[0-9a-fA-F]{32}\/Media\/ME[0-9a-fA-F]{32}$/;
const DEFAULT_TIMEOUT_MS = 15_000;

const refused = (detail: string) =>
  new ProviderError({ category: 'permanent', code: 20404, detail, sentence: 'This media is not one of the provider account’s messages.' });

/**
 * A received message's media, fetched with the account's credentials (Twilio can require HTTP
 * basic auth on media URLs). The credentials go only to the account's own media path at the
 * provider (never to a URL someone else chose); a redirect (Twilio answers with one to its
 * storage) is followed without them.
 */
export async function fetchMedia(credentials: ProviderCredentials, url: string): Promise<ProviderMedia> {
  const match = MEDIA_URL.exec(url);
  if (!match || match[1] !== credentials.accountSid) throw refused(`not a media URL of account ${credentials.accountSid}`);
  const target = new URL(url);
  if (credentials.baseUrl) {
    const base = new URL(credentials.baseUrl);
    target.protocol = base.protocol;
    target.host = base.host;
  }
  const timeout = AbortSignal.timeout(credentials.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const authorization = `Basic ${Buffer.from(`${credentials.accountSid}:${credentials.authToken}`).toString('base64')}`;
  let res = await get(target, { authorization }, timeout);
  if (res.status >= 300 && res.status < 400 && res.headers.get('location')) {
    await res.body?.cancel();
    res = await get(new URL(res.headers.get('location')!, target), {}, timeout);
  }
  if (!res.ok || !res.body) {
    const body = (await res.json().catch(() => undefined)) as { code?: number; message?: string } | undefined;
    throw errorFromResponse({ httpStatus: res.status, code: body?.code, message: body?.message });
  }
  const length = Number(res.headers.get('content-length'));
  return {
    contentType: res.headers.get('content-type') ?? 'application/octet-stream',
    ...(Number.isFinite(length) && length > 0 && { contentLength: length }),
    body: res.body,
  };
}

async function get(url: URL, headers: Record<string, string>, signal: AbortSignal): Promise<Response> {
  try {
    return await fetch(url, { headers, redirect: 'manual', signal });
  } catch (err) {
    const e = err as { name?: string; message?: string; cause?: { code?: string } };
    throw errorFromTransport({ errorCode: e.name === 'TimeoutError' ? 'ETIMEDOUT' : e.cause?.code, message: e.message ?? String(err), requestSent: true, idempotent: true });
  }
}
