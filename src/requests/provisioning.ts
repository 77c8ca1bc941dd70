import { ProviderError, type SmsProvider } from '../provider';
import type { Logger } from '../log';
import { describeSpec, type ProvisionResult, type RequestSpec } from './state';
import type { WebhookUrls } from '../provider/webhookUrls';

/** Provider answers meaning "that number cannot be had": try another. */
const NUMBER_GONE = new Set([21422, 21452]);
const CANDIDATES_PER_SEARCH = 5;

export interface ProvisionInput {
  requestId: string;
  spec: RequestSpec;
  /** Support's choice; when it is gone, another matching number is taken. */
  phoneNumber?: string;
}

/** The numbers the provider offers for a request: support's candidates, and provisioning's fallbacks. */
export function searchCandidates(provider: SmsProvider, spec: RequestSpec, limit: number) {
  if (spec.type === 'alphanumeric') return Promise.resolve([]);
  return provider.searchNumbers({ country: spec.country, type: spec.type, areaCode: spec.areaCode, region: spec.region, limit });
}

/**
 * Buys the request's number, at most once: the purchase carries the request id as its
 * FriendlyName, and every attempt first looks for a number with that name, so a retry after a
 * timeout or a crash finds the earlier purchase instead of buying a second number. A number taken
 * meanwhile is replaced by another one matching the request; none left: 'unavailable'.
 * Other provider failures are thrown (ProviderError).
 */
export async function provisionNumber(provider: SmsProvider, urls: WebhookUrls, input: ProvisionInput, log: Logger): Promise<ProvisionResult> {
  const [earlier] = await provider.findNumbers({ friendlyName: input.requestId });
  if (earlier) return { outcome: 'bought', providerSid: earlier.sid, e164: earlier.phoneNumber, tried: [earlier.phoneNumber] };

  const tried: string[] = [];
  const queue = input.phoneNumber ? [input.phoneNumber] : [];
  let searched = false;
  for (;;) {
    const e164 = queue.shift();
    if (e164 === undefined) {
      if (searched) break;
      searched = true;
      const found = await searchCandidates(provider, input.spec, CANDIDATES_PER_SEARCH);
      queue.push(...found.map((n) => n.phoneNumber).filter((n) => !tried.includes(n)));
      continue;
    }
    tried.push(e164);
    try {
      log.info({ requestId: input.requestId, e164 }, 'buying number');
      const bought = await provider.buyNumber({ phoneNumber: e164, ...urls, friendlyName: input.requestId });
      return { outcome: 'bought', providerSid: bought.sid, e164: bought.phoneNumber, tried };
    } catch (err) {
      if (err instanceof ProviderError && typeof err.code === 'number' && NUMBER_GONE.has(err.code)) continue;
      throw err;
    }
  }
  const wanted = describeSpec(input.spec);
  return {
    outcome: 'unavailable',
    reason: tried.length
      ? `No number could be bought: ${tried.join(', ')} ${tried.length === 1 ? 'was' : 'were'} taken meanwhile and no other number matching ${wanted} is available.`
      : `The provider has no number matching ${wanted}.`,
  };
}
