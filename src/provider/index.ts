import type { ProviderCredentials, SmsProvider } from './port';
import { TwilioProvider } from './twilio-adapter';

export * from './port';
export { ProviderError, describeDeliveryError, type ErrorCategory } from './errors';

/** One provider per account: the platform's, or a workspace's own for its bring-your-own numbers. */
export function createProvider(credentials: ProviderCredentials): SmsProvider {
  return new TwilioProvider(credentials);
}
