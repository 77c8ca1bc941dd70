import type { WebhookUrls } from '../provider/webhookUrls';
import { findChannelDoc, findNumber, recordWebhookState } from '../numbers/store';
import { WEBHOOK_STATUSES } from '../vocabulary';
import type { ProviderDirectory } from '../provider/directory';
import type { ProviderNumber } from '../provider/port';
import { ProviderError } from '../provider/errors';

export type WebhookStatus = (typeof WEBHOOK_STATUSES)[number];

export interface WebhookCheck {
  status: WebhookStatus;
  checkedAt: string;
  detail: string;
}

/** What every number of ours must have at the provider (src/provider/webhookUrls.ts). */
type Expected = WebhookUrls;

export interface WebhookCheckDeps {
  providers: ProviderDirectory;
  expected: Expected;
}

/**
 * The fields the provider has wrong, as sentences: "SmsUrl is 'x'". The SmsUrl's `#rc=…` fragment
 * counts: without it the provider never retries a failed delivery.
 */
function differences(found: ProviderNumber, expected: Expected): string[] {
  const out: string[] = [];
  if ((found.smsUrl ?? '') !== expected.smsUrl) out.push(`its SmsUrl is ${JSON.stringify(found.smsUrl || '(empty)')}`);
  if ((found.smsFallbackUrl ?? '') !== expected.smsFallbackUrl) out.push(`its SmsFallbackUrl is ${JSON.stringify(found.smsFallbackUrl || '(empty)')}`);
  if ((found.statusCallback ?? '') !== expected.statusCallback) out.push(`its StatusCallback is ${JSON.stringify(found.statusCallback || '(empty)')}`);
  return out;
}

/**
 * Compares the webhooks the provider has for the workspace's connected number with ours. A number
 * on the platform's account is repaired on the spot; a bring-your-own number is the workspace's to
 * fix, so it is marked `misconfigured` with what to set. The result goes into the channel settings.
 * Undefined: no number is connected. Throws ProviderErrors worth retrying (throttled, transient).
 */
export async function checkWebhooks(deps: WebhookCheckDeps, workspaceId: string, now = new Date()): Promise<WebhookCheck | undefined> {
  const channel = await findChannelDoc(workspaceId);
  if (channel?.status !== 'connected' || !channel.numberId) return undefined;
  const number = await findNumber(channel.numberId);
  // A sender ID receives nothing, so it has no webhook to check (it is not a number at the provider).
  if (!number || number.type === 'alphanumeric') return undefined;
  const result = await diagnose(deps, number, now);
  // Only onto the number it was computed for: a switch meanwhile gets its own check.
  await recordWebhookState(workspaceId, { status: result.status, checkedAt: now, detail: result.detail }, number._id);
  return { ...result, checkedAt: now.toISOString() };
}

async function diagnose(
  deps: WebhookCheckDeps,
  number: { e164: string; accountSid: string },
  now: Date,
): Promise<{ status: WebhookStatus; detail: string }> {
  const { expected } = deps;
  const platformOwned = number.accountSid === deps.providers.platform.provider.accountSid;
  const handle = await deps.providers.forAccount(number.accountSid);
  if (!handle) {
    return { status: 'error', detail: `We have no credentials for the provider account ${number.accountSid} that owns ${number.e164}; register the account's auth token again.` };
  }
  let found: ProviderNumber | undefined;
  try {
    found = (await handle.provider.findNumbers({ phoneNumber: number.e164 })).find((n) => n.phoneNumber === number.e164);
  } catch (err) {
    if (err instanceof ProviderError && err.category === 'permanent') return { status: 'error', detail: `Could not read ${number.e164} at the provider: ${err.sentence}` };
    throw err;
  }
  if (!found) {
    return { status: 'error', detail: `${number.e164} is no longer on the provider account ${number.accountSid}, so no message to it can reach us. Connect another number.` };
  }
  const wrong = differences(found, expected);
  if (wrong.length === 0) return { status: 'ok', detail: `${number.e164} sends messages and delivery reports to us (checked ${now.toISOString()}).` };
  if (platformOwned) {
    await handle.provider.updateNumber(found.sid, { smsUrl: expected.smsUrl, smsFallbackUrl: expected.smsFallbackUrl, statusCallback: expected.statusCallback });
    return { status: 'repaired', detail: `${number.e164} was misconfigured (${wrong.join('; ')}); we set the SmsUrl to ${expected.smsUrl} and the StatusCallback to ${expected.statusCallback}.` };
  }
  return {
    status: 'misconfigured',
    detail:
      `Replies to ${number.e164} cannot reach this inbox: ${wrong.join('; ')}. In your Twilio console, open Phone Numbers → ${number.e164} → Messaging and set ` +
      `"A message comes in" to Webhook ${expected.smsUrl} (HTTP POST)${expected.smsFallbackUrl ? `, "Primary handler fails" to ${expected.smsFallbackUrl}` : ''}, and the status callback URL to ${expected.statusCallback}. Then ask for a check again.`,
  };
}
