import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { AppError, notFound } from '../errors';
import { isDuplicateKeyError } from '../db/errors';
import { recordAudit, type Actor } from '../audit/store';
import { ProviderError, type ProviderNumber, type SmsProvider } from '../provider';
import type { ProviderDirectory } from '../provider/directory';
import { accountOfWorkspace, deleteAccount, findAccount, insertAccount, replaceToken, type ProviderAccountDoc } from '../provider/store';
import { connectNumber, disconnect, loadChannel, type ChannelDeps } from './channel';
import { deleteAccountNumbers, findNumberByE164, insertOwnNumber, ownNumbers } from './store';

/**
 * Bring your own provider account: a workspace adds its own Twilio account (checked with a real
 * call before anything is stored; the token sealed at rest), picks one of the account's numbers,
 * and we point the number's SMS webhook at us (or, where the account does not let us, say exactly
 * how to do it by hand) and connect it. Removing the account disconnects and forgets its numbers.
 */

export interface ProviderAccountDeps {
  providers: ProviderDirectory;
  channel: ChannelDeps;
  webhooks: { smsUrl: string; statusCallback: string };
}

export interface ProviderAccountView {
  accountSid: string;
  createdAt: string;
  updatedAt: string;
}

const toView = (a: ProviderAccountDoc): ProviderAccountView => ({
  accountSid: a._id,
  createdAt: a.createdAt.toISOString(),
  updatedAt: (a.updatedAt ?? a.createdAt).toISOString(),
});

/** The provider's answer to a call made with the workspace's credentials, in our terms. */
function providerFailure(err: unknown): never {
  if (err instanceof ProviderError && (err.code === 20003 || err.httpStatus === 401)) {
    throw new AppError('provider_credentials_invalid', 'The provider refused this Account SID and auth token. Copy both again from the provider\'s console.');
  }
  if (err instanceof ProviderError) throw new AppError('unavailable', `The provider could not be asked just now (${err.sentence}) Try again.`);
  throw err;
}

async function accountOf(workspaceId: string): Promise<ProviderAccountDoc> {
  const account = await accountOfWorkspace(workspaceId);
  if (!account) throw notFound('The provider account');
  return account;
}

async function providerOf(deps: ProviderAccountDeps, accountSid: string): Promise<SmsProvider> {
  const handle = await deps.providers.forAccount(accountSid);
  if (!handle) throw notFound('The provider account');
  return handle.provider;
}

export async function getProviderAccount(workspaceId: string): Promise<ProviderAccountView> {
  return toView(await accountOf(workspaceId));
}

/**
 * Adds the workspace's account, or replaces its token (the provider's console rotated it). The
 * credentials are tried first; a refusal stores nothing. One account per workspace; an account
 * another workspace has added answers conflict without saying whose it is.
 */
export async function saveProviderAccount(deps: ProviderAccountDeps, input: { workspaceId: string; accountSid: string; authToken: string; actor: Actor }) {
  const { workspaceId, accountSid, authToken, actor } = input;
  if (accountSid === deps.providers.platform.provider.accountSid) {
    throw new AppError('conflict', 'This is the platform\'s own provider account; add your own account instead.');
  }
  const [mine, existing] = await Promise.all([accountOfWorkspace(workspaceId), findAccount(accountSid)]);
  if (mine && mine._id !== accountSid) {
    throw new AppError('conflict', `This workspace already has the provider account ${mine._id}. Remove it before adding another.`);
  }
  if (existing && existing.workspaceId !== workspaceId) throw new AppError('conflict', 'This provider account is already used by another workspace.');

  await deps.providers.connect(accountSid, authToken).provider.listNumbers().catch(providerFailure);

  const now = new Date();
  const sealedToken = deps.providers.tokens.seal(accountSid, authToken);
  if (existing) {
    await replaceToken(workspaceId, accountSid, sealedToken, now);
  } else {
    try {
      await insertAccount(workspaceId, accountSid, sealedToken, now);
    } catch (err) {
      if (isDuplicateKeyError(err)) throw new AppError('conflict', 'This provider account was added at the same time by someone else. Reload and try again.');
      throw err;
    }
  }
  await recordAudit({
    workspaceId,
    actor,
    action: existing ? 'sms.provider_account.token_replaced' : 'sms.provider_account.added',
    before: existing ? { accountSid } : null,
    after: { accountSid },
  });
  return getProviderAccount(workspaceId);
}

