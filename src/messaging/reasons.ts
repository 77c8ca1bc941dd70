import type { Trouble } from '../temporal/sender';

/** Why a message did not leave, in the words the agent reads. */
const EXPIRY_REASONS: Record<Trouble, string> = {
  queue: 'The sending number has more messages waiting than it can send within the validity period, so it was not sent.',
  paused: 'Sending was turned off and not turned back on before the message’s validity period ended, so it was not sent.',
  throttled: 'The carrier kept refusing messages from this number (throttling) until the message’s validity period ended, so it was not sent.',
  provider: 'The SMS provider could not be reached or did not answer until the message’s validity period ended, so it was not sent.',
};
export const expiryReason = (trouble: Trouble | undefined) => EXPIRY_REASONS[trouble ?? 'queue'];

export const NOT_CONNECTED_REASON = 'The SMS channel was disconnected (or switched to another number) before the message could leave, so it was not sent.';
