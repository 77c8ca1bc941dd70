import type { Request } from 'express';
import { AppError } from '../errors';
import { numberByE164 } from '../numbers/lookup';
import type { ProviderDirectory } from '../provider/directory';

/**
 * The URL the provider signed: the public URL it called (PUBLIC_URL behind a proxy), with the
 * path and query exactly as received.
 */
export function signedUrl(req: Request, publicBaseUrl: string): string {
  return publicBaseUrl.replace(/\/$/, '') + req.originalUrl;
}

/**
 * Checks X-Twilio-Signature with the token of the account that owns `ourNumber` (the platform's,
 * or the workspace's own for a bring-your-own number). Throws before anything is stored.
 */
export async function verifyProviderSignature(
  req: Request,
  ourNumber: string | undefined,
  deps: { providers: ProviderDirectory; publicUrl: string },
): Promise<{ accountSid: string }> {
  const signature = req.get('x-twilio-signature');
  if (!signature) throw new AppError('unauthenticated', 'Provider webhooks must carry an X-Twilio-Signature header.');
  const number = ourNumber ? await numberByE164(ourNumber) : undefined;
  const accountSid = number?.accountSid ?? deps.providers.platform.provider.accountSid;
  const handle = await deps.providers.forAccount(accountSid);
  const params = Object.fromEntries(Object.entries(req.body ?? {}).map(([k, v]) => [k, String(v)]));
  const valid =
    handle !== undefined &&
    handle.provider.validateSignature({ authToken: handle.authToken, signature, url: signedUrl(req, deps.publicUrl), params });
  if (!valid) throw new AppError('forbidden', 'The X-Twilio-Signature does not match this request.');
  return { accountSid };
}
