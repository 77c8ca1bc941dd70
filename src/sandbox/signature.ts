import { createHmac } from 'node:crypto';

/**
 * X-Twilio-Signature: base64(HMAC-SHA1(auth token, url + each POST parameter as key then value,
 * keys sorted)). Repeated keys (MediaUrl is numbered, so none today) would sign each value in order.
 *
 * The URL signed is the one the request is sent to, i.e. without any `#rc=…` fragment: a
 * fragment never reaches the receiving server, so it could not rebuild a URL containing one, and
 * `twilio.validateRequest(token, sig, req's full URL, body)` must pass on our webhook.
 */
export function signTwilioRequest(authToken: string, url: string, params: Record<string, string>): string {
  let data = url;
  for (const key of Object.keys(params).sort()) data += key + params[key];
  return createHmac('sha1', authToken).update(Buffer.from(data, 'utf-8')).digest('base64');
}
