import { parsePhoneNumberFromString, type CountryCode, type NumberType } from 'libphonenumber-js/max';
import { AppError } from '../errors';

/** The recipient as the accept normalised it, with the type the destination check judges. */
export interface Recipient {
  e164: string;
  type: NumberType;
}

/**
 * The recipient as E.164. Agents type national numbers ("(415) 555-0123"), read with the
 * workspace's default country. A number that cannot exist is refused here (422
 * invalid_recipient) rather than spending a provider call and a pace slot on it. Parsed once, with
 * libphonenumber's full metadata (`/max`): its validity is checked against the number plan's exact
 * patterns, not the lengths alone, and its type serves the destination check (destinations.ts).
 */
export function normaliseRecipient(input: string, defaultCountry: string): Recipient {
  const parsed = parsePhoneNumberFromString(input, defaultCountry.toUpperCase() as CountryCode);
  if (!parsed?.isValid()) {
    throw new AppError('invalid_recipient', `${input} is not a valid phone number${input.startsWith('+') ? '' : ` in ${defaultCountry}`}; write it in international form, e.g. +14155550123.`, {
      to: input,
    });
  }
  return { e164: parsed.number, type: parsed.getType() };
}