export interface AccountNumberView {
  sid: string;
  e164: string;
  friendlyName: string;
  smsUrl: string;
  /** `ours`: texts reach us; `elsewhere`: the number forwards them to another URL; `none`: nowhere. */
  webhook: 'ours' | 'elsewhere' | 'none';
  /** Our id for the number once it has been connected (then it is in the Number dropdown too). */
  numberId: string | null;
}

/** The account's numbers at the provider, with whether each already reaches us. */
export async function listAccountNumbers(deps: ProviderAccountDeps, workspaceId: string): Promise<AccountNumberView[]> {
  const account = await accountOf(workspaceId);
  const provider = await providerOf(deps, account._id);
  const [numbers, imported] = await Promise.all([
    provider.listNumbers().catch(providerFailure),
    ownNumbers(workspaceId, { accountSid: account._id }),
  ]);
  const idOf = new Map(imported.map((n) => [n.e164, n._id]));
  return numbers
    .filter((n) => /^\+\d+$/.test(n.phoneNumber))
    .sort((a, b) => a.phoneNumber.localeCompare(b.phoneNumber))
    .map((n) => ({
      sid: n.sid,
      e164: n.phoneNumber,
      friendlyName: n.friendlyName,
      smsUrl: n.smsUrl ?? '',
      webhook: n.smsUrl === deps.webhooks.smsUrl ? 'ours' : n.smsUrl ? 'elsewhere' : 'none',
      numberId: idOf.get(n.phoneNumber) ?? null,
    }));
}

/** What an admin does by hand when the account does not let us set the webhook. */
export function manualWebhookSteps(webhooks: ProviderAccountDeps['webhooks'], e164: string) {
  return {
    smsUrl: webhooks.smsUrl,
    method: 'POST' as const,
    steps: [
      `In the Twilio Console, open Phone Numbers → Manage → Active numbers and choose ${e164}.`,
      'Under Messaging Configuration, set "A message comes in" to Webhook.',
      `Enter ${webhooks.smsUrl} as its URL and choose HTTP POST.`,
      'Save the configuration. Texts to the number then reach Chat; Settings shows the webhook as healthy after the next check.',
    ],
  };
}

const TOLL_FREE_NANP = /^\+1(800|833|844|855|866|877|888)/;

/**
 * Connects one of the account's numbers as the SMS channel: its SmsUrl is pointed at us first
 * (the earlier one kept, to put back on removal), then the number is ours and the channel uses it.
 * When the account does not allow the change (20403), the number is connected all the same and the
 * answer says exactly what to set by hand.
 */
export async function connectAccountNumber(deps: ProviderAccountDeps, input: { workspaceId: string; sid: string; actor: Actor }) {
  const { workspaceId, sid, actor } = input;
  const account = await accountOf(workspaceId);
  const provider = await providerOf(deps, account._id);
  const atProvider = (await provider.listNumbers().catch(providerFailure)).find((n) => n.sid === sid);
  if (!atProvider || !/^\+\d+$/.test(atProvider.phoneNumber)) throw notFound('The number');

  // a number this platform knows under another owner is refused before anything changes at the provider
  const known = await findNumberByE164(atProvider.phoneNumber);
  if (known && (known.ownerWorkspaceId !== workspaceId || known.accountSid !== account._id)) {
    throw new AppError('conflict', `${atProvider.phoneNumber} is already in use on this platform.`);
  }
  const webhook = await pointAtUs(deps, provider, atProvider);
  const number = known ?? (await importNumber(workspaceId, account._id, atProvider));
  const channel = await connectNumber(deps.channel, { workspaceId, numberId: number._id, actor });
  await recordAudit({ workspaceId, actor, action: 'sms.provider_account.number_connected', before: null, after: { numberId: number._id, e164: number.e164, webhook: webhook.status } });
  return { channel, webhook };
}

