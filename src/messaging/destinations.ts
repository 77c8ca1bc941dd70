import type { NumberType } from 'libphonenumber-js/max';
import { AppError } from '../errors';
import { numberByE164 } from '../numbers/lookup';
import { remembered } from '../db/remembered';
import type { Recipient } from './recipient';

const TYPE_NAMES: Partial<Record<NonNullable<NumberType>, string>> = {
  PREMIUM_RATE: 'a premium-rate number',
  SHARED_COST: 'a shared-cost number',
  TOLL_FREE: 'a toll-free number',
  VOIP: 'a VoIP number',
  PERSONAL_NUMBER: 'a personal (forwarding) number',
  PAGER: 'a pager',
  UAN: 'a universal access number',
  VOICEMAIL: 'a voicemail access number',
};

/**
 * Whether the platform has this number, remembered for 10 s either way: most recipients are not
 * ours, and on FerretDB each lookup by `e164` is a scan. Numbers are bought and released rarely; one
 * bought seconds ago can be texted until then, and the text arrives as any customer's would.
 */
const ownNumber = remembered(async (e164) => ((await numberByE164(e164)) ? 'ours' : 'not ours'), { forMs: 10_000 });

/**
 * Destinations a workspace may not text, refused (422 destination_not_allowed) before anything is
 * stored: one of the platform's own numbers (a loop through our own webhook, or into another
 * workspace's inbox), and the number types configured as refused (premium-rate by default: a send
 * there costs the workspace money, a classic toll-fraud target). The recipient is a valid number as
 * the accept normalised it, its type read with libphonenumber's full metadata.
 */
export async function refuseForbiddenDestination({ e164, type }: Recipient, refusedTypes: readonly NumberType[]): Promise<void> {
  if ((await ownNumber(e164)) === 'ours') {
    throw new AppError('destination_not_allowed', `${e164} is one of the platform's own numbers; texts to it would loop back into an inbox, so they are not sent.`, {
      to: e164,
      reason: 'own_number',
    });
  }
  if (type && refusedTypes.includes(type)) {
    throw new AppError('destination_not_allowed', `${e164} is ${TYPE_NAMES[type] ?? `a ${type} number`}; texts to such numbers are not sent from this platform.`, {
      to: e164,
      reason: type.toLowerCase(),
    });
  }
}
