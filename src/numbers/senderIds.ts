import { AppError } from '../errors';
import { isDuplicateKeyError } from '../db/errors';
import { recordAudit, type Actor } from '../audit/store';
import { ProviderError } from '../provider';
import type { ProviderDirectory } from '../provider/directory';
import { accountOfWorkspace } from '../provider/store';
import { toNumberView, type NumberView } from './channel';
import { findNumberByE164, insertOwnNumber, ownNumbers } from './store';

/**
 * Alphanumeric sender IDs ("BAKARI" instead of a number): registered with the provider, then a
 * "number" of the workspace's own (type `alphanumeric`, the ID in `e164`) that the channel can
 * connect and send from. Nobody can reply to one.
 */

/** Twilio's rule: 1–11 characters of A–Z, a–z, 0–9 and space, at least one letter. */
export const SENDER_ID = /^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$/;

/**
 * Countries whose carriers refuse alphanumeric sender IDs (the North American numbering plan).
 * Partial: Twilio's country guidelines list more.
 */
export const NO_ALPHANUMERIC = new Set(['US', 'CA', 'PR']);


/**
 * Registers `senderId` on the workspace's own provider account when it has one, else on the
 * platform's. Asking again for the workspace's own ID returns it; an ID another workspace has is a conflict.
 */
export async function registerSenderId(providers: ProviderDirectory, input: { workspaceId: string; senderId: string; country: string; actor: Actor }): Promise<NumberView> {
  const { workspaceId, senderId, country, actor } = input;
  const known = await findNumberByE164(senderId);
  if (known) {
    if (known.ownerWorkspaceId === workspaceId && known.type === 'alphanumeric') return toNumberView(known);
    throw new AppError('conflict', `The sender ID ${senderId} is already used by another workspace on this platform; choose another.`);
  }
  const own = await accountOfWorkspace(workspaceId);
  const handle = own ? await providers.forAccount(own._id) : providers.platform;
  if (!handle) throw new AppError('unavailable', 'The workspace\'s provider account could not be used just now. Try again.');
  const registration = await handle.provider.registerSenderId(senderId).catch((err: unknown) => {
    if (err instanceof ProviderError && err.category === 'permanent') {
      throw new AppError('validation_failed', `The provider refused the sender ID: ${err.sentence}`, { body: [{ path: 'senderId', message: err.sentence }] });
    }
    if (err instanceof ProviderError) throw new AppError('unavailable', `The provider could not register the sender ID just now (${err.sentence}) Try again.`);
    throw err;
  });
  try {
    const created = await insertOwnNumber(workspaceId, {
      e164: senderId,
      kind: own ? 'byo' : 'custom',
      type: 'alphanumeric',
      country,
      accountSid: handle.provider.accountSid,
      providerSid: registration.sid,
    });
    await recordAudit({ workspaceId, actor, action: 'sms.sender_id.registered', before: null, after: { numberId: created._id, senderId, country } });
    return toNumberView(created);
  } catch (err) {
    if (isDuplicateKeyError(err)) throw new AppError('conflict', `The sender ID ${senderId} was registered at the same time by someone else; reload and try again.`);
    throw err;
  }
}

export async function listSenderIds(workspaceId: string): Promise<NumberView[]> {
  return (await ownNumbers(workspaceId, { type: 'alphanumeric' })).map(toNumberView);
}
