import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { AppError } from '../errors';

/**
 * The recipient as E.164. Agents type national numbers ("(415) 555-0123"), read with the
 * workspace's default country. A number that cannot exist is refused here (422
 * invalid_recipient) rather than spending a provider call and a pace slot on it.
 */
export function normaliseRecipient(input: string, defaultCountry: string): string {
  const parsed = parsePhoneNumberFromString(input, defaultCountry.toUpperCase() as CountryCode);
  if (!parsed?.isValid()) {
    throw new AppError('invalid_recipient', `${input} is not a valid phone number${input.startsWith('+') ? '' : ` in ${defaultCountry}`}; write it in international form, e.g. +14155550123.`, {
      to: input,
    });
  }
  return parsed.number;
}
