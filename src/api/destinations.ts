import { parsePhoneNumberFromString, type CountryCode, type NumberType } from 'libphonenumber-js/max';
import { AppError } from '../errors';
import { findWorkspace } from '../workspaces/store';
import { numberByE164 } from '../numbers/lookup';

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
 * Destinations a workspace may not text, refused (422 destination_not_allowed) before anything is
 * stored: one of the platform's own numbers (a loop through our own webhook, or into another
 * workspace's inbox), and the number types configured as refused (premium-rate by default: a send
 * there costs the workspace money, a classic toll-fraud target). The number's type needs
 * libphonenumber's full metadata (`/max`); a number it cannot read is left for the send path to refuse.
 */
export async function refuseForbiddenDestination(workspaceId: string, to: string, refusedTypes: readonly NumberType[]): Promise<void> {
  const workspace = await findWorkspace(workspaceId);
  const parsed = parsePhoneNumberFromString(to, (workspace?.defaultCountry ?? 'US').toUpperCase() as CountryCode);
  if (!parsed?.isValid()) return;
  const e164 = parsed.number;
  if (await numberByE164(e164)) {
    throw new AppError('destination_not_allowed', `${e164} is one of the platform's own numbers; texts to it would loop back into an inbox, so they are not sent.`, {
      to: e164,
      reason: 'own_number',
    });
  }
  const type = parsed.getType();
  if (type && refusedTypes.includes(type)) {
    throw new AppError('destination_not_allowed', `${e164} is ${TYPE_NAMES[type] ?? `a ${type} number`}; texts to such numbers are not sent from this platform.`, {
      to: e164,
      reason: type.toLowerCase(),
    });
  }
}