async function pointAtUs(deps: ProviderAccountDeps, provider: SmsProvider, n: ProviderNumber) {
  if (n.smsUrl === deps.webhooks.smsUrl) return { status: 'set' as const, smsUrl: deps.webhooks.smsUrl };
  try {
    await provider.updateNumber(n.sid, { smsUrl: deps.webhooks.smsUrl, statusCallback: deps.webhooks.statusCallback });
    return { status: 'set' as const, smsUrl: deps.webhooks.smsUrl };
  } catch (err) {
    if (err instanceof ProviderError && (err.code === 20403 || err.httpStatus === 403)) {
      return { status: 'manual' as const, ...manualWebhookSteps(deps.webhooks, n.phoneNumber) };
    }
    return providerFailure(err);
  }
}

async function importNumber(workspaceId: string, accountSid: string, n: ProviderNumber) {
  const type = TOLL_FREE_NANP.test(n.phoneNumber) ? 'toll_free' : 'local';
  try {
    return await insertOwnNumber(workspaceId, {
      e164: n.phoneNumber,
      kind: 'byo',
      type,
      country: countryOf(n.phoneNumber),
      accountSid,
      providerSid: n.sid,
      friendlyName: n.friendlyName,
      ...(n.smsUrl && { previousSmsUrl: n.smsUrl }),
    });
  } catch (err) {
    if (isDuplicateKeyError(err)) throw new AppError('conflict', `${n.phoneNumber} was connected at the same time by someone else. Reload and try again.`);
    throw err;
  }
}

/**
 * Removes the account: the channel is disconnected first if it uses one of its numbers (nothing is
 * deleted if that fails), each number's SmsUrl is put back as it was where we set it (best effort:
 * the account is the customer's; what could not be put back is reported), then the numbers and the
 * account are forgotten.
 */
export async function removeProviderAccount(deps: ProviderAccountDeps, input: { workspaceId: string; actor: Actor }) {
  const { workspaceId, actor } = input;
  const account = await accountOf(workspaceId);
  const numbers = await ownNumbers(workspaceId, { accountSid: account._id });
  const channel = await loadChannel(workspaceId);
  const disconnected = channel.status === 'connected' && numbers.some((n) => n._id === channel.numberId);
  if (disconnected) await disconnect(deps.channel, workspaceId, actor);

  const notRestored: string[] = [];
  const provider = await providerOf(deps, account._id);
  for (const n of numbers) {
    if (!n.providerSid) continue;
    try {
      const [now] = await provider.findNumbers({ phoneNumber: n.e164 });
      if (now?.smsUrl === deps.webhooks.smsUrl) await provider.updateNumber(n.providerSid, { smsUrl: n.previousSmsUrl ?? '' });
    } catch {
      notRestored.push(n.e164);
    }
  }
  await deleteAccountNumbers(workspaceId, account._id);
  await deleteAccount(workspaceId, account._id);
  await recordAudit({
    workspaceId,
    actor,
    action: 'sms.provider_account.removed',
    before: { accountSid: account._id, numbers: numbers.map((n) => n.e164) },
    after: null,
  });
  return { accountSid: account._id, removedNumbers: numbers.map((n) => n.e164), channelDisconnected: disconnected, webhooksNotRestored: notRestored };
}

/** The country of an E.164 number, for the Number dropdown; `ZZ` (unknown region) when the plan does not tell. */
function countryOf(e164: string): string {
  return parsePhoneNumberFromString(e164)?.country ?? 'ZZ';
}
